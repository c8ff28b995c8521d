#!/usr/bin/env bash
# govulncheck against the Go vulnerability database. vuln.go.dev is out of
# reach here, so the database comes from the Go module proxy as the
# golang.org/x/vulndb module (its data/osv folder is a flat OSV database
# govulncheck reads). The snapshot is pinned below: bump it to learn of newer
# advisories. Runs under the Makefile's GOTOOLCHAIN, so the standard library
# checked is the one SellerDesk is built with.
set -euo pipefail
cd "$(dirname "$0")/.."
VULNDB_VERSION=v0.0.0-20261105234957-e22db6528018
dir=$(cd tools && go mod download -json "golang.org/x/vulndb@$VULNDB_VERSION" | python3 -c 'import json,sys; print(json.load(sys.stdin)["Dir"])')
echo "govulncheck: database golang.org/x/vulndb@$VULNDB_VERSION, $(go env GOVERSION)"
go tool -modfile=tools/go.mod govulncheck -db "file://$dir/data/osv" ./...
