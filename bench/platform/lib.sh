# Shared by bench/platform/run.sh and bench/load/run.sh (sourced): the Release build, a real
# `bulwark serve` on 127.0.0.1 port 0, medians. Expects $root and $work to be set.

bench_build() {
  build="${BULWARK_BENCH_BUILD:-$root/build/bench}"
  cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DBULWARK_TESTS=OFF \
    -DBULWARK_BENCH=OFF >/dev/null
  cmake --build "$build" -j2 --target bulwark >/dev/null
  bulwark="$build/bulwark"
}

# bench_serve DATA_DIR: starts the server, sets BULWARK_URL and (on a fresh data directory, or from
# DATA_DIR/bench-token when it was kept) BULWARK_TOKEN. The server's log goes to $work/serve.log.
bench_serve() {
  local data="$1"
  mkdir -p "$data"
  "$bulwark" serve --listen 127.0.0.1:0 --data-dir "$data" >"$work/serve.out" 2>"$work/serve.log" &
  server_pid=$!
  for _ in $(seq 600); do
    grep -q '^listening on ' "$work/serve.out" 2>/dev/null && break
    kill -0 "$server_pid" 2>/dev/null || { cat "$work/serve.log" >&2; return 1; }
    sleep 0.05
  done
  BULWARK_URL="$(sed -n 's/^listening on //p' "$work/serve.out")"
  [ -n "$BULWARK_URL" ] || { echo "the server did not start" >&2; return 1; }
  local token
  token="$(sed -n 's/^  API token: *//p' "$work/serve.out")"
  if [ -n "$token" ]; then
    (umask 077 && printf '%s\n' "$token" >"$data/bench-token")
  fi
  BULWARK_TOKEN="$(cat "$data/bench-token")"
  export BULWARK_URL BULWARK_TOKEN
}

bench_stop() {
  if [ -n "${server_pid:-}" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid"
    wait "$server_pid" || true
  fi
  server_pid=""
}

median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

# bench_wrk SECONDS CONNECTIONS URL: prints wrk.lua's result line.
bench_wrk() {
  wrk -t2 -c"$2" -d"$1s" --timeout 10s -s "$root/bench/platform/wrk.lua" "$3" | grep '^wrk '
}

# field NAME LINE: the value of NAME=... in a result line.
field() { printf '%s\n' "$2" | tr ' ' '\n' | sed -n "s/^$1=//p"; }

# CPU seconds (user + system) the server has used so far: a figure the shared machine's load
# does not inflate the way it inflates wall time.
server_cpu() {
  awk -v hz="$(getconf CLK_TCK)" '{printf "%.3f", ($14 + $15) / hz}' "/proc/$server_pid/stat"
}
