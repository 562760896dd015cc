#!/usr/bin/env bash
# Ingest benchmark: generates large Xray files deterministically, runs `bulwark parse --output
# summary --timing` (Release build) on each, and prints MB/s, findings/s and peak RSS next to
# Python's json.load of the same file, measured in the same run. Median of RUNS runs.
#
# Two figures for each side, so the comparison is like for like:
#   whole process: wall time of the command, from exec to exit (process start-up, dynamic linking,
#                  interpreter start, reading the file, parsing);
#   in process:    bulwark's own `parse_seconds` (read + detect + parse + normalise, as ParseFile
#                  runs it) and Python's json.load of the open file (read + parse), each timed
#                  inside its process.
# usage: bench/ingest/run.sh [--size-mb N] [--runs N] [--formats "xray-report ..."]
# Default 40 MB per file (about a minute in all); --size-mb 250 checks the memory goal.
# BULWARK_BENCH_BUILD=DIR uses (and builds) another build directory, e.g. one of an older commit;
# BULWARK_BIN=FILE runs that binary as it is, without building. A binary without `--timing` gets
# "-" for its in-process figures.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
size_mb=40
runs=5
formats="xray-report xray-cli-json xray-cli-simple-json xray-ui-security-export"
while [ $# -gt 0 ]; do
  case "$1" in
    --size-mb) size_mb="$2"; shift 2 ;;
    --runs) runs="$2"; shift 2 ;;
    --formats) formats="$2"; shift 2 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done
build="${BULWARK_BENCH_BUILD:-$root/build/bench}"
bin="${BULWARK_BIN:-}"
if [ -z "$bin" ]; then
  src="$root"
  [ -f "$build/CMakeCache.txt" ] &&
    src="$(sed -n 's/^CMAKE_HOME_DIRECTORY:INTERNAL=//p' "$build/CMakeCache.txt")"
  cmake -S "$src" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DBULWARK_TESTS=OFF \
    -DBULWARK_BENCH=OFF >/dev/null
  cmake --build "$build" -j2 --target bulwark >/dev/null
  bin="$build/bulwark"
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
timing=--timing
"$bin" parse --help 2>/dev/null | grep -q -- --timing || timing=

median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
now() { date +%s%N; }
seconds() { awk -v s="$1" -v e="$2" 'BEGIN {printf "%.4f", (e - s) / 1e9}'; }

printf '%-24s %6s | %-17s %9s %-26s | %-17s | %-15s\n' "" "" "bulwark MB/s" "findings/s" \
  "peak RSS MB, limit" "python MB/s" "bulwark/python"
printf '%-24s %6s | %8s %8s %9s %9s %7s %8s | %8s %8s | %7s %7s\n' format MB whole in-proc \
  "" in-proc RSS_MB limit whole json.load whole in-proc
for fmt in $formats; do
  file="$work/$fmt.json"
  python3 "$root/bench/ingest/generate.py" "$fmt" "$size_mb" "$file" >/dev/null
  bytes=$(stat -c %s "$file")
  mb=$(awk -v b="$bytes" 'BEGIN {printf "%.1f", b / 1048576}')
  times=() inproc=() rss=() findings=0
  for _ in $(seq "$runs"); do
    # Wall time in ns around the run (time's own %e has only 10 ms resolution); peak RSS from time.
    start=$(now)
    /usr/bin/time -f '%M' -o "$work/time" "$bin" parse "$file" --format auto \
      --output summary $timing >"$work/out"
    end=$(now)
    findings=$(sed -n 's/^findings: //p' "$work/out")
    inproc+=("$(sed -n 's/^parse_seconds: //p' "$work/out")")
    read -r kb <"$work/time"
    times+=("$(seconds "$start" "$end")"); rss+=("$kb")
  done
  t=$(printf '%s\n' "${times[@]}" | median)
  ti=$(printf '%s\n' "${inproc[@]}" | median)
  kb=$(printf '%s\n' "${rss[@]}" | median)
  py=() pyw=()
  for _ in $(seq "$runs"); do
    start=$(now)
    py+=("$(python3 "$root/bench/ingest/pyload.py" "$file")")
    end=$(now)
    pyw+=("$(seconds "$start" "$end")")
  done
  pt=$(printf '%s\n' "${py[@]}" | median)
  pw=$(printf '%s\n' "${pyw[@]}" | median)
  awk -v fmt="$fmt" -v mb="$mb" -v t="$t" -v ti="$ti" -v f="$findings" -v kb="$kb" -v pt="$pt" \
    -v pw="$pw" 'BEGIN {
    t = (t < 0.001 ? 0.001 : t); limit = 1.5 * mb + 64; rss = kb / 1024;
    inproc = "-"; findings = sprintf("%.0f", f / t); ratio_in = "-";
    if (ti != "") {
      ti = (ti < 0.0001 ? 0.0001 : ti);
      inproc = sprintf("%.0f", mb / ti); findings = sprintf("%.0f", f / ti);
      ratio_in = sprintf("%.1fx", pt / ti);
    }
    printf "%-24s %6.1f | %8.0f %8s %9s %9.0f %7.0f %8s | %8.0f %8.0f | %6.1fx %7s\n", fmt, mb,
      mb / t, inproc, findings, rss, limit, (rss < limit ? "ok" : "OVER"), mb / pw, mb / pt,
      pw / t, ratio_in }'
done
echo "(median of $runs runs; one process, one core. whole = wall time of the whole command;"
echo " in-proc = bulwark's parse_seconds (read+detect+parse+normalise) and Python's json.load"
echo " (read+parse), each timed inside its process; limit = 1.5 x file size + 64 MB)"
