#!/usr/bin/env bash
# Builds (Release) and runs the Xray API-based scan benchmark against fake-xray: the client fetch
# alone and the client scan, the same scan through `bulwark serve` (POST scan -> finished), and
# concurrent vs one page at a time under latency (docs/operations.md, Sizing).
# Usage: bench/xray_scan/run.sh [--rows N] [--runs N] [--latency-ms N] [--page-size N] [--fake F]
#                               [--concurrency N] [--skip-server]
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
build="${BULWARK_BENCH_DIR:-$root/build/bench}"
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DBULWARK_TESTS=ON \
  -DBULWARK_BENCH=ON >/dev/null
cmake --build "$build" -j2 --target xray_scan_bench fake-xray bulwark >/dev/null
exec "$build/bench/xray_scan/xray_scan_bench" "$@"
