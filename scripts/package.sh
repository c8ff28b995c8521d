#!/usr/bin/env bash
# Builds SellerDesk's release artefacts into build/dist/ (make dist, make
# windows, make deb). Usage: package.sh windows|linux|all
#
# The build runs in a staged copy of the tree (build/stage/src: the tracked
# and new files plus the built frontend) so that stamping the version never
# dirties the work tree: wails.json's productVersion ("0.0.0" in git, a
# placeholder) and build/windows/info.json's version strings are written
# there, and `wails build -nsis` regenerates wails_tools.nsh there.
#
# Environment: SELLERDESK_VERSION (default: scripts/version.sh), LDFLAGS
# (the Makefile's -X flags), WAILS (the Wails CLI), TAGS (Linux build tags),
# and the signing variables of scripts/sign-windows.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
what=${1:-all}
export GOTOOLCHAIN=${GOTOOLCHAIN:-go1.27.3}

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }

VERSION=${SELLERDESK_VERSION:-$(scripts/version.sh)}
export SELLERDESK_VERSION=$VERSION
NUMERIC=$(scripts/version.sh --numeric)
COMMIT=$(git rev-parse --short=7 HEAD 2>/dev/null || true)
LDFLAGS=${LDFLAGS:--X github.com/sellerdesk/sellerdesk/internal/version.Version=$VERSION -X github.com/sellerdesk/sellerdesk/internal/version.Commit=$COMMIT}
WAILS=${WAILS:-$(go env GOPATH)/bin/wails}
TAGS=${TAGS:-webkit2_41}
dist=$root/build/dist
# sign-windows.sh decodes a base64 SIGN_CERT_P12 here: never leave it behind.
trap 'rm -f "$root/build/stage/signing.p12"' EXIT
src=$root/build/stage/src
mkdir -p "$dist"
[ "$what" != all ] || rm -rf "${dist:?}"/*

[ -f frontend/dist/index.html ] || { echo "package: frontend/dist is not built (make frontend)" >&2; exit 1; }
scripts/render-icons.sh --check

# --- the staged copy ---------------------------------------------------------
say "staging the tree for version $VERSION (Windows file version $NUMERIC)"
rm -rf "$src"
mkdir -p "$src"
git ls-files -z --cached --others --exclude-standard |
  while IFS= read -r -d '' f; do [ -e "$f" ] && printf '%s\0' "$f"; done |
  tar --null -T - -cf - | tar -xf - -C "$src"
mkdir -p "$src/frontend/dist" && cp -a frontend/dist/. "$src/frontend/dist/"
python3 - "$src" "$VERSION" "$NUMERIC" <<'PY'
import json, sys
src, full, numeric = sys.argv[1:]
p = f"{src}/wails.json"
w = json.load(open(p, encoding="utf-8"))
w["info"]["productVersion"] = numeric          # X.Y.Z: manifest, NSIS, fixed file version
json.dump(w, open(p, "w", encoding="utf-8"), indent=2, ensure_ascii=False)
p = f"{src}/build/windows/info.json"
i = json.load(open(p, encoding="utf-8"))
for k in ("ProductVersion", "FileVersion"):      # the strings Explorer shows: the full version
    i["info"]["0000"][k] = full
json.dump(i, open(p, "w", encoding="utf-8"), indent=2, ensure_ascii=False)
PY

release_ldflags="$LDFLAGS -s -w"
artefacts=()

# --- Windows: signed sellerdesk.exe inside a signed NSIS installer ------------
windows() {
  # makensis and osslsigncode, from Debian when missing (as .ci/deps.sh does).
  local missing=()
  command -v makensis >/dev/null || missing+=(nsis)
  command -v osslsigncode >/dev/null || missing+=(osslsigncode)
  if [ ${#missing[@]} -gt 0 ]; then
    local sudo=""; [ "$(id -u)" -eq 0 ] || sudo=sudo
    say "installing Debian packages: ${missing[*]}"
    $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" ||
      { echo "package: install ${missing[*]} (apt-get install ${missing[*]})" >&2; exit 1; }
  fi
  scripts/sign-windows.sh --prepare
  # makensis runs these while it builds: the app before it is packed, the
  # uninstaller before it is embedded, the installer once written.
  local sign="$root/scripts/sign-windows.sh"
  cat > "$src/build/windows/installer/sd_build.nsh" <<NSH
!define SD_VERSION "$VERSION"
!system '"$sign" "\${ARG_WAILS_AMD64_BINARY}"' = 0
!uninstfinalize '"$sign" "%1"' = 0
!finalize '"$sign" "%1"' = 0
NSH
  say "building sellerdesk.exe and its NSIS installer"
  (cd "$src" && "$WAILS" build -platform windows/amd64 -nsis -s -skipbindings -m -nosyncgomod -trimpath \
     -ldflags "$release_ldflags" -o sellerdesk.exe -v 1)
  local out="$dist/SellerDesk-$VERSION-windows-amd64-setup.exe"
  rm -f "$dist"/SellerDesk-*-windows-amd64-setup.exe
  cp "$src"/build/bin/*-amd64-installer.exe "$out"
  artefacts+=("$out")
}

# --- Linux: the binary, then .deb and .rpm by nfpm ----------------------------
linux() {
  say "building the Linux binary"
  (cd "$src" && "$WAILS" build -tags "$TAGS" -s -skipbindings -m -nosyncgomod -trimpath \
     -ldflags "$release_ldflags" -o sellerdesk -v 1)
  local bin="$src/build/bin/sellerdesk"
  local got; got=$("$bin" --version)
  case "$got" in *" $VERSION"|*" $VERSION "*) ;; *) echo "package: $bin --version says '$got', not $VERSION" >&2; exit 1 ;; esac
  rm -f "$dist"/sellerdesk_*.deb "$dist"/sellerdesk-*.rpm
  for p in deb rpm; do
    say "packaging the .$p"
    (cd "$src" && go tool -modfile="$root/tools/nfpm/go.mod" nfpm package \
       --config build/linux/nfpm.yaml --packager "$p" --target "$dist/")
  done
  artefacts+=("$dist"/sellerdesk_*.deb "$dist"/sellerdesk-*.rpm)
}

case "$what" in
  windows) windows ;;
  linux) linux ;;
  all) windows; linux ;;
  *) echo "usage: package.sh windows|linux|all" >&2; exit 2 ;;
esac

# --- checksums and sizes -------------------------------------------------------
(cd "$dist" && rm -f SHA256SUMS && sha256sum -- $(ls | grep -v '^SHA256SUMS$' | sort) > SHA256SUMS)
say "build/dist ($VERSION)"
for a in "${artefacts[@]}"; do
  printf '  %-60s %6.1f MB\n' "${a#"$root"/}" "$(awk -v b="$(stat -c %s "$a")" 'BEGIN { print b/1048576 }')"
done
echo "  build/dist/SHA256SUMS"
