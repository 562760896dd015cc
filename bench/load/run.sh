#!/usr/bin/env bash
# Load test (Release build, real `bulwark serve` on a fresh SQLite data directory, 127.0.0.1
# port 0): for SECONDS, wrk reads GET /api/v1/projects/{id}/findings?severity=high&limit=100 on
# CONNECTIONS connections while WRITERS clients import a ROWS-finding Xray report back to back
# (each into one of its three branches: first imports, then re-imports), each waiting for its scan
# to finish. Prints the readers' req/s and p50/p95/p99 while imports run, the error count, and
# imports submitted vs finished.
# usage: bench/load/run.sh [--quick] [--seconds N] [--writers N] [--connections N] [--rows N]
# --quick: 15 s, 1 writer, 2,000 rows.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
seconds=60 writers=2 connections=8 rows=13000
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) seconds=15 writers=1 rows=2000; shift ;;
    --seconds) seconds="$2"; shift 2 ;;
    --writers) writers="$2"; shift 2 ;;
    --connections) connections="$2"; shift 2 ;;
    --rows) rows="$2"; shift 2 ;;
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
bench_serve "$work/data"
pid="$(api project "load")"
api import "$pid" main "$report" >/dev/null  # the readers' findings
list="$BULWARK_URL/api/v1/projects/$pid/findings?severity=high&limit=100"

echo "== $seconds s: wrk (2 threads, $connections connections) on the findings list while" \
  "$writers writer(s) import $rows findings back to back"
api load "$seconds" "$writers" "$report" "$pid" >"$work/imports" 2>"$work/imports.log" &
writers_pid=$!
reads=$(bench_wrk "$seconds" "$connections" "$list")
wait "$writers_pid" || { cat "$work/imports.log" >&2; exit 1; }
read -r submitted finished failed lost <"$work/imports"
errors=$(($(field errors "$reads") + $(field non2xx "$reads") + failed))
printf '%-28s %s\n' "reads req/s" "$(field rps "$reads")" \
  "reads p50/p95/p99 ms" "$(field p50_ms "$reads") / $(field p95_ms "$reads") / $(field p99_ms "$reads")" \
  "errors" "$errors (wrk $(field errors "$reads"), non-2xx $(field non2xx "$reads"), imports $failed)" \
  "imports submitted" "$submitted" "imports finished" "$finished" "imports lost" "$lost"
[ -s "$work/imports.log" ] && sed 's/^/  /' "$work/imports.log"
awk -v p95="$(field p95_ms "$reads")" -v e="$errors" -v l="$lost" 'BEGIN {
  printf "goals: p95 <20 ms while importing: %s; no error: %s; no lost import: %s\n",
    (p95 < 20 ? "met" : "MISSED"), (e == 0 ? "met" : "MISSED"), (l == 0 ? "met" : "MISSED") }'
