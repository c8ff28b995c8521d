#!/usr/bin/env bash
# Runs every suite, keeps going after a failure so one run shows everything,
# and ends with every test that was skipped and why (never silently), then
# the count of suites passed and failed.
set -uo pipefail
cd "$(dirname "$0")/.."
export PATH="$(go env GOPATH)/bin:$PATH"
# Suites append one line per skipped test or check here (.ci/gotest.sh, .ci/cli-acceptance.sh).
export SELLERDESK_SKIPS_FILE
SELLERDESK_SKIPS_FILE=$(mktemp)
trap 'rm -f "$SELLERDESK_SKIPS_FILE"' EXIT

passed=0; failed=0; failures=()
suite() {
  local name=$1; shift
  printf '\n\033[1m=== suite: %s\033[0m\n' "$name"
  local t0=$SECONDS
  if "$@"; then
    passed=$((passed+1)); printf '=== suite %s: ok (%ss)\n' "$name" $((SECONDS-t0))
  else
    failed=$((failed+1)); failures+=("$name"); printf '=== suite %s: FAILED (%ss)\n' "$name" $((SECONDS-t0))
    return 1
  fi
}

suite "lint (gofmt, go vet, golangci-lint, govulncheck, eslint)" make -s lint
suite "go tests (-race)" make -s test-go
suite "frontend types and unit tests (vitest)" make -s test-frontend
suite "Wails bindings match the Go code (frontend/wailsjs)" make -s check-bindings
if suite "desktop build (wails build)" make -s build; then
  suite "CLI acceptance (built binary, AWS CLI)" make -s test-cli
  suite "browser end-to-end (Chromium, real backend)" make -s test-e2e
  suite "real window smoke test (Xvfb)" make -s test-smoke
  suite "window size remembered (Xvfb, openbox)" .ci/window-size.sh
fi
# The installers: signed Windows NSIS installer and .deb/.rpm (make dist),
# then osslsigncode verify, apt install / start / remove of the .deb, and a
# silent install and uninstall under Wine when Wine is there (test-dist).
if suite "installers (make dist)" make -s dist; then
  suite "installers checked (signature, .deb install/start/remove)" make -s test-dist
fi

echo
nskip=$(grep -c . "$SELLERDESK_SKIPS_FILE")
if [ "$nskip" -gt 0 ]; then
  printf '\033[1mskipped: %s test(s) or check(s) did not run:\033[0m\n' "$nskip"
  sed 's/^/  /' "$SELLERDESK_SKIPS_FILE"
else
  echo "skipped: none"
fi
if [ "$failed" -gt 0 ]; then echo "failed suites: ${failures[*]}"; fi
echo "suites: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
