#!/usr/bin/env bash
# Window-size memory, in a real window: under Xvfb with a window manager
# (openbox), resize the window, close it the way a user does (wmctrl sends
# the WM's close request, so OnBeforeClose runs), start again and check the
# new window has the size it was closed at.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-build/bin/sellerdesk}
[ -x "$bin" ] || { echo "window-size: $bin is not built (make build)"; exit 1; }
for tool in openbox wmctrl xdotool; do
  command -v "$tool" >/dev/null || { echo "window-size: $tool is not installed (make test installs it)"; exit 1; }
done
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cat > "$work/inner.sh" <<'INNER'
#!/usr/bin/env bash
set -uo pipefail
bin=$1 work=$2
export SELLERDESK_HOME="$work/home" AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null
openbox > /dev/null 2>&1 &
wm=$!
trap 'kill $wm 2>/dev/null' EXIT
sleep 0.5
start() {
  rm -f "$work/ready.json"
  SELLERDESK_READY_FILE="$work/ready.json" "$bin" --sandbox fresh > "$work/app.log" 2>&1 &
  pid=$!
  for _ in $(seq 1 300); do [ -s "$work/ready.json" ] && break; sleep 0.1; done
  [ -s "$work/ready.json" ] || { echo "window-size: no ready signal"; cat "$work/app.log"; exit 1; }
  win=$(timeout 10 xdotool search --sync --onlyvisible --name '^SellerDesk' | head -1)
  [ -n "$win" ] || { echo "window-size: no SellerDesk window"; exit 1; }
}
size() { xdotool getwindowgeometry "$win" | sed -nE 's/.*Geometry: ([0-9]+x[0-9]+).*/\1/p'; }
start
xdotool windowsize "$win" 1000 700
sleep 0.7
want=$(size)
wmctrl -i -c "$win"
for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
if kill -0 "$pid" 2>/dev/null; then echo "window-size: the app did not quit on close"; kill "$pid"; exit 1; fi
start
got=$(size)
kill "$pid"; wait "$pid" 2>/dev/null
if [ "$got" = "$want" ] && [ "$want" = 1000x700 ]; then
  echo "window-size: closed at $want, reopened at $got"
else
  echo "window-size: closed at $want, reopened at $got (want 1000x700 both)"; exit 1
fi
INNER
chmod +x "$work/inner.sh"
runner=(xvfb-run -a -s "-screen 0 1280x800x24")
command -v dbus-run-session >/dev/null && runner+=(dbus-run-session --)
"${runner[@]}" "$work/inner.sh" "$bin" "$work" 2>&1 | grep -v -e dbus-daemon -e SpiRegistry
