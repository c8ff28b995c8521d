#!/usr/bin/env bash
# Catalog benchmark (a benchmark, not a timed test): list and tag N Catalog
# entities (default 1,000 offers) on the sandbox at the quotas AWS documents
# (ListEntities 10 req/s; ListTagsForResource and TagResource 5 req/s each),
# with SellerDesk's CLI and with a loop of AWS CLI calls, and print
#   - SellerDesk's wall time and its throttling failures (429s; target 0),
#   - the quota-bound ideal of what SellerDesk does and the efficiency
#     ideal / actual (target >= 0.95),
#   - the AWS CLI loop's wall time and failures, and the ratio of the two.
#
# What SellerDesk does, and so its quota-bound ideal (n calls of an operation
# whose quota is q req/s take n/q seconds; the calls of one phase use one
# operation, and the phases run one after the other):
#   sellerdesk entities --type Offer   ListEntities, 50 per page:  ceil(N/50) / 10 s
#   sellerdesk tags bulk --yes         TagResource per ARN:         N / 5 s
#     (--yes applies without reading every tag set first; if a preview
#     read is counted, ListTagsForResource adds reads / 5 s to the ideal)
# The sandbox's buckets start full (one second of burst), so a client that
# spent that burst could beat the ideal by about a second per operation.
#
# The AWS CLI peer runs on a fresh sandbox (no tags applied yet), as a user
# would write it: `aws marketplace-catalog list-entities` (the CLI paginates
# by itself, default page size) and then one `aws marketplace-catalog
# tag-resource` per ARN, sequentially, with the CLI's default retry mode.
#
# Both tools reach the sandbox through a small counting reverse proxy (Go's
# net/http/httputil, built here) that records each call's operation and
# status, which is how throttled (429) calls are counted even when a client
# retries them.
#
# Calls that fail for another reason than throttling are not hidden: a failed
# `sellerdesk entities` is run again (at most 3 runs, all inside the timing),
# and ARNs the preview could not read or the job could not tag are reported
# after the numbers, with exit status 1.
#
# Usage: .ci/bench-catalog.sh            (or: make bench-catalog)
# Environment:
#   BENCH_N=1000     entities to list and tag (1 to 10000; 50 for a quick try)
#   BENCH_BIN=path   use this sellerdesk binary instead of building one
#   BENCH_TAGS=...   go build tags (default webkit2_41, as the Makefile)
#   BENCH_AWS=0      skip the AWS CLI loop
# The run uses temporary HOME, XDG, SellerDesk and AWS config directories:
# the user's state is never read or written.
set -euo pipefail
cd "$(dirname "$0")/.."

N=${BENCH_N:-1000}
[[ $N =~ ^[1-9][0-9]*$ ]] && ((N <= 10000)) || { echo "bench-catalog: BENCH_N must be 1 to 10000, got '$N'" >&2; exit 2; }
((BASH_VERSINFO[0] >= 5)) || { echo "bench-catalog: needs bash 5 (EPOCHREALTIME)" >&2; exit 2; }
command -v python3 >/dev/null || { echo "bench-catalog: needs python3" >&2; exit 2; }
scenario=catalog-bench
((N == 1000)) || scenario=catalog-bench-$N

work=$(mktemp -d)
sandbox_pid="" proxy_pid="" endpoint=""
# stop_sandbox ends the sandbox and proxy this script started, if running.
stop_sandbox() {
  local p
  for p in $proxy_pid $sandbox_pid; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
  sandbox_pid="" proxy_pid=""
}
cleanup() {
  stop_sandbox
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
problems=() # what went wrong, reported after the numbers (exit 1)
log() { echo "bench-catalog: $*" >&2; }
die() { log "$*"; exit 1; }

# --- the binary (built before HOME changes, so the Go caches are the user's) --
if [[ -n ${BENCH_BIN:-} ]]; then
  bin=$(realpath "$BENCH_BIN")
  [[ -x $bin ]] || die "BENCH_BIN=$BENCH_BIN is not an executable"
else
  [[ -f frontend/dist/index.html ]] || die "frontend/dist is missing: run 'cd frontend && npm ci && npm run build' (or make frontend) first"
  log "building sellerdesk (go build -tags ${BENCH_TAGS-webkit2_41})"
  go build -tags "${BENCH_TAGS-webkit2_41}" -o "$work/bin/sellerdesk" . || die "go build failed"
  bin=$work/bin/sellerdesk
fi
"$bin" help 2>&1 | grep -q 'catalog-bench' || die "$bin has no catalog-bench sandbox scenario (an older build?)"

# --- the counting proxy ----------------------------------------------------
# It forwards every request to the sandbox and counts forwards every request to the sandbox and counts
# "<operation> <status>"; GET /__bench/counts answers the counts as JSON,
# POST /__bench/reset clears them. Standard library only.
mkdir -p "$work/proxy"
cat > "$work/proxy/main.go" <<'GO'
package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"os"
	"strings"
	"sync"
)

type recorder struct {
	http.ResponseWriter
	status int
}

func (r *recorder) WriteHeader(code int) {
	if r.status == 0 {
		r.status = code
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *recorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	return r.ResponseWriter.Write(b)
}

// operation names the AWS operation of r: the JSON protocol's X-Amz-Target,
// the query protocol's Action, else REST's first path segment.
func operation(r *http.Request) string {
	if t := r.Header.Get("X-Amz-Target"); t != "" {
		return t[strings.LastIndex(t, ".")+1:]
	}
	if strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded") {
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		if v, err := url.ParseQuery(string(body)); err == nil && v.Get("Action") != "" {
			return v.Get("Action")
		}
	}
	if a := r.URL.Query().Get("Action"); a != "" {
		return a
	}
	seg, _, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, "/"), "/")
	if seg == "" {
		return "/"
	}
	return seg
}

func main() {
	up, err := url.Parse(os.Args[1])
	if err != nil {
		panic(err)
	}
	rp := httputil.NewSingleHostReverseProxy(up)
	var mu sync.Mutex
	counts := map[string]int{}
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/__bench/counts":
			mu.Lock()
			defer mu.Unlock()
			_ = json.NewEncoder(w).Encode(counts)
			return
		case "/__bench/reset":
			mu.Lock()
			defer mu.Unlock()
			clear(counts)
			return
		}
		op := operation(r)
		rec := &recorder{ResponseWriter: w}
		rp.ServeHTTP(rec, r)
		mu.Lock()
		counts[fmt.Sprintf("%s %d", op, rec.status)]++
		mu.Unlock()
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	fmt.Println(ln.Addr().(*net.TCPAddr).Port)
	panic(http.Serve(ln, h))
}
GO
printf 'module benchproxy\n\ngo 1.21\n' > "$work/proxy/go.mod"
(cd "$work/proxy" && GOFLAGS= GOWORK=off go build -o "$work/bin/bench-proxy" .) || die "building the counting proxy failed"

# The AWS CLI, resolved now: a pyenv shim would look for pyenv under the new HOME.
awscli=""
if [[ ${BENCH_AWS:-1} != 0 ]]; then
  if command -v pyenv >/dev/null && pyenv which aws >/dev/null 2>&1; then awscli=$(pyenv which aws)
  elif command -v aws >/dev/null; then awscli=$(command -v aws)
  else log "the AWS CLI is not installed: skipping the AWS CLI loop"; fi
fi

# --- isolated state --------------------------------------------------------
export HOME="$work/home" XDG_CONFIG_HOME="$work/home/.config" XDG_CACHE_HOME="$work/home/.cache" \
  XDG_DATA_HOME="$work/home/.local/share" XDG_STATE_HOME="$work/home/.local/state" \
  SELLERDESK_HOME="$work/sellerdesk" AWS_CONFIG_FILE="$work/aws-config" AWS_SHARED_CREDENTIALS_FILE="$work/aws-credentials"
mkdir -p "$XDG_CONFIG_HOME" "$XDG_CACHE_HOME" "$XDG_DATA_HOME" "$XDG_STATE_HOME"
unset AWS_PROFILE AWS_DEFAULT_PROFILE AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN AWS_ENDPOINT_URL \
  AWS_REGION AWS_DEFAULT_REGION AWS_RETRY_MODE AWS_MAX_ATTEMPTS AWS_PAGER
printf '[bench]\naws_access_key_id = AKIASANDBOXBENCH\naws_secret_access_key = sandbox\n' > "$AWS_SHARED_CREDENTIALS_FILE"
printf '[profile bench]\nregion = us-east-1\noutput = json\n' > "$AWS_CONFIG_FILE"

# start_sandbox: a fresh sandbox on a free loopback port (real time), and
# the proxy in front of it; sets endpoint to the proxy's URL.
start_sandbox() {
  stop_sandbox
  local out=$work/sandbox.$RANDOM.out port sb=""
  "$bin" sandbox --scenario "$scenario" --addr 127.0.0.1:0 --time-scale 1 > "$out" 2>&1 &
  sandbox_pid=$!
  for _ in $(seq 1 200); do
    sb=$(sed -n 's/^Endpoint: //p' "$out" 2>/dev/null)
    [[ -n $sb ]] && break
    kill -0 "$sandbox_pid" 2>/dev/null || break
    sleep 0.05
  done
  [[ -n $sb ]] || { cat "$out" >&2; die "the sandbox did not start"; }
  "$work/bin/bench-proxy" "$sb" > "$work/proxy.port" 2>"$work/proxy.err" &
  proxy_pid=$!
  for _ in $(seq 1 100); do port=$(cat "$work/proxy.port" 2>/dev/null); [[ -n $port ]] && break; sleep 0.05; done
  [[ -n $port ]] || { cat "$work/proxy.err" >&2; die "the counting proxy did not start"; }
  endpoint=http://127.0.0.1:$port
  log "sandbox $scenario at $sb, via the counting proxy at $endpoint"
}
counts() { python3 -c 'import sys,urllib.request; sys.stdout.write(urllib.request.urlopen(sys.argv[1]+"/__bench/counts").read().decode())' "$endpoint"; }
reset_counts() { python3 -c 'import sys,urllib.request; urllib.request.urlopen(urllib.request.Request(sys.argv[1]+"/__bench/reset", method="POST"))' "$endpoint"; }
# count JSON OP STATUS: calls of OP (any: *) that ended with STATUS (any: *)
count() { python3 -c 'import json,sys; c=json.loads(sys.argv[1]); print(sum(v for k,v in c.items() if sys.argv[2] in ("*",k.split()[0]) and sys.argv[3] in ("*",k.split()[1])))' "$1" "$2" "$3"; }
calc() { python3 -c "import math; print($1)"; }
since() { calc "$EPOCHREALTIME - $1"; }
# sd WORDS... -- ARGS...: sellerdesk WORDS (the command and subcommand), the
# global flags that point it at the sandbox, then ARGS (flags end at the first
# positional argument, as with Go's flag package).
sd() {
  local words=()
  while (($#)) && [[ $1 != -- ]]; do words+=("$1"); shift; done
  shift
  "$bin" "${words[@]}" --profile bench --endpoint-url "$endpoint" "$@"
}

log "N=$N entities: scenario $scenario, real time (time scale 1), documented quotas"

# --- SellerDesk ------------------------------------------------------------
start_sandbox
reset_counts
t0=$EPOCHREALTIME
# A failed listing is run again (up to 3 times), within the timing, and reported.
list_runs=1
until sd entities -- --type Offer --json > "$work/entities.json" 2> "$work/entities.err"; do
  problems+=("sellerdesk entities failed (run $list_runs, run again): $(grep -v '^SDK ' "$work/entities.err" | tail -1)")
  ((++list_runs <= 3)) || { cat "$work/entities.err" >&2; die "sellerdesk entities failed 3 times"; }
done
t_list=$(since "$t0")
c_list=$(counts)
python3 - "$work/entities.json" "$work/job.json" "$N" <<'PY' || die "sellerdesk entities did not list $N offers"
import json, sys
ents = json.load(open(sys.argv[1]))
arns = [e["arn"] for e in ents if e.get("type") == "Offer"]
if len(arns) != int(sys.argv[3]) or len(set(arns)) != len(arns):
    sys.exit(f"listed {len(arns)} offers ({len(set(arns))} different), want {sys.argv[3]}")
json.dump({"kind": "add", "tags": [{"key": "bench", "value": "sellerdesk"}], "arns": arns}, open(sys.argv[2], "w"))
PY
reset_counts
t1=$EPOCHREALTIME
set +e
sd tags bulk -- --file "$work/job.json" --yes 2> "$work/bulk.err" | while IFS= read -r line; do
  [[ $line == Preview:* ]] && echo "$EPOCHREALTIME" > "$work/preview.at"
  printf '%s\n' "$line"
done > "$work/bulk.out"
bulk_rc=${PIPESTATUS[0]}
set -e
t_bulk=$(since "$t1")
c_bulk=$(counts)
if [[ -s $work/preview.at ]]; then t_plan=$(calc "$(cat "$work/preview.at") - $t1"); else t_plan=0; fi
t_apply=$(calc "$t_bulk - $t_plan")
# "Preview: X resource(s) change, Y already as asked." ARNs whose tags could
# not be read are in neither count (the CLI does not list them).
preview=$(grep -E '^Preview: ' "$work/bulk.out" || true)
changing=$(sed -nE 's/^Preview: ([0-9]+) resource.*/\1/p' <<<"$preview")
if [[ -n $preview ]]; then
  unread=$((N - ${changing:-0} - $(sed -nE 's/.*, ([0-9]+) already as asked.*/\1/p' <<<"$preview")))
else
  unread=0
fi
summary=$(grep -E '^Job .*: [0-9]+ succeeded, [0-9]+ failed' "$work/bulk.out" || true)
succeeded=$(sed -nE 's/^Job .*: ([0-9]+) succeeded.*/\1/p' <<<"$summary")
failed=$(sed -nE 's/^Job .*succeeded, ([0-9]+) failed.*/\1/p' <<<"$summary")
((unread == 0)) || problems+=("the preview could not read the tags of $unread ARN(s), which the job then skipped")
[[ $succeeded == "$N" ]] || problems+=("sellerdesk tagged ${succeeded:-?} of $N (exit $bulk_rc): $summary")
while IFS= read -r line; do problems+=("  ${line#  }"); done < <(grep -E '^  failed ' "$work/bulk.out" | head -5)
rate=$(tr '\r' '\n' < "$work/bulk.err" | sed -nE 's/.*failed, ([0-9.]+) req\/s.*/\1/p' | tail -1)
# Spot check, outside the timing: the first and last offers carry the tag.
for arn in "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["arns"][0])' "$work/job.json")" \
           "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["arns"][-1])' "$work/job.json")"; do
  sd tags list -- "$arn" 2>/dev/null | grep -qx 'bench=sellerdesk' ||
    sd tags list -- "$arn" 2>/dev/null | grep -qx 'bench=sellerdesk' || problems+=("$arn is not tagged bench=sellerdesk")
done
sd_time=$(calc "$t_list + $t_bulk")
throttled_list=$(count "$c_list" '*' 429)
throttled_bulk=$(count "$c_bulk" '*' 429)
sd_throttled=$((throttled_list + throttled_bulk))
pages=$(count "$c_list" ListEntities 200)
reads=$(count "$c_bulk" ListTagsForResource 200)
tags=$(count "$c_bulk" TagResource 200)

# --- the quota-bound ideal of what SellerDesk does --------------------------
ideal_pages=$(calc "math.ceil($N / 50)")
ideal_list=$(calc "$ideal_pages / 10")
ideal_plan=$(calc "$reads / 5")
ideal_apply=$(calc "$N / 5")
ideal=$(calc "$ideal_list + $ideal_plan + $ideal_apply")
efficiency=$(calc "$ideal / $sd_time")
[[ $pages == "$ideal_pages" && $tags == "$N" ]] ||
  log "note: successful calls ListEntities $pages, TagResource $tags differ from the model ($ideal_pages, $N)"
stop_sandbox

# --- the AWS CLI loop, on a fresh sandbox -----------------------------------
aws_line="aws cli loop          skipped (BENCH_AWS=0 or no AWS CLI)"
if [[ -n $awscli ]]; then
  start_sandbox
  aws_() { "$awscli" --profile bench --region us-east-1 --endpoint-url "$endpoint" "$@"; }
  retry_mode=$("$awscli" configure get retry_mode --profile bench 2>/dev/null || true)
  log "AWS CLI $("$awscli" --version 2>&1 | cut -d' ' -f1) (retry mode: ${retry_mode:-legacy, the default}): listing, then $N tag-resource calls, one after the other"
  reset_counts
  a0=$EPOCHREALTIME
  list_fail=0
  aws_ marketplace-catalog list-entities --catalog AWSMarketplace --entity-type Offer \
    --query 'EntitySummaryList[].EntityArn' --output text > "$work/aws-list.out" 2> "$work/aws-list.err" || list_fail=1
  a_list=$(since "$a0")
  a_c_list=$(counts)
  tr -s '\t ' '\n\n' < "$work/aws-list.out" | grep '^arn:' > "$work/aws-arns" || true
  listed=$(wc -l < "$work/aws-arns")
  ((list_fail == 0 && listed == N)) || log "aws list-entities: exit $list_fail, $listed ARNs (want $N): $(tail -2 "$work/aws-list.err")"
  reset_counts
  a1=$EPOCHREALTIME
  aws_fail=0
  while IFS= read -r arn; do
    aws_ marketplace-catalog tag-resource --resource-arn "$arn" --tags Key=bench,Value=aws-cli \
      < /dev/null > /dev/null 2>> "$work/aws-tag.err" || aws_fail=$((aws_fail + 1))
  done < "$work/aws-arns"
  a_tag=$(since "$a1")
  a_c_tag=$(counts)
  aws_time=$(calc "$a_list + $a_tag")
  aws_failures=$((aws_fail + list_fail + N - listed))
  aws_429_list=$(count "$a_c_list" '*' 429)
  aws_429_tag=$(count "$a_c_tag" '*' 429)
  ratio=$(calc "$sd_time / $aws_time")
  aws_pages=$(count "$a_c_list" ListEntities '*')
  [[ -s $work/aws-tag.err ]] && log "AWS CLI errors (first 3):" && sort "$work/aws-tag.err" | uniq -c | sort -rn | head -3 >&2
  stop_sandbox
fi

# --- report ------------------------------------------------------------------
f() { printf "%.${2:-1}f" "$1"; }
echo
echo "details:"
echo "  sellerdesk entities --type Offer  $(f "$t_list") s   $pages ListEntities pages (ideal $(f "$ideal_list") s), 429s: $throttled_list, runs: $list_runs"
if ((reads > 0)); then
  echo "  sellerdesk tags bulk: preview     $(f "$t_plan") s   $reads ListTagsForResource (ideal $(f "$ideal_plan") s)"
else
  echo "  sellerdesk tags bulk --yes: no preview read (run without --yes to see the diff)"
fi
echo "                        apply       $(f "$t_apply") s   $tags TagResource (ideal $(f "$ideal_apply") s), ${rate:-?} req/s reported, 429s: $throttled_bulk, failed ARNs: ${failed:-?}, unread in the preview: $unread"
((reads > 0)) && echo "  if the preview overlapped the tagging, the bound would be $(f "$(calc "$ideal_list + max($ideal_plan, $ideal_apply) + 1/5")") s"
if [[ -n $awscli ]]; then
  echo "  aws list-entities (paginated)     $(f "$a_list") s   $aws_pages ListEntities calls, $listed ARNs, 429s retried by the CLI: $aws_429_list"
  echo "  aws tag-resource loop             $(f "$a_tag") s   $(f "$(calc "$a_tag / max($listed, 1)")" 2) s per call, $aws_fail failed, 429s retried by the CLI: $aws_429_tag"
  aws_line="aws cli loop          $(f "$aws_time") s  (failures: $aws_failures) -> sellerdesk takes $(f "$ratio" 2) x the time of the aws cli loop"
fi
echo
echo "catalog bench: N=$N entities"
echo "  sellerdesk: list+tag  $(f "$sd_time") s  (throttling failures: $sd_throttled)"
echo "  quota-bound ideal     $(f "$ideal") s  -> efficiency $(f "$efficiency" 3) of ideal (target >= 0.95)"
echo "  $aws_line"
if ((${#problems[@]})); then
  echo
  printf 'bench-catalog: %s\n' "${problems[@]}" >&2
  exit 1
fi
