#!/usr/bin/env bash
# Starts a throw-away PostgreSQL cluster in a temporary directory on a free port, runs the given
# command with BULWARK_TEST_POSTGRES_URL pointing at it, then stops and removes the cluster.
# Fails, saying why, when the server cannot start: PostgreSQL tests never skip silently.
set -euo pipefail
pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
if [ -z "$pgbin" ] || [ ! -x "$pgbin/initdb" ]; then
  echo "with-postgres: no PostgreSQL server found under /usr/lib/postgresql (install 'postgresql')" >&2
  exit 1
fi
dir=$(mktemp -d /tmp/bulwark-pg.XXXXXX)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
as_pg=()
if [ "$(id -u)" -eq 0 ]; then
  chown postgres:postgres "$dir"
  as_pg=(runuser -u postgres --)
fi
cleanup() {
  "${as_pg[@]}" "$pgbin/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$dir"
}
trap cleanup EXIT
if ! "${as_pg[@]}" "$pgbin/initdb" -D "$dir/data" -A trust -U bulwark >"$dir/initdb.log" 2>&1; then
  echo "with-postgres: initdb failed:" >&2; cat "$dir/initdb.log" >&2; exit 1
fi
if ! "${as_pg[@]}" "$pgbin/pg_ctl" -D "$dir/data" -w -t 60 \
    -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c max_connections=200 -c fsync=off" \
    -l "$dir/server.log" start >/dev/null; then
  echo "with-postgres: the PostgreSQL server did not start:" >&2; cat "$dir/server.log" >&2; exit 1
fi
"${as_pg[@]}" "$pgbin/createdb" -h 127.0.0.1 -p "$port" -U bulwark bulwark_test
export BULWARK_TEST_POSTGRES_URL="postgresql://bulwark@127.0.0.1:$port/bulwark_test"
echo "with-postgres: PostgreSQL on 127.0.0.1:$port"
"$@"
