#!/usr/bin/env bash
# Start-up and idle-memory benchmark against a peer measured in the same run:
# a bare Wails v2 app (the CLI's own vanilla template, same Wails version,
# same webview) built here. Prints medians and the ratios the project's
# targets are stated in:
#   start → tiles shown   ≤ 1.2 × bare Wails start → DOM-ready
#   DOM-ready → tiles     ≤ 50 ms
#   idle memory (all processes) ≤ 1.25 × bare Wails
# "Tiles shown" is when the tiles are in the document with their state, and
# never earlier than DOMContentLoaded: the moment the bare page is measured
# at. After it, every page waits for WebKit's layout and paint, so both apps
# also report the first frame drawn after that moment, compared like for like.
# Usage: bench-startup.sh [runs]   (needs `make build` first)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}
root=$(pwd)
bin=$root/build/bin/sellerdesk
[ -x "$bin" ] || { echo "bench: build first (make build)"; exit 1; }
WAILS="$(go env GOPATH)/bin/wails"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "bench: building the bare Wails peer (vanilla template, $("$WAILS" version))"
"$WAILS" init -n bare -t vanilla -d "$work/bare" >/dev/null
cat >> "$work/bare/app.go" <<'GO'

var benchStarted = time.Now()

// Ready records process start → DOMContentLoaded and → the first frame after
// it, for the benchmark; it is called at that frame with DCL → frame in ms.
func (a *App) Ready(domToFrameMs float64) {
	if f := os.Getenv("BENCH_READY_FILE"); f != "" {
		now := float64(time.Since(benchStarted).Microseconds()) / 1000
		_ = os.WriteFile(f, []byte(fmt.Sprintf(`{"processToReadyMs": %.1f, "domReadyToTilesMs": 0, "processToFirstFrameMs": %.1f}`, now-domToFrameMs, now)), 0o644)
	}
}
GO
sed -i 's/^import (/import (\n\t"os"\n\t"time"/' "$work/bare/app.go"
cat >> "$work/bare/frontend/src/main.js" <<'JS'
document.addEventListener('DOMContentLoaded', () => {
  const dcl = performance.now()
  requestAnimationFrame(() => window.go.main.App.Ready(performance.now() - dcl))
});
JS
(cd "$work/bare" && "$WAILS" build -tags webkit2_41 >/dev/null)
bare=$work/bare/build/bin/bare

cat > "$work/measure.sh" <<'INNER'
#!/usr/bin/env bash
# measure.sh BIN READYVAR ARGS... → prints "ready_ms dom_to_tiles_ms rss_kib"
bin=$1 var=$2; shift 2
ready=$(mktemp -u); export "$var=$ready"
export SELLERDESK_HOME=${HOME_DIR:-$(mktemp -d)} AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null
"$bin" "$@" >/dev/null 2>&1 &
pid=$!
for _ in $(seq 1 600); do [ -s "$ready" ] && break; sleep 0.05; done
sleep 3 # idle
pids=$(ps -eo pid=,ppid= | awk -v root="$pid" '{ parent[$1]=$2 } END { for (p in parent) { q=p; while (q != "" && q != 0) { if (q == root) { print p; break } q=parent[q] } } }')
rss=0; for p in $pids; do kb=$(awk '/^VmRSS/ {print $2}' /proc/$p/status 2>/dev/null); rss=$((rss + ${kb:-0})); done
python3 -c "import json,sys; r=json.load(open('$ready')); print(r['processToReadyMs'], r['domReadyToTilesMs'], $rss, r['processToFirstFrameMs'])"
kill $pid; wait $pid 2>/dev/null; rm -f "$ready"; [ -n "${HOME_DIR:-}" ] || rm -rf "$SELLERDESK_HOME"
INNER
chmod +x "$work/measure.sh"

cat > "$work/all.sh" <<INNER
#!/usr/bin/env bash
for i in \$(seq 1 $runs); do
  echo "bare \$("$work/measure.sh" "$bare" BENCH_READY_FILE)"
  echo "app \$("$work/measure.sh" "$bin" SELLERDESK_READY_FILE --sandbox fresh)"
  # A second start on the same folder: what a seller sees every day after the
  # first (the cache holds the identity, the stack and the tiles).
  warm=\$(mktemp -d)
  HOME_DIR=\$warm "$work/measure.sh" "$bin" SELLERDESK_READY_FILE --sandbox fresh >/dev/null
  echo "warm \$(HOME_DIR=\$warm "$work/measure.sh" "$bin" SELLERDESK_READY_FILE --sandbox fresh)"
  rm -rf "\$warm"
done
INNER
chmod +x "$work/all.sh"
runner=(xvfb-run -a -s "-screen 0 1280x800x24")
command -v dbus-run-session >/dev/null && runner+=(dbus-run-session --)
"${runner[@]}" "$work/all.sh" 2>/dev/null | grep -E '^(bare|app|warm) ' > "$work/results"
python3 - "$work/results" <<'PY'
import statistics, sys
rows = [l.split() for l in open(sys.argv[1])]
def med(kind, col): return statistics.median(float(r[col]) for r in rows if r[0] == kind)
b_ready, a_ready = med("bare", 1), med("app", 1)
a_dom = med("app", 2)
b_mem, a_mem = med("bare", 3) / 1024, med("app", 3) / 1024
n = sum(1 for r in rows if r[0] == "app")
print(f"bench: {n} runs each, medians")
print(f"bench: bare Wails start -> DOM-ready      {b_ready:8.0f} ms")
print(f"bench: SellerDesk start -> tiles shown    {a_ready:8.0f} ms   ratio {a_ready / b_ready:.2f} (target <= 1.20)")
print(f"bench: SellerDesk DOM-ready -> tiles      {a_dom:8.1f} ms   (target <= 50)")
b_frame, a_frame, w_frame = med("bare", 4), med("app", 4), med("warm", 4)
print(f"bench: first frame after that: bare {b_frame:.0f} ms, SellerDesk {a_frame:.0f} ms   ratio {a_frame / b_frame:.2f}")
w_ready, w_dom = med("warm", 1), med("warm", 2)
print(f"bench: the same, second start (cache warm) {w_ready:5.0f} ms   ratio {w_ready / b_ready:.2f}; DOM-ready -> tiles {w_dom:.1f} ms; first frame {w_frame:.0f} ms, ratio {w_frame / b_frame:.2f}")
print(f"bench: idle memory, all processes: bare {b_mem:.0f} MiB, SellerDesk {a_mem:.0f} MiB   ratio {a_mem / b_mem:.2f} (target <= 1.25)")
PY
