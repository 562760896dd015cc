#!/usr/bin/env bash
# Platform benchmark (Release build, real `bulwark serve` on a fresh SQLite data directory,
# 127.0.0.1 port 0):
#  1. import of a 13,000-finding Xray report through POST /api/v1/projects/{id}/imports until the
#     scan is finished, and re-import of the same file, each the median of RUNS runs, next to
#     `bulwark parse` of the same file measured in the same run;
#  2. a database of about 1,000,000 findings built through the same import API (PROJECTS projects
#     x BRANCHES branches, one 13,000-finding import each), then wrk on
#     GET /api/v1/projects/{id}/findings?severity=high&limit=100 with a bearer token, next to
#     GET /healthz with the same wrk settings.
# usage: bench/platform/run.sh [--quick] [--runs N] [--projects N] [--branches N] [--seconds N]
#          [--connections N] [--data DIR]
# --quick: 3 runs, about 100,000 findings, 5 s of wrk. --data DIR keeps the data directory (and
# its admin token) so a later run with the same DIR skips building the database.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
runs=5 projects=8 branches=10 seconds=20 connections=8 rows=13000 data=""
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) runs=3 projects=2 branches=4 seconds=5; shift ;;
    --runs) runs="$2"; shift 2 ;;
    --projects) projects="$2"; shift 2 ;;
    --branches) branches="$2"; shift 2 ;;
    --seconds) seconds="$2"; shift 2 ;;
    --connections) connections="$2"; shift 2 ;;
    --data) data="$2"; shift 2 ;;
    *) echo "unknown argument: $1 (see the usage at the top of $0)" >&2; exit 2 ;;
  esac
done
"$root/scripts/install-deps.sh" bench
work="$(mktemp -d)"
server_pid=""
trap 'bench_stop; rm -rf "$work"' EXIT
# shellcheck source=bench/platform/lib.sh
. "$root/bench/platform/lib.sh"
bench_build
api() { python3 "$root/bench/platform/api.py" "$@"; }

report="$work/report.json"
python3 "$root/bench/ingest/generate.py" xray-report 0 "$report" --rows "$rows" >/dev/null
[ -n "$data" ] || data="$work/data"
bench_serve "$data"

# 1. Import and re-import against parse.
parse=()
for _ in $(seq "$runs"); do
  start=$(date +%s%N)
  "$bulwark" parse "$report" --format auto --output summary >/dev/null
  parse+=("$(awk -v s="$start" -v e="$(date +%s%N)" 'BEGIN {printf "%.4f", (e - s) / 1e9}')")
done
pid="$(api project "bench-import-$(date +%s%N)")"
imports=() reimports=() import_cpu=() reimport_cpu=()
for i in $(seq "$runs"); do
  c0=$(server_cpu)
  read -r t new _ < <(api import "$pid" "import-$i" "$report")
  [ "$new" = "$rows" ] || { echo "import $i: $new new findings, expected $rows" >&2; exit 1; }
  c1=$(server_cpu)
  imports+=("$t") import_cpu+=("$(awk -v a="$c0" -v b="$c1" 'BEGIN {print b - a}')")
  read -r t new fixed < <(api import "$pid" "import-$i" "$report")
  [ "$new" = 0 ] && [ "$fixed" = 0 ] || { echo "re-import $i changed findings" >&2; exit 1; }
  reimports+=("$t") reimport_cpu+=("$(awk -v a="$c1" -v b="$(server_cpu)" 'BEGIN {print b - a}')")
done
p=$(printf '%s\n' "${parse[@]}" | median)
im=$(printf '%s\n' "${imports[@]}" | median)
re=$(printf '%s\n' "${reimports[@]}" | median)
imc=$(printf '%s\n' "${import_cpu[@]}" | median)
rec=$(printf '%s\n' "${reimport_cpu[@]}" | median)
echo "== import of $rows findings ($(du -m "$report" | cut -f1) MB), median of $runs runs;" \
  "load average $(cut -d' ' -f1 /proc/loadavg) on $(nproc) cores"
printf '%-30s %9s %9s %12s  %s\n' "" wall_s ratio server_cpu_s goal
awk -v p="$p" -v i="$im" -v r="$re" -v ic="$imc" -v rc="$rec" 'BEGIN {
  printf "%-30s %9.3f %8.1fx %12s\n", "bulwark parse (baseline)", p, 1, "-"
  printf "%-30s %9.3f %8.1fx %12.2f  <1 s: %s\n", "import via API to finished", i, i / p, ic,
    (i < 1 ? "met" : "MISSED")
  printf "%-30s %9.3f %8.1fx %12.2f  <0.5 s: %s\n", "re-import (unchanged)", r, r / p, rc,
    (r < 0.5 ? "met" : "MISSED") }'

# 2. The large database, then wrk.
if [ -s "$data/bench-fill" ]; then
  fill_pid="$(cat "$data/bench-fill")"
else
  echo "== building the database: $projects projects x $branches branches x $rows findings"
  fill_pid="$(api fill "$projects" "$branches" "$report" 2>"$work/fill.log")" ||
    { cat "$work/fill.log" >&2; exit 1; }
  tail -1 "$work/fill.log"
  echo "$fill_pid" >"$data/bench-fill"
fi
db_findings=$(sqlite3 "file:$data/bulwark.db?mode=ro" 'SELECT COUNT(*) FROM findings' 2>/dev/null ||
  echo "?")
proj_findings=$(sqlite3 "file:$data/bulwark.db?mode=ro" \
  "SELECT COUNT(*) FROM findings WHERE project_id = $fill_pid" 2>/dev/null || echo "?")
list="$BULWARK_URL/api/v1/projects/$fill_pid/findings?severity=high&limit=100"
echo "== wrk: 2 threads, $connections connections, ${seconds} s; database $db_findings findings," \
  "queried project $proj_findings"
health=$(bench_wrk "$seconds" "$connections" "$BULWARK_URL/healthz")
c0=$(server_cpu)
listing=$(bench_wrk "$seconds" "$connections" "$list")
cpu_ms=$(awk -v a="$c0" -v b="$(server_cpu)" -v n="$(field requests "$listing")" \
  'BEGIN {printf "%.2f", (b - a) * 1000 / (n > 0 ? n : 1)}')
printf '%-40s %9s %8s %8s %8s %7s\n' request req/s p50_ms p95_ms p99_ms errors
for name in healthz findings; do
  line=$([ $name = healthz ] && echo "$health" || echo "$listing")
  printf '%-40s %9s %8s %8s %8s %7s\n' \
    "$([ $name = healthz ] && echo 'GET /healthz (baseline)' || echo 'GET findings?severity=high&limit=100')" \
    "$(field rps "$line")" "$(field p50_ms "$line")" "$(field p95_ms "$line")" \
    "$(field p99_ms "$line")" "$(($(field errors "$line") + $(field non2xx "$line")))"
done
awk -v r="$(field rps "$listing")" -v h="$(field rps "$health")" -v p95="$(field p95_ms "$listing")" \
  -v cpu="$cpu_ms" -v cores="$(nproc)" 'BEGIN {
  printf "findings list: %.2f of /healthz req/s; server CPU %.2f ms per request (%s cores: at most"\
    " %.0f req/s); goals p95 <20 ms: %s, >=1000 req/s: %s\n", r / h, cpu, cores,
    cores * 1000 / cpu, (p95 < 20 ? "met" : "MISSED"), (r >= 1000 ? "met" : "MISSED") }'
