#!/usr/bin/env bash
# Instructions per request of the findings list, next to GET /healthz, counted by callgrind on the
# Release `bulwark serve` (repeatable on a loaded machine, where wall-clock figures are not).
# Runs on a data directory kept by bench/platform/run.sh --data DIR (its bench-token and
# bench-fill name the admin token and the queried project).
# usage: bench/platform/callgrind.sh --data DIR [--requests N]
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
data="" requests=200
while [ $# -gt 0 ]; do
  case "$1" in
    --data) data="$2"; shift 2 ;;
    --requests) requests="$2"; shift 2 ;;
    *) echo "unknown argument: $1 (see the usage at the top of $0)" >&2; exit 2 ;;
  esac
done
[ -s "$data/bench-fill" ] && [ -s "$data/bench-token" ] ||
  { echo "--data DIR: run bench/platform/run.sh --data DIR first" >&2; exit 2; }
command -v valgrind >/dev/null || { echo "valgrind is not installed" >&2; exit 2; }
work="$(mktemp -d)"
server_pid=""
trap 'bench_stop; rm -rf "$work"' EXIT
# shellcheck source=bench/platform/lib.sh
. "$root/bench/platform/lib.sh"
bench_build
real_bulwark="$bulwark"
# bench_serve runs "$bulwark serve ..." : wrap it in callgrind, counting only after zeroing.
cat >"$work/bulwark" <<WRAP
#!/bin/sh
exec valgrind --tool=callgrind --callgrind-out-file="$work/cg.%p" --dump-instr=no \
  --separate-threads=no "$real_bulwark" "\$@"
WRAP
chmod +x "$work/bulwark"
bulwark="$work/bulwark"
bench_serve "$data"
pid="$(cat "$data/bench-fill")"
list="$BULWARK_URL/api/v1/projects/$pid/findings?severity=high&limit=100"
# One kept-alive connection per phase, like wrk's clients.
fetch() {
  python3 - "$1" "$requests" <<'PY'
import http.client, os, sys, urllib.parse
url = urllib.parse.urlsplit(sys.argv[1])
conn = http.client.HTTPConnection(url.hostname, url.port)
headers = {"Authorization": "Bearer " + os.environ["BULWARK_TOKEN"]}
for _ in range(int(sys.argv[2])):
    conn.request("GET", url.path + ("?" + url.query if url.query else ""), headers=headers)
    r = conn.getresponse()
    r.read()
    if r.status != 200:
        sys.exit(f"{sys.argv[1]}: HTTP {r.status}")
PY
}
fetch "$list"  # warm-up: statements prepared, pages cached, counts kept
count() {
  callgrind_control -z "$server_pid" >/dev/null
  fetch "$1"
  callgrind_control -d "$2" "$server_pid" >/dev/null
  sleep 1
  local file
  file="$(ls -t "$work"/cg.* | head -1)"
  callgrind_annotate "$file" 2>/dev/null | awk '/PROGRAM TOTALS/ {gsub(",", "", $1); print $1; exit}'
}
health=$(count "$BULWARK_URL/healthz" healthz)
listing=$(count "$list" findings)
printf '%-40s %14s %8s\n' request instr/request ratio
awk -v h="$health" -v l="$listing" -v n="$requests" 'BEGIN {
  printf "%-40s %14.0f %7.1fx\n", "GET /healthz (baseline)", h / n, 1
  printf "%-40s %14.0f %7.1fx\n", "GET findings?severity=high&limit=100", l / n, l / h }'
