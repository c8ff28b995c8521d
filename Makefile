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
# The one version (scripts/version.sh): the tag on this commit, else 0.0.0-dev+COMMIT.
VERSION ?= $(shell scripts/version.sh)
COMMIT  := $(shell git rev-parse --short HEAD 2>/dev/null)
LDFLAGS := -X github.com/sellerdesk/sellerdesk/internal/version.Version=$(VERSION) -X github.com/sellerdesk/sellerdesk/internal/version.Commit=$(COMMIT)
TAGS    := webkit2_41
BIN     := build/bin/sellerdesk

.PHONY: bench bench-catalog run test deps-run deps-test build frontend bindings check-bindings test-go test-frontend test-e2e test-smoke test-cli lint windows deb dist test-dist icons clean

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
	@# generate writes the runtime files 755, wails build 644: keep them as committed
	chmod 644 frontend/wailsjs/runtime/*

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
	node --test --test-timeout=600000 frontend/e2e/*.e2e.mjs

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
	$(GO) tool -modfile=tools/go.mod golangci-lint run --allow-serial-runners ./...
	.ci/vulncheck.sh
	cd frontend && npm run -s lint

# --- Release packaging (issue 11): scripts/package.sh, build/dist/ ----------
# make windows   signed sellerdesk.exe in a signed per-user NSIS installer
#                (SIGN_CERT_P12, SIGN_CERT_PASSWORD, SIGN_TIMESTAMP_URL; a
#                throwaway self-signed certificate without them)
# make deb       .deb and .rpm (nfpm, pinned in tools/nfpm/go.mod)
# make dist      both, with SHA256SUMS and each artefact's size
# make test-dist checks what make dist built: signatures, --version, the .deb
#                installed, started under Xvfb and removed (root or sudo)
# make icons     re-renders build/appicon.svg into the committed icons
PACKAGE := VERSION="$(VERSION)" SELLERDESK_VERSION="$(VERSION)" LDFLAGS="$(LDFLAGS)" WAILS="$(WAILS)" TAGS="$(TAGS)" scripts/package.sh

windows: deps-run frontend
	$(PACKAGE) windows

deb: deps-run frontend
	$(PACKAGE) linux

dist: deps-run frontend
	$(PACKAGE) all

test-dist:
	SELLERDESK_VERSION="$(VERSION)" .ci/test-dist.sh

icons:
	scripts/render-icons.sh
# --- end of release packaging ------------------------------------------------

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
