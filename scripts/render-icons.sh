#!/usr/bin/env bash
# Renders SellerDesk's icon from build/appicon.svg into everything that uses it:
#   build/appicon.png                                 1024x1024 (Wails, About view)
#   build/windows/icon.ico                            16-256 (window, taskbar, installer)
#   build/linux/icons/hicolor/NxN/apps/sellerdesk.png 16-512 (.desktop entry, window)
# The outputs are committed, so a clone without the renderer still builds.
#   render-icons.sh          render (installs librsvg2-bin on Debian if missing)
#   render-icons.sh --check  render into a scratch folder and fail if the
#                            committed files differ from the SVG
set -euo pipefail
cd "$(dirname "$0")/.."
mode=${1:-render}

svg=build/appicon.svg
linux_sizes=(16 32 48 64 128 256 512)
ico_sizes=(16 24 32 48 64 128 256)
# The real ImageMagick (a stand-in may sit earlier on PATH).
IM=/usr/bin/convert; [ -x "$IM" ] || IM=$(command -v convert || true)
COMPARE=$(command -v compare || true)

need() {
  local missing=()
  command -v rsvg-convert >/dev/null || missing+=(librsvg2-bin)
  [ -n "$IM" ] || missing+=(imagemagick)
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$mode" = --check ] && [ "${ICONS_INSTALL:-0}" != 1 ]; then
    echo "render-icons: skipped: ${missing[*]} not installed (the committed icons are used)"; exit 0
  fi
  local sudo=""; [ "$(id -u)" -eq 0 ] || sudo=sudo
  echo "render-icons: installing ${missing[*]}"
  $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  IM=/usr/bin/convert
}

# render OUTDIR: writes the tree above under OUTDIR.
render() {
  local out=$1 tmp
  tmp=$(mktemp -d)
  mkdir -p "$out/build/windows"
  rsvg-convert -w 1024 -h 1024 "$svg" -o "$out/build/appicon.png"
  for s in "${linux_sizes[@]}"; do
    mkdir -p "$out/build/linux/icons/hicolor/${s}x${s}/apps"
    rsvg-convert -w "$s" -h "$s" "$svg" -o "$out/build/linux/icons/hicolor/${s}x${s}/apps/sellerdesk.png"
  done
  local parts=()
  for s in "${ico_sizes[@]}"; do
    rsvg-convert -w "$s" -h "$s" "$svg" -o "$tmp/$s.png"
    parts+=("$tmp/$s.png")
  done
  # -strip: no timestamps, so the same SVG gives the same bytes.
  "$IM" "${parts[@]}" -strip "$out/build/windows/icon.ico"
  rm -rf "$tmp"
}

need
if [ "$mode" = --check ]; then
  scratch=$(mktemp -d); trap 'rm -rf "$scratch"' EXIT
  render "$scratch"
  bad=0
  while IFS= read -r f; do
    rel=${f#"$scratch/"}
    if ! cmp -s "$f" "$rel"; then
      # A different librsvg may anti-alias a few pixels differently: judge
      # PNGs by their pixels (at most 0.5% of them off by more than 10%).
      if [ -n "$COMPARE" ] && [[ $rel == *.png ]] && [ -f "$rel" ]; then
        px=$("$COMPARE" -metric AE -fuzz 10% "$f" "$rel" null: 2>&1 || true)
        total=$(identify -format '%[fx:w*h]' "$rel")
        if awk -v p="${px%% *}" -v t="$total" 'BEGIN { exit !(p+0 <= t*0.005) }'; then continue; fi
      fi
      echo "render-icons: $rel differs from what $svg renders to (run scripts/render-icons.sh and commit)"; bad=1
    fi
  done < <(find "$scratch" -type f | sort)
  [ $bad -eq 0 ] && echo "render-icons: the committed icons match $svg"
  exit $bad
fi
render .
echo "render-icons: rendered $svg into build/appicon.png, build/windows/icon.ico and build/linux/icons/"
