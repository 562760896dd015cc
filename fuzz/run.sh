#!/usr/bin/env bash
# Builds the fuzz targets and runs each for SECONDS (default: FUZZ_SECONDS or 60), seeded from
# the project's fixtures, growing the corpus in build/fuzz/corpus. Fails on the first crash, leak,
# sanitizer report or timeout; the input that caused it is written to build/fuzz/artifacts/.
# --smoke: instead a fixed number of runs from a fixed random seed and the seeds only (a fresh
# corpus), so the result does not depend on machine speed or on earlier runs (used by CTest).
# usage: fuzz/run.sh [--seconds N | --smoke] [target ...]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${BULWARK_FUZZ_BUILD:-$root/build/fuzz}"
seconds="${FUZZ_SECONDS:-60}"
smoke=0
if [ "${1:-}" = "--seconds" ]; then seconds="$2"; shift 2; fi
if [ "${1:-}" = "--smoke" ]; then smoke=1; shift; fi
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(ingest_buffer_fuzzer report_page_fuzzer report_windows_fuzzer
  component_id_fuzzer multipart_upload_fuzzer platform_url_fuzzer schedule_fuzzer)
"$root/fuzz/build.sh"
mkdir -p "$build/artifacts"
for target in "${targets[@]}"; do
  case "$target" in
    component_id_fuzzer) seeds=("$root/fuzz/seeds/component_id") ;;
    platform_url_fuzzer) seeds=("$root/fuzz/seeds/platform_url") ;;
    schedule_fuzzer) seeds=("$root/fuzz/seeds/schedule") ;;
    *) seeds=("$root/test/fixtures/xray") ;;
  esac
  if [ "$smoke" = 1 ]; then
    corpus="$build/smoke/$target"
    rm -rf "$corpus"
    # The upload reader writes a file per input: fewer runs keep the smoke test brief.
    runs=20000
    [ "$target" = multipart_upload_fuzzer ] && runs=2000
    limit=(-runs="$runs" -seed=1)
    log="$build/smoke/$target.log"
    echo "fuzz: $target, $runs runs from seed 1"
  else
    corpus="$build/corpus/$target"
    limit=(-max_total_time="$seconds")
    log="$build/$target.log"
    echo "fuzz: $target for ${seconds}s"
  fi
  mkdir -p "$corpus" "$(dirname "$log")"
  # The first directory is the growing corpus; the seeds are only read.
  "$build/$target" "${limit[@]}" -timeout=10 -max_len=65536 -print_final_stats=1 \
    -artifact_prefix="$build/artifacts/$target-" "$corpus" "${seeds[@]}" \
    >"$log" 2>&1 || {
    tail -n 60 "$log" >&2
    echo "fuzz: $target failed; reproduce with $build/$target <artifact>" >&2
    exit 1
  }
  grep -E '^stat::number_of_executed_units|^stat::new_units_added' "$log" |
    sed "s/^/  /"
done
