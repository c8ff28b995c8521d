#!/usr/bin/env bash
# Authenticode-signs Windows executables in place: SHA-256, osslsigncode.
#   sign-windows.sh FILE...     sign (called by make windows, and by makensis
#                               for the app, the uninstaller and the installer)
#   sign-windows.sh --prepare   check the certificate, or make the throwaway one
# Environment:
#   SIGN_CERT_P12        the code-signing certificate and key: a .p12/.pfx path,
#                        or that file's base64 text (a CI secret)
#   SIGN_CERT_PASSWORD   its password
#   SIGN_TIMESTAMP_URL   an RFC 3161 timestamp server, e.g.
#                        http://timestamp.digicert.com (default: none; no
#                        network here, and an untimestamped signature expires
#                        with its certificate)
# Without SIGN_CERT_P12 a throwaway self-signed certificate is made once in
# build/stage/selfsigned/: Windows will not trust it (SmartScreen warns as for
# an unsigned file); it only proves the signing step works.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
self="$root/build/stage/selfsigned"

loud() { printf '\033[1;33m%s\033[0m\n' "$@" >&2; }

cert_p12() {
  if [ -n "${SIGN_CERT_P12:-}" ]; then
    if [ -f "$SIGN_CERT_P12" ]; then echo "$SIGN_CERT_P12"; return; fi
    mkdir -p "$root/build/stage"
    local f="$root/build/stage/signing.p12"
    (umask 077; printf '%s' "$SIGN_CERT_P12" | base64 -d > "$f") ||
      { echo "sign-windows: SIGN_CERT_P12 is neither a file nor base64 text" >&2; exit 1; }
    echo "$f"; return
  fi
  if [ ! -s "$self/cert.p12" ]; then
    mkdir -p "$self"
    (umask 077
     openssl req -x509 -newkey rsa:3072 -sha256 -days 30 -nodes -subj "/CN=SellerDesk throwaway test signature (NOT TRUSTED)/O=SellerDesk" \
       -addext "extendedKeyUsage=codeSigning" -addext "keyUsage=digitalSignature" \
       -keyout "$self/key.pem" -out "$self/cert.pem" 2>/dev/null
     openssl pkcs12 -export -inkey "$self/key.pem" -in "$self/cert.pem" -out "$self/cert.p12" -passout pass:throwaway)
  fi
  echo "$self/cert.p12"
}

password() {
  if [ -n "${SIGN_CERT_P12:-}" ]; then printf '%s' "${SIGN_CERT_PASSWORD:-}"; else printf 'throwaway'; fi
}

if [ "${1:-}" = --prepare ]; then
  p12=$(cert_p12)
  if [ -z "${SIGN_CERT_P12:-}" ]; then
    loud "################################################################################" \
         "# sign-windows: SIGN_CERT_P12 is not set: signing with a THROWAWAY self-signed   #" \
         "# certificate ($self/cert.pem)." \
         "# Windows does not trust it. Set SIGN_CERT_P12 and SIGN_CERT_PASSWORD to sign   #" \
         "# a release.                                                                    #" \
         "################################################################################"
  else
    openssl pkcs12 -in "$p12" -nokeys -passin "pass:$(password)" 2>/dev/null | grep -q 'BEGIN CERTIFICATE' ||
      { echo "sign-windows: cannot open SIGN_CERT_P12 with SIGN_CERT_PASSWORD" >&2; exit 1; }
    echo "sign-windows: signing with $(openssl pkcs12 -in "$p12" -nokeys -passin "pass:$(password)" 2>/dev/null | openssl x509 -noout -subject)" >&2
  fi
  [ -n "${SIGN_TIMESTAMP_URL:-}" ] || loud "sign-windows: no SIGN_TIMESTAMP_URL: the signatures carry no timestamp"
  exit 0
fi

[ $# -gt 0 ] || { echo "usage: sign-windows.sh --prepare | FILE..." >&2; exit 2; }
p12=$(cert_p12)
passfile=$(mktemp); trap 'rm -f "$passfile"' EXIT
(umask 077; password > "$passfile")
for f in "$@"; do
  args=(sign -pkcs12 "$p12" -readpass "$passfile" -h sha256 -n "SellerDesk" -i "https://sellerdesk.invalid")
  [ -z "${SIGN_TIMESTAMP_URL:-}" ] || args+=(-ts "$SIGN_TIMESTAMP_URL")
  # Signing again (a rebuild of the installer) replaces the signature.
  if osslsigncode extract-signature -in "$f" -out "$f.sig" >/dev/null 2>&1; then
    osslsigncode remove-signature -in "$f" -out "$f.unsigned" >/dev/null && mv -f "$f.unsigned" "$f"
  fi
  rm -f "$f.sig"
  osslsigncode "${args[@]}" -in "$f" -out "$f.signed" >/dev/null
  mv -f "$f.signed" "$f"
  echo "sign-windows: signed $f" >&2
done
