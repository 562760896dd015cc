#!/usr/bin/env bash
# Installs the Debian packages Bulwark needs, only when some are missing. Quiet when all are present.
# Usage: scripts/install-deps.sh [run|test|bench]
# bench: what bench/*/run.sh need besides the build (wrk, the sqlite3 shell, python3, time).
set -euo pipefail
mode="${1:-run}"
pkgs=(cmake ninja-build g++ pkg-config ccache
  libsimdjson-dev libpqxx-dev libpq-dev libsodium-dev libcli11-dev libtomlplusplus-dev libarchive-dev
  libspdlog-dev libfmt-dev prometheus-cpp-dev nlohmann-json3-dev libcpp-httplib-dev
  libcurl4-openssl-dev libssl-dev libsqlite3-dev libgtest-dev libgmock-dev libbenchmark-dev)
# The web UI is built with Node.js and npm; use the ones on PATH when present.
command -v npm >/dev/null 2>&1 || pkgs+=(nodejs npm)
if [ "$mode" = "test" ]; then
  pkgs+=(postgresql chromium clang-14 libclang-rt-14-dev clang-format clang-19 libclang-rt-19-dev openssl curl python3 time)
fi
if [ "$mode" = "bench" ]; then
  pkgs+=(wrk sqlite3 python3 time)
fi
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "installing: ${missing[*]}"
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
