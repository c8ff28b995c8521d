#!/usr/bin/env bash
# The built binary as a user runs it: what only the real binary can show
# (the stamped version, main's dispatch to the CLI, the sandbox served by it
# to the AWS CLI and boto3, eight of its processes at once). Everything else
# the CLI does runs in `go test ./internal/cli/` as testscript scripts
# (internal/cli/testdata/script/*.txtar), with the AWS CLI and boto3 as
# judges there too.
set -uo pipefail
cd "$(dirname "$0")/.."
bin=$(pwd)/${1:-build/bin/sellerdesk}
work=$(mktemp -d)
sbpid=""
trap '[ -n "$sbpid" ] && kill $sbpid 2>/dev/null; rm -rf "$work"' EXIT
export SELLERDESK_HOME="$work/home" AWS_CONFIG_FILE="$work/config" AWS_SHARED_CREDENTIALS_FILE="$work/credentials"
unset AWS_PROFILE AWS_DEFAULT_PROFILE AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN AWS_ENDPOINT_URL AWS_REGION AWS_DEFAULT_REGION
: > "$AWS_CONFIG_FILE"; : > "$AWS_SHARED_CREDENTIALS_FILE"

pass=0; fail=0
skip() { # what did not run and why: said here and listed at the end of make test
  echo "skip $*"
  [ -z "${SELLERDESK_SKIPS_FILE:-}" ] || echo "CLI acceptance: $*" >> "$SELLERDESK_SKIPS_FILE"
}
check() { # name, expected exit code, expected text in output, command...
  local name=$1 want=$2 text=$3; shift 3
  local out code
  out=$("$@" 2>&1); code=$?
  if [ "$code" = "$want" ] && grep -qF -- "$text" <<<"$out"; then
    pass=$((pass+1)); echo "ok   $name"
  else
    fail=$((fail+1)); echo "FAIL $name: exit $code (want $want), output:"; sed 's/^/     /' <<<"$out"
  fi
}

check "--version prints the stamped version" 0 "sellerdesk " "$bin" --version
check "--help prints the commands, exit 0" 0 "Available Commands:" "$bin" --help
check "launch --help prints its flags and an example" 0 "--partner-account" "$bin" launch --help
check "stack watch --help answers" 0 "Examples:" "$bin" stack watch --help
check "whoami on the sandbox prints the scenario's account" 0 '"account": "111122223333"' "$bin" whoami --sandbox fresh --json
arn=arn:aws:aws-marketplace:us-east-1:111122223333:AWSMarketplace/SaaSProduct/prod-d91ac31927815
check "tags add with --sandbox after the tags" 0 "Tagged $arn with 1 tag(s)." "$bin" tags add "$arn" owner=ann --sandbox connected
check "unknown command, exit 2" 2 'unknown command "frobnicate"' "$bin" frobnicate
check "bad flag, exit 2" 2 "flag provided but not defined" "$bin" whoami --frobnicate
check "no credentials at all: a clear message at once" 1 "aws configure" timeout 10 "$bin" whoami

# The sandbox served to outside clients, throttled: eight tags add at once
# all succeed, and the AWS CLI sees every tag.
printf '[static]\naws_access_key_id = AKIAEXAMPLE\naws_secret_access_key = example\n' > "$AWS_SHARED_CREDENTIALS_FILE"
printf '[profile static]\nregion = us-east-1\n' > "$AWS_CONFIG_FILE"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$bin" sandbox --addr "127.0.0.1:$port" --scenario throttled > "$work/sandbox.out" 2>&1 &
sbpid=$!
# Up to 10 s for the endpoint; the check below fails, with the output, if it never came.
for _ in $(seq 1 100); do grep -q "Endpoint:" "$work/sandbox.out" 2>/dev/null && break; sleep 0.1; done
check "sandbox prints its endpoint and the variables to use" 0 "export AWS_ENDPOINT_URL=http://127.0.0.1:$port" cat "$work/sandbox.out"
check "the profile reaches the sandbox through --endpoint-url" 0 "111122223333" "$bin" whoami --profile static --endpoint-url "http://127.0.0.1:$port"
if command -v aws >/dev/null; then
  check "AWS CLI: sts get-caller-identity on the sandbox" 0 "111122223333" env AWS_ACCESS_KEY_ID=sandbox AWS_SECRET_ACCESS_KEY=sandbox AWS_DEFAULT_REGION=us-east-1 aws --endpoint-url "http://127.0.0.1:$port" sts get-caller-identity
else skip "AWS CLI: not installed"; fi
if python3 -c 'import boto3' 2>/dev/null; then
  check "boto3: get_caller_identity on the sandbox" 0 "111122223333" env AWS_ACCESS_KEY_ID=sandbox AWS_SECRET_ACCESS_KEY=sandbox python3 -c "import boto3; print(boto3.client('sts', region_name='us-east-1', endpoint_url='http://127.0.0.1:$port').get_caller_identity()['Account'])"
else skip "boto3: not installed"; fi
pids=()
for i in 1 2 3 4 5 6 7 8; do
  "$bin" tags add "$arn" "run-$i=ok" --profile static --endpoint-url "http://127.0.0.1:$port" > "$work/tags-$i.out" 2>&1 &
  pids+=($!)
done
for i in 1 2 3 4 5 6 7 8; do
  wait "${pids[$((i-1))]}"; echo $? > "$work/tags-$i.code"
done
for i in 1 2 3 4 5 6 7 8; do
  check "concurrent tags add $i of 8 on the throttled sandbox" 0 "Tagged" sh -c "cat '$work/tags-$i.out'; exit \$(cat '$work/tags-$i.code')"
done
if command -v aws >/dev/null; then
  for i in 1 2 3 4 5 6 7 8; do
    check "AWS CLI sees run-$i" 0 "run-$i" env AWS_ACCESS_KEY_ID=sandbox AWS_SECRET_ACCESS_KEY=sandbox AWS_DEFAULT_REGION=us-east-1 aws --endpoint-url "http://127.0.0.1:$port" marketplace-catalog list-tags-for-resource --resource-arn "$arn"
  done
fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
