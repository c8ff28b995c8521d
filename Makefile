# SellerDesk — the two commands a person needs:
#   make run    installs what is missing, builds, opens the app on the sandbox
#   make test   installs what is missing, runs every suite
SHELL := /bin/bash
.DEFAULT_GOAL := run

# The Go that builds and tests SellerDesk: go1.26.8 (the machine's) has
# standard-library advisories that govulncheck reports; the module proxy
# serves go1.27.3, which has their fixes. The go command fetches it once.
export GOTOOLCHAIN := go1.27.3
GO      ?= go
WAILS   := $(shell $(GO) env GOPATH)/bin/wails
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
COMMIT  := $(shell git rev-parse --short HEAD 2>/dev/null)
LDFLAGS := -X github.com/sellerdesk/sellerdesk/internal/version.Version=$(VERSION) -X github.com/sellerdesk/sellerdesk/internal/version.Commit=$(COMMIT)
TAGS    := webkit2_41
BIN     := build/bin/sellerdesk

.PHONY: bench bench-catalog run test deps-run deps-test build frontend bindings check-bindings test-go test-frontend test-e2e test-smoke test-cli lint windows clean

run: deps-run build
	./$(BIN) --sandbox fresh

test: deps-test
	@.ci/test.sh

deps-run:
	@.ci/deps.sh run

deps-test:
	@.ci/deps.sh test

# The desktop binary (Linux, webkit2gtk-4.1), frontend and bindings included.
build:
	$(WAILS) build -tags $(TAGS) -ldflags "$(LDFLAGS)" -trimpath -o sellerdesk

# Frontend only (enough for `go test` and the web build used by browser tests).
frontend:
	cd frontend && npm run build

bindings:
	$(WAILS) generate module -tags $(TAGS)

# Fails with a diff when frontend/wailsjs is not what `make bindings` makes
# (generated in a temporary copy of the tree; nothing here is changed).
check-bindings:
	TAGS=$(TAGS) .ci/bindings.sh

# Every package under the race detector (.ci/gotest.sh: go test -race
# -count=1, skipped tests listed at the end of make test).
test-go:
	.ci/gotest.sh

# check:entry builds the web frontend and fails if Naive UI reaches the start-up chunks.
test-frontend:
	cd frontend && npm run typecheck && npm test && npm run check:entry

test-e2e:
	node --test frontend/e2e/*.e2e.mjs

test-smoke:
	.ci/smoke.sh

test-cli:
	.ci/cli-acceptance.sh

# gofmt, go vet, golangci-lint (.golangci.yml) and govulncheck; the linters
# are pinned in tools/go.mod and built by `go tool` on first use. Then eslint
# on the frontend (frontend/eslint.config.js, pinned in package.json).
lint:
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { gofmt -l $$(git ls-files '*.go'); echo "gofmt: files above need formatting"; exit 1; }
	$(GO) vet ./...
	$(GO) tool -modfile=tools/go.mod golangci-lint run ./...
	.ci/vulncheck.sh
	cd frontend && npm run -s lint

# Windows build and NSIS installer, cross-built here (unsigned).
windows: deps-run
	$(WAILS) build -platform windows/amd64 -nsis -ldflags "$(LDFLAGS)" -trimpath -o sellerdesk.exe

clean:
	rm -rf build/bin frontend/dist/assets frontend/dist/index.html frontend/dist/.vite

# Start-up and memory against a bare Wails app built in the same run.
bench: build
	.ci/bench-startup.sh 5

# Listing and tagging 1,000 Catalog entities on the sandbox at AWS's quotas,
# against the quota-bound ideal and a loop of AWS CLI calls (BENCH_N=50 for a
# quick try; several minutes at the default 1,000).
bench-catalog:
	BENCH_TAGS="$(TAGS)" .ci/bench-catalog.sh
