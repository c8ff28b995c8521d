#!/usr/bin/env bash
# The Go tests, as `make test` runs them: every package under the race
# detector, fresh (-count=1). The output is go test's usual one (package
# results, and the output of failed tests); every skipped test is appended
# with its reason to $SELLERDESK_SKIPS_FILE for the summary at the end of
# make test. Extra arguments go to go test (e.g. -run, a package list).
set -uo pipefail
cd "$(dirname "$0")/.."
skips=${SELLERDESK_SKIPS_FILE:-/dev/null}
pkgs=("$@"); [ ${#pkgs[@]} -gt 0 ] || pkgs=(./...)

# The filter is built first so that its build errors are not mistaken for the tests'.
filter=$(mktemp -d)/gotestjson
trap 'rm -rf "$(dirname "$filter")"' EXIT
go build -o "$filter" .ci/gotestjson.go || exit 1

go test -race -count=1 -json "${pkgs[@]}" 2>&1 | "$filter" -skips "$skips" -label "go test -race"
