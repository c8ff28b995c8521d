#!/usr/bin/env bash
# The built binary as a user runs it: identity on the sandbox, the sandbox
# served to the AWS CLI and boto3, and bad input giving clear errors and the
# documented exit codes.
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
check "whoami on the sandbox prints the scenario's account" 0 '"account": "111122223333"' "$bin" whoami --sandbox fresh --json
check "whoami on another scenario" 0 "444455556666" "$bin" whoami --sandbox not-seller
check "unknown scenario is named, exit 1" 1 "nope" "$bin" whoami --sandbox nope
check "unknown command, exit 2" 2 'unknown command "frobnicate"' "$bin" frobnicate
check "bad flag, exit 2" 2 "flag provided but not defined" "$bin" whoami --frobnicate
check "no credentials at all: a clear message at once" 1 "aws configure" timeout 10 "$bin" whoami
check "unknown profile is named, exit 1" 1 "ghost" "$bin" whoami --profile ghost

printf '[default]\nregion = us-east-1\n[profile broken\nregion = x\n' > "$work/bad-config"
check "malformed config names file and line" 1 "bad-config:3" env AWS_CONFIG_FILE="$work/bad-config" "$bin" profiles

printf '[static]\naws_access_key_id = AKIAEXAMPLE\naws_secret_access_key = example\n' > "$AWS_SHARED_CREDENTIALS_FILE"
printf '[profile static]\nregion = us-east-1\n' > "$AWS_CONFIG_FILE"
check "profiles lists the static profile" 0 "static" "$bin" profiles
check "unreachable endpoint is explained, exit 1" 1 "127.0.0.1:9" timeout 30 "$bin" whoami --profile static --endpoint-url http://127.0.0.1:9

# The sandbox served to outside clients.
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$bin" sandbox --addr "127.0.0.1:$port" --scenario fresh --time-scale 1000 > "$work/sandbox.out" 2>&1 &
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
# fresh → launch → all four tiles Connected, through the served sandbox.
check "status before the launch: not all connected" 1 "Role and access  NOT-CONNECTED" "$bin" status --profile static --endpoint-url "http://127.0.0.1:$port"
check "launch through --endpoint-url ends Connected" 0 "Connected:" "$bin" launch --profile static --endpoint-url "http://127.0.0.1:$port" --partner-account 123456789012 --external-id sellerdesk-ci-ext --wait
check "stack events lists the create" 0 "CREATE_COMPLETE" "$bin" stack events --profile static --endpoint-url "http://127.0.0.1:$port"
check "status after the launch: 4 of 4 connected" 0 "4 of 4 connected" "$bin" status --profile static --endpoint-url "http://127.0.0.1:$port"
if command -v aws >/dev/null; then
  check "AWS CLI reads the stack outputs" 0 "PartnerRoleArn" env AWS_ACCESS_KEY_ID=sandbox AWS_SECRET_ACCESS_KEY=sandbox AWS_DEFAULT_REGION=us-east-1 aws --endpoint-url "http://127.0.0.1:$port" cloudformation describe-stacks --stack-name SellerDesk-Onboarding
  check "AWS CLI reads the partner role" 0 "SellerDeskPartnerRole" env AWS_ACCESS_KEY_ID=sandbox AWS_SECRET_ACCESS_KEY=sandbox AWS_DEFAULT_REGION=us-east-1 aws --endpoint-url "http://127.0.0.1:$port" iam get-role --role-name SellerDeskPartnerRole
fi
check "resale-role creates the role and policy" 0 "Done: role arn:aws:iam::111122223333:role/FullResaleAuthorizationAccess" "$bin" resale-role --profile static --endpoint-url "http://127.0.0.1:$port"
check "resale-role a second time: already in place" 0 "Already in place" "$bin" resale-role --profile static --endpoint-url "http://127.0.0.1:$port"
check "policy --create makes it in IAM and attaches it to a user" 0 "attached it to user catalog-editor" "$bin" policy start-by-tag --tag product-team=team-xyz --create TeamXyzStart --attach-user catalog-editor --profile static --endpoint-url "http://127.0.0.1:$port"
check "policy --create again: already in place" 0 "already in place" "$bin" policy start-by-tag --tag product-team=team-xyz --create TeamXyzStart --attach-user catalog-editor --profile static --endpoint-url "http://127.0.0.1:$port"
if command -v aws >/dev/null; then
  check "AWS CLI sees the policy attached to the user" 0 "TeamXyzStart" env AWS_ACCESS_KEY_ID=sandbox AWS_SECRET_ACCESS_KEY=sandbox AWS_DEFAULT_REGION=us-east-1 aws --endpoint-url "http://127.0.0.1:$port" iam list-attached-user-policies --user-name catalog-editor
fi
# Catalog tags (issue 5, CLI part), against the served sandbox.
arn=arn:aws:aws-marketplace:us-east-1:111122223333:AWSMarketplace/SaaSProduct/prod-d91ac31927815
check "tags add" 0 "Tagged" "$bin" tags add --profile static --endpoint-url "http://127.0.0.1:$port" "$arn" owner=ann tier=gold
check "tags remove" 0 "Removed 1" "$bin" tags remove --profile static --endpoint-url "http://127.0.0.1:$port" "$arn" tier
check "tags list shows what is left" 0 "owner=ann" "$bin" tags list --profile static --endpoint-url "http://127.0.0.1:$port" "$arn"
check "a tag key breaking the rules is named, nothing sent" 1 'key "bad#key"' "$bin" tags add --profile static --endpoint-url "http://127.0.0.1:$port" "$arn" 'bad#key=v'
if command -v aws >/dev/null; then
  check "AWS CLI agrees on the tags" 0 "owner" env AWS_ACCESS_KEY_ID=sandbox AWS_SECRET_ACCESS_KEY=sandbox AWS_DEFAULT_REGION=us-east-1 aws --endpoint-url "http://127.0.0.1:$port" marketplace-catalog list-tags-for-resource --resource-arn "$arn"
fi
"$bin" entities --profile static --endpoint-url "http://127.0.0.1:$port" --type Offer --json 2>/dev/null | python3 -c "import json,sys; a=json.load(sys.stdin); json.dump({'kind':'add','tags':[{'key':'campaign','value':'q4'}],'arns':[x['arn'] for x in a[:10]]}, open('$work/job.json','w'))"
check "tags bulk without --yes previews the diff and applies nothing" 0 "Nothing applied" "$bin" tags bulk --profile static --endpoint-url "http://127.0.0.1:$port" --file "$work/job.json"
check "tags bulk --yes applies under the quota" 0 "10 succeeded, 0 failed" "$bin" tags bulk --profile static --endpoint-url "http://127.0.0.1:$port" --file "$work/job.json" --yes
check "tags bulk again: nothing left to change" 0 "0 resource(s) change, 10 already as asked" "$bin" tags bulk --profile static --endpoint-url "http://127.0.0.1:$port" --file "$work/job.json"
check "changeset start --watch: the guide's tagged UpdateInformation succeeds" 0 "SUCCEEDED" "$bin" changeset start --profile static --endpoint-url "http://127.0.0.1:$port" --type UpdateInformation --entity-type SaaSProduct@1.0 --entity-id prod-d91ac31927815 --details '{"ProductTitle":"My updated title"}' --changeset-tag product-team=team-xyz --watch
check "changeset list shows it" 0 "SUCCEEDED" "$bin" changeset list --profile static --endpoint-url "http://127.0.0.1:$port"
check "a bad change type is refused before any call" 1 "capital letter" "$bin" changeset start --profile static --endpoint-url "http://127.0.0.1:$port" --type updateInformation --entity-type SaaSProduct@1.0 --entity-id x --details '{}'
check "stack delete --yes removes it" 0 "deleted" "$bin" stack delete --yes --profile static --endpoint-url "http://127.0.0.1:$port"
check "a second sandbox on a busy port fails clearly" 1 "127.0.0.1:$port" "$bin" sandbox --addr "127.0.0.1:$port"
check "a non-loopback address is refused" 1 "loopback" "$bin" sandbox --addr 0.0.0.0:0

# The onboarding stack (issue 3), on the sandbox, paced 1000 times faster than AWS.
check "template prints the embedded template" 0 "AWSTemplateFormatVersion" "$bin" template
check "launch --wait on the sandbox ends Connected" 0 "Connected: arn:aws:iam::111122223333:role/SellerDeskPartnerRole" \
  "$bin" launch --sandbox fresh --time-scale 1000 --partner-account 123456789012 --external-id sellerdesk-ci-ext --wait
check "launch --wait on the rollback scenario ends in Error naming the resource" 1 "Bucket (AWS::S3::Bucket)" \
  "$bin" launch --sandbox rollback --time-scale 1000 --partner-account 123456789012 --external-id sellerdesk-ci-ext --wait
check "a bad partner account is refused before anything is created" 1 "12 digits" \
  "$bin" launch --sandbox fresh --partner-account 12345 --external-id sellerdesk-ci-ext
check "a bad external ID is refused" 1 "External ID" \
  "$bin" launch --sandbox fresh --partner-account 123456789012 --external-id 'has space'
check "stack delete asks for --yes" 2 "--yes" "$bin" stack delete --sandbox fresh

# The tiles (issue 4) on the scenarios.
printf '{"Statement":[{"Effect":"Allow","Action":"aws-marketplace:StartChangeSet","Resource":"*","Condition":{"StringEquals":{"aws:ResourceTag/product-team":"team-xyz"}}}]}' > "$work/broken-policy.json"
check "policy lint catches StartChangeSet under a tag condition without TagResource" 1 "tag-condition-needs-tagresource" "$bin" policy lint "$work/broken-policy.json"
"$bin" policy start-by-tag --tag product-team=team-xyz > "$work/good-policy.json"
check "a built policy lints clean" 0 "info" "$bin" policy lint "$work/good-policy.json"
check "status on connected: 4 of 4" 0 "4 of 4 connected" "$bin" status --sandbox connected
check "test cas on cas-broken names the failing check" 1 "✗ CAS topic exists and its policy allows publishing" "$bin" test cas --sandbox cas-broken
check "test sdds on sdds-broken names the failing check" 1 "✗ KMS key policy" "$bin" test sdds --sandbox sdds-broken
check "status on not-seller: not registered" 1 "NOT-REGISTERED" "$bin" status --sandbox not-seller
check "test sdds on connected passes" 0 "Connected: all" "$bin" test sdds --sandbox connected

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
