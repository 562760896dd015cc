#!/usr/bin/env bash
# Ingest benchmark: generates large Xray files deterministically, runs `bulwark parse --output
# summary` (Release build) on each, and prints MB/s, findings/s and peak RSS next to Python's
# json.load of the same file, measured in the same run. Median of RUNS runs.
# usage: bench/ingest/run.sh [--size-mb N] [--runs N] [--formats "xray-report ..."]
# Default 40 MB per file (about a minute in all); --size-mb 250 checks the memory goal.
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
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DBULWARK_TESTS=OFF \
  -DBULWARK_BENCH=OFF >/dev/null
cmake --build "$build" -j2 --target bulwark >/dev/null
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

printf '%-26s %8s %10s %12s %10s %10s %9s %9s %8s\n' format MB bulwark_MB/s findings/s \
  peak_RSS_MB RSS_limit python_MB/s speedup rss_ok
for fmt in $formats; do
  file="$work/$fmt.json"
  python3 "$root/bench/ingest/generate.py" "$fmt" "$size_mb" "$file" >/dev/null
  bytes=$(stat -c %s "$file")
  mb=$(awk -v b="$bytes" 'BEGIN {printf "%.1f", b / 1048576}')
  times=() rss=() findings=0
  for _ in $(seq "$runs"); do
    # Wall time in ns around the run (time's own %e has only 10 ms resolution); peak RSS from time.
    start=$(date +%s%N)
    /usr/bin/time -f '%M' -o "$work/time" "$build/bulwark" parse "$file" --format auto \
      --output summary >"$work/out"
    end=$(date +%s%N)
    findings=$(sed -n 's/^findings: //p' "$work/out")
    read -r kb <"$work/time"
    times+=("$(awk -v s="$start" -v e="$end" 'BEGIN {printf "%.4f", (e - s) / 1e9}')"); rss+=("$kb")
  done
  t=$(printf '%s\n' "${times[@]}" | median)
  kb=$(printf '%s\n' "${rss[@]}" | median)
  py=()
  for _ in $(seq "$runs"); do py+=("$(python3 "$root/bench/ingest/pyload.py" "$file")"); done
  pt=$(printf '%s\n' "${py[@]}" | median)
  awk -v fmt="$fmt" -v mb="$mb" -v t="$t" -v f="$findings" -v kb="$kb" -v pt="$pt" 'BEGIN {
    t = (t < 0.01 ? 0.01 : t); limit = 1.5 * mb + 64; rss = kb / 1024;
    printf "%-26s %8.1f %10.0f %12.0f %10.0f %10.0f %9.0f %8.1fx %8s\n", fmt, mb, mb / t, f / t,
      rss, limit, mb / pt, pt / t, (rss < limit ? "yes" : "NO") }'
done
echo "(median of $runs runs; one process, one core; python = json.load of the same file)"
