#!/usr/bin/env bash
# Builds the libFuzzer targets into build/fuzz with clang (see fuzz/CMakeLists.txt).
# clang 19 is the first Debian clang that compiles libstdc++'s std::expected (clang 14 lacks
# P0848 and announces too old a __cpp_concepts).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${BULWARK_FUZZ_BUILD:-$root/build/fuzz}"
cc="${BULWARK_FUZZ_CC:-clang-19}"
cxx="${BULWARK_FUZZ_CXX:-clang++-19}"
if ! command -v "$cxx" >/dev/null; then
  echo "fuzz: $cxx not found; install clang-19 and libclang-rt-19-dev (scripts/install-deps.sh test)" >&2
  exit 1
fi
cmake -S "$root/fuzz" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=None -DCMAKE_C_COMPILER="$cc" \
  -DCMAKE_CXX_COMPILER="$cxx" >/dev/null
cmake --build "$build" -j "${BULWARK_FUZZ_JOBS:-2}"
