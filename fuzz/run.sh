#!/usr/bin/env bash
# Builds the fuzz targets and runs each for SECONDS (default: FUZZ_SECONDS or 60), seeded from
# the project's fixtures. Fails on the first crash, leak, sanitizer report or timeout; the input
# that caused it is written to build/fuzz/artifacts/.
# usage: fuzz/run.sh [--seconds N] [target ...]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${BULWARK_FUZZ_BUILD:-$root/build/fuzz}"
seconds="${FUZZ_SECONDS:-60}"
if [ "${1:-}" = "--seconds" ]; then seconds="$2"; shift 2; fi
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(ingest_buffer_fuzzer report_page_fuzzer component_id_fuzzer)
"$root/fuzz/build.sh"
mkdir -p "$build/artifacts"
for target in "${targets[@]}"; do
  case "$target" in
    component_id_fuzzer) seeds=("$root/fuzz/seeds/component_id") ;;
    *) seeds=("$root/test/fixtures/xray") ;;
  esac
  corpus="$build/corpus/$target"
  mkdir -p "$corpus"
  echo "fuzz: $target for ${seconds}s"
  # The first directory is the growing corpus; the seeds are only read.
  "$build/$target" -max_total_time="$seconds" -timeout=10 -max_len=65536 -print_final_stats=1 \
    -artifact_prefix="$build/artifacts/$target-" "$corpus" "${seeds[@]}" \
    >"$build/$target.log" 2>&1 || {
    tail -n 60 "$build/$target.log" >&2
    echo "fuzz: $target failed; reproduce with $build/$target <artifact>" >&2
    exit 1
  }
  grep -E '^stat::number_of_executed_units|^stat::new_units_added' "$build/$target.log" |
    sed "s/^/  /"
done
