#!/usr/bin/env bash
# Fails, with the diff, when the Wails bindings in frontend/wailsjs are not
# what `make bindings` (wails generate module) makes from the Go code in this
# tree. It generates them in a copy of the tree (tracked and untracked files
# that git does not ignore), so the work tree is never changed.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$(go env GOPATH)/bin:$PATH"
command -v wails >/dev/null || { echo "bindings: the Wails CLI is not installed: run .ci/deps.sh test" >&2; exit 1; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
git ls-files -z --cached --others --exclude-standard | while IFS= read -r -d '' f; do
  [ -e "$f" ] && printf '%s\0' "$f"   # skip files deleted but not yet staged
done | tar --null -T - -cf - | tar -xf - -C "$tmp"
rm -rf "$tmp/frontend/wailsjs/go"

log="$tmp/.generate.log"
if ! (cd "$tmp" && wails generate module -tags "${TAGS:-webkit2_41}") >"$log" 2>&1; then
  cat "$log" >&2
  echo "bindings: wails generate module failed" >&2
  exit 1
fi
if ! diff -ru frontend/wailsjs "$tmp/frontend/wailsjs" >"$tmp/.diff"; then
  sed -e "s|$tmp/||g" "$tmp/.diff"
  echo "bindings: frontend/wailsjs differs from what \`make bindings\` generates (diff above: - committed, + generated); run \`make bindings\` and commit frontend/wailsjs" >&2
  exit 1
fi
echo "bindings: frontend/wailsjs matches the Go code"
