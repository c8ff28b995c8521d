#!/usr/bin/env bash
# SellerDesk's one version, computed in one place and stamped everywhere
# (binary, Windows version resource, installer, .deb/.rpm, macOS bundle):
#   on a tagged commit   the tag without its "v"       (v1.4.0 -> 1.4.0)
#   anywhere else        0.0.0-dev+<short commit>     (+ ".dirty" with local changes)
#   version.sh            prints that version
#   version.sh --numeric  prints its X.Y.Z part, for the places Windows and
#                         macOS want plain numbers (file version, manifest)
# SELLERDESK_VERSION overrides the computation (a release job may set it).
set -euo pipefail
cd "$(dirname "$0")/.."
v=${SELLERDESK_VERSION:-}
if [ -z "$v" ]; then
  if tag=$(git describe --tags --exact-match 2>/dev/null); then
    v=${tag#v}
  else
    commit=$(git rev-parse --short=7 HEAD 2>/dev/null || echo unknown)
    v="0.0.0-dev+$commit"
    if [ -n "$(git status --porcelain --untracked-files=no 2>/dev/null)" ]; then v="$v.dirty"; fi
  fi
fi
case "${1:-}" in
  --numeric)
    n=${v%%[-+]*}
    [[ $n =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] || { echo "version.sh: $v does not start with X.Y.Z" >&2; exit 1; }
    echo "$n" ;;
  "") echo "$v" ;;
  *) echo "usage: version.sh [--numeric]" >&2; exit 2 ;;
esac
