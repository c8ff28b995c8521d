#!/usr/bin/env bash
# Silent install and uninstall of the Windows installer under Wine (64-bit,
# headless under Xvfb), in a throwaway Wine prefix:
#   SellerDesk-*-setup.exe /S         per-user: %LOCALAPPDATA%\Programs\SellerDesk,
#                                     Start-menu and desktop shortcuts, HKCU
#                                     uninstall entry, no administrator
#   uninstall.exe /S                  removes them, keeps %APPDATA%\SellerDesk
#   uninstall.exe /S /REMOVEDATA      (second round) removes it too
# The uninstaller's own signature is verified once the install wrote it.
# Needs wine (Debian: apt-get install wine wine64; 64-bit only is enough: the
# installer is amd64). Does not run the app: Wine has no WebView2, and Debian
# 12's Wine 8.0 lacks bcryptprimitives.dll (ProcessPrng), which the Go 1.27
# runtime loads first: even `sellerdesk.exe --version` stops with "fatal
# error: bcryptprimitives.dll not found" there.
set -euo pipefail
cd "$(dirname "$0")/.."
setup=$(ls -t build/dist/SellerDesk-*-windows-amd64-setup.exe 2>/dev/null | head -1 || true)
[ -n "$setup" ] || { echo "test-windows-wine: no installer in build/dist (make windows)"; exit 1; }
command -v wine >/dev/null || { echo "test-windows-wine: skipped: wine is not installed (apt-get install wine wine64)"; exit 0; }
work=$(mktemp -d)
trap 'WINEPREFIX="$work/prefix" wineserver -k 2>/dev/null || true; rm -rf "$work"' EXIT

cat > "$work/inner.sh" <<'INNER'
#!/usr/bin/env bash
set -uo pipefail
setup=$1 work=$2
export WINEPREFIX="$work/prefix" WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml="
fail=0
ok() { echo "test-windows-wine: ok: $*"; }
bad() { echo "test-windows-wine: FAIL: $*"; fail=1; }
wine wineboot --init >/dev/null 2>&1; wineserver -w
# Wine reports Windows 7 by default; the installer wants 10 or later (it
# quits with code 64 otherwise, as wails.checkArchitecture does).
wine winecfg /v win10 >/dev/null 2>&1; wineserver -w
user=$(wine cmd /c 'echo %USERNAME%' 2>/dev/null | tr -d '\r')
home="$WINEPREFIX/drive_c/users/$user"
inst="$home/AppData/Local/Programs/SellerDesk"
data="$home/AppData/Roaming/SellerDesk"
menu="$home/AppData/Roaming/Microsoft/Windows/Start Menu/Programs/SellerDesk.lnk"
desk="$home/Desktop/SellerDesk.lnk"
key='HKCU\Software\Microsoft\Windows\CurrentVersion\Uninstall\SellerDesk'

for round in keep remove; do
  timeout 300 wine "$setup" /S; rc=$?; wineserver -w
  [ $rc -eq 0 ] && ok "installer /S exited 0 ($round round)" || { bad "installer /S exited $rc"; exit 1; }
  for f in "$inst/sellerdesk.exe" "$inst/uninstall.exe" "$menu" "$desk"; do
    [ -e "$f" ] && ok "installed ${f#"$home/"}" || bad "missing ${f#"$home/"}"
  done
  if wine reg query "$key" /v DisplayVersion 2>/dev/null | tr -d '\r' | grep -q DisplayVersion; then
    ok "HKCU uninstall entry: $(wine reg query "$key" /v DisplayVersion 2>/dev/null | tr -d '\r' | awk '/DisplayVersion/ {print $3}')"
  else bad "no HKCU uninstall entry"; fi
  [ -e "$WINEPREFIX/drive_c/Program Files/SellerDesk" ] && bad "wrote into Program Files" || true
  if [ $round = keep ]; then
    ca=(); [ "${VERIFY_CA:-none}" = none ] || ca=(-CAfile "$VERIFY_CA")
    out=$(osslsigncode verify "${ca[@]}" -in "$inst/uninstall.exe" 2>&1)
    grep -q '^Signature verification: ok' <<<"$out" && ok "uninstall.exe carries a verified SHA-256 signature" || bad "uninstall.exe signature: $out"
  fi
  mkdir -p "$data"; echo "the user's state" > "$data/state.db"
  args=(/S); [ $round = remove ] && args+=(/REMOVEDATA)
  timeout 300 wine "$inst/uninstall.exe" "${args[@]}"; rc=$?; wineserver -w
  [ $rc -eq 0 ] && ok "uninstall.exe ${args[*]} exited 0" || bad "uninstall.exe exited $rc"
  for f in "$inst/sellerdesk.exe" "$inst/uninstall.exe" "$menu" "$desk"; do
    [ ! -e "$f" ] && ok "removed ${f#"$home/"}" || bad "left ${f#"$home/"}"
  done
  wine reg query "$key" >/dev/null 2>&1 && bad "uninstall entry left" || ok "uninstall entry removed"
  if [ $round = keep ]; then
    [ -f "$data/state.db" ] && ok "kept AppData/Roaming/SellerDesk" || bad "deleted the user's SellerDesk folder"
  else
    [ ! -e "$data" ] && ok "/REMOVEDATA deleted AppData/Roaming/SellerDesk" || bad "/REMOVEDATA left AppData/Roaming/SellerDesk"
  fi
done
exit $fail
INNER
chmod +x "$work/inner.sh"
ca=""
if [ -z "${SIGN_CERT_P12:-}" ] && [ -s build/stage/selfsigned/cert.pem ]; then ca=$(realpath build/stage/selfsigned/cert.pem); fi
VERIFY_CA=${ca:-none} xvfb-run -a -s "-screen 0 1024x768x24" "$work/inner.sh" "$(realpath "$setup")" "$work"
