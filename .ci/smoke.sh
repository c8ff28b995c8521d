#!/usr/bin/env bash
# Real-window smoke test: starts the built app under Xvfb on the sandbox,
# waits for the UI's ready signal, saves a screenshot, and prints the time
# from process start to ready and the resident memory of all its processes.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-build/bin/sellerdesk}
[ -x "$bin" ] || { echo "smoke: $bin is not built (make build)"; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
shot=build/bin/smoke.png

cat > "$work/inner.sh" <<'INNER'
#!/usr/bin/env bash
set -uo pipefail
bin=$1 work=$2 shot=$3
export SELLERDESK_HOME="$work/home" SELLERDESK_READY_FILE="$work/ready.json"
export AWS_CONFIG_FILE="$work/aws-config" AWS_SHARED_CREDENTIALS_FILE="$work/aws-credentials"
: > "$AWS_CONFIG_FILE"; : > "$AWS_SHARED_CREDENTIALS_FILE"
"$bin" --sandbox fresh > "$work/app.log" 2>&1 &
pid=$!
for _ in $(seq 1 600); do
  [ -s "$SELLERDESK_READY_FILE" ] && break
  kill -0 "$pid" 2>/dev/null || { echo "smoke: the app exited before it was ready:"; cat "$work/app.log"; exit 1; }
  sleep 0.1
done
[ -s "$SELLERDESK_READY_FILE" ] || { echo "smoke: no ready signal within 60 s"; cat "$work/app.log"; kill "$pid"; exit 1; }
sleep 1 # let the compositor paint before the screenshot
import -window root "$shot"
# Resident memory of the app and every process it started (WebKit's web and
# network processes), summed.
pids=$(ps -eo pid=,ppid= | awk -v root="$pid" '{ parent[$1]=$2 } END { for (p in parent) { q=p; while (q != "" && q != 0) { if (q == root) { print p; break } q=parent[q] } } }')
rss=0; n=0
for p in $pids; do
  kb=$(awk '/^VmRSS/ {print $2}' "/proc/$p/status" 2>/dev/null || echo 0)
  rss=$((rss + ${kb:-0})); n=$((n+1))
done
python3 - "$SELLERDESK_READY_FILE" "$rss" "$n" "$shot" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
print(f"smoke: process start -> UI ready: {r['processToReadyMs']:.0f} ms (DOM-ready -> tiles shown: {r['domReadyToTilesMs']:.1f} ms; first frame at {r['processToFirstFrameMs']:.0f} ms)")
print(f"smoke: resident memory of {sys.argv[3]} processes: {int(sys.argv[2])/1024:.1f} MiB")
print(f"smoke: screenshot: {sys.argv[4]}")
PY
kill "$pid"; wait "$pid" 2>/dev/null
exit 0
INNER
chmod +x "$work/inner.sh"
runner=(xvfb-run -a -s "-screen 0 1280x800x24")
command -v dbus-run-session >/dev/null && runner+=(dbus-run-session --)
"${runner[@]}" "$work/inner.sh" "$bin" "$work" "$shot"
