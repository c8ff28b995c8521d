#!/usr/bin/env bash
# Checks what `make dist` put in build/dist/ (make test-dist):
#   - SHA256SUMS matches the files
#   - the Windows installer and sellerdesk.exe carry a valid SHA-256
#     Authenticode signature (osslsigncode verify; against the throwaway
#     certificate when the build made one), and the installer installs and
#     uninstalls silently under Wine (.ci/test-windows-wine.sh; skipped
#     without wine)
#   - the .deb installs with apt-get, puts the binary, desktop entry and icons
#     in place, reports the computed version, opens its window under Xvfb to
#     the ready signal (.ci/smoke.sh), and apt-get remove takes the files away
# Needs root (or sudo) for apt-get. Skips, saying so, a part whose artefact
# is not there. SELLERDESK_VERSION: the version expected (scripts/version.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
dist=build/dist
want=${SELLERDESK_VERSION:-$(scripts/version.sh)}
fail=0
ok() { echo "test-dist: ok: $*"; }
bad() { echo "test-dist: FAIL: $*"; fail=1; }

[ -s "$dist/SHA256SUMS" ] || { echo "test-dist: $dist/SHA256SUMS is missing: run make dist"; exit 1; }
if (cd "$dist" && sha256sum --quiet -c SHA256SUMS); then ok "SHA256SUMS"; else bad "SHA256SUMS does not match"; fi

# --- Windows signatures ------------------------------------------------------
verify() {
  local f=$1 args=(verify -in "$1") out
  # Without a real certificate the build signed with the throwaway one:
  # trust it for this check only.
  if [ -z "${SIGN_CERT_P12:-}" ] && [ -s build/stage/selfsigned/cert.pem ]; then
    args+=(-CAfile build/stage/selfsigned/cert.pem)
  fi
  out=$(osslsigncode "${args[@]}" 2>&1) || true
  if grep -q '^Signature verification: ok' <<<"$out" && grep -q 'Message digest algorithm *: SHA256' <<<"$out"; then
    ok "$f: Authenticode SHA-256 signature verified ($(grep -m1 'Subject:' <<<"$out" | sed 's/^[[:space:]]*//'))"
  else
    bad "$f: signature did not verify:"; echo "$out" | sed 's/^/    /'
  fi
}
shopt -s nullglob
installers=("$dist"/SellerDesk-*-windows-amd64-setup.exe)
if [ ${#installers[@]} -eq 0 ]; then
  echo "test-dist: skipped: no Windows installer in $dist (make windows)"
else
  for f in "${installers[@]}"; do verify "$f"; done
  [ ! -f build/stage/src/build/bin/sellerdesk.exe ] || verify build/stage/src/build/bin/sellerdesk.exe
  # Silent install and uninstall under Wine, when Wine is here.
  if .ci/test-windows-wine.sh; then ok "Wine: silent install and uninstall"; else bad "Wine: silent install and uninstall"; fi
fi

# --- the .deb, installed, started and removed ---------------------------------
debs=("$dist"/sellerdesk_*_amd64.deb)
if [ ${#debs[@]} -eq 0 ]; then
  echo "test-dist: skipped: no .deb in $dist (make deb)"
else
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO=sudo
  deb=$(realpath "${debs[0]}")
  files=(/usr/bin/sellerdesk /usr/share/applications/sellerdesk.desktop)
  for s in 16 32 48 64 128 256 512; do files+=("/usr/share/icons/hicolor/${s}x${s}/apps/sellerdesk.png"); done
  if DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "$deb" >/dev/null; then ok "apt-get install $deb"; else bad "apt-get install $deb"; fi
  missing=0
  for f in "${files[@]}"; do [ -e "$f" ] || { bad "$f was not installed"; missing=1; }; done
  [ $missing -eq 1 ] || ok "binary, desktop entry and 7 icon sizes installed"
  if command -v desktop-file-validate >/dev/null; then
    desktop-file-validate /usr/share/applications/sellerdesk.desktop && ok "desktop entry validates"
  fi
  got=$(/usr/bin/sellerdesk --version 2>&1 || true)
  case "$got" in
    "sellerdesk $want"|"sellerdesk $want "*) ok "sellerdesk --version: $got" ;;
    *) bad "sellerdesk --version says '$got', want 'sellerdesk $want'" ;;
  esac
  mkdir -p build/bin # smoke.sh saves its screenshot there
  if .ci/smoke.sh /usr/bin/sellerdesk; then ok "the installed app reached its ready signal under Xvfb"; else bad "the installed app did not start"; fi
  if DEBIAN_FRONTEND=noninteractive $SUDO apt-get remove -y -qq sellerdesk >/dev/null; then ok "apt-get remove sellerdesk"; else bad "apt-get remove sellerdesk"; fi
  left=0
  for f in "${files[@]}"; do [ ! -e "$f" ] || { bad "$f is still there after removal"; left=1; }; done
  [ $left -eq 1 ] || ok "every installed file is gone"
fi

[ $fail -eq 0 ] && echo "test-dist: all checks passed" || echo "test-dist: some checks failed"
exit $fail
