#!/usr/bin/env bash
# Installs what `make run` and `make test` need on Debian 12, and only what is
# missing, so a second run takes a second. Usage: deps.sh run|test
set -euo pipefail
what=${1:-test}
cd "$(dirname "$0")/.."

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null; then SUDO="sudo"; else
    echo "deps: not root and no sudo: install the packages listed below by hand" >&2; fi
fi

# Debian packages: the webview the window needs, and for tests a virtual
# display, a screenshot tool and the browser the end-to-end tests drive; the
# installers' tests sign and verify (osslsigncode), render the icon
# (librsvg2-bin) and install the Windows installer silently (wine64).
pkgs=(build-essential pkg-config libgtk-3-dev libwebkit2gtk-4.1-dev)
if [ "$what" = test ]; then
  pkgs+=(xvfb xauth x11-utils imagemagick chromium dbus-x11 nsis openbox wmctrl xdotool
    osslsigncode librsvg2-bin wine wine64)
fi
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
# The AWS CLI and boto3 judge the sandbox from outside; Debian packages them
# when the machine has no other copy.
if [ "$what" = test ]; then
  command -v aws >/dev/null || missing+=(awscli)
  python3 -c 'import boto3' 2>/dev/null || missing+=(python3-boto3)
fi
if [ ${#missing[@]} -gt 0 ]; then
  say "installing Debian packages: ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# Go and Node come with the machine; say so clearly if they do not.
command -v go >/dev/null || { echo "deps: Go 1.26 is required (https://go.dev/dl); install it and re-run" >&2; exit 1; }
command -v npm >/dev/null || { echo "deps: Node 20 with npm is required; install it and re-run" >&2; exit 1; }

# The Wails CLI, pinned in tools/wails/go.mod (its own module: its
# dependencies clash with golangci-lint's) to the version of the library in
# go.mod.
WAILS_VERSION=$(cd tools/wails && go list -m -f '{{.Version}}' github.com/wailsapp/wails/v2)
LIB_VERSION=$(go list -m -f '{{.Version}}' github.com/wailsapp/wails/v2)
[ "$WAILS_VERSION" = "$LIB_VERSION" ] || { echo "deps: tools/wails/go.mod pins the Wails CLI $WAILS_VERSION but go.mod uses the library $LIB_VERSION: make them agree" >&2; exit 1; }
WAILS="$(go env GOPATH)/bin/wails"
if ! "$WAILS" version 2>/dev/null | grep -q "$WAILS_VERSION"; then
  say "installing the Wails CLI $WAILS_VERSION"
  (cd tools/wails && go install github.com/wailsapp/wails/v2/cmd/wails)
fi

# Frontend packages, from the lock file.
if [ ! -d frontend/node_modules ] || [ frontend/package-lock.json -nt frontend/node_modules/.package-lock.json ]; then
  say "installing frontend packages"
  (cd frontend && npm ci --no-audit --no-fund --loglevel=error)
fi

# Outside judges that only PyPI serves: used when present, reported when not.
if [ "$what" = test ]; then
  for tool in moto_server cfn-lint; do
    command -v "$tool" >/dev/null || echo "deps: note: $tool is not installed and only PyPI provides it (not reachable here); the suites that use it will report it as skipped"
  done
fi
exit 0
