#!/usr/bin/env bash
# Starts a throw-away PostgreSQL and Redis for the test suite and prints the `export` lines for their URLs.
# Usage: eval "$(scripts/test-services.sh start DIR)"; scripts/test-services.sh stop DIR
# PostgreSQL refuses to run as root, so as root it runs as the `postgres` system user (or `nobody`).
set -euo pipefail
action=${1:-start}
dir=${2:-/tmp/vigil-services}

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

pg_bindir() {
  if command -v pg_config >/dev/null 2>&1 && [ -x "$(pg_config --bindir)/initdb" ]; then pg_config --bindir; return; fi
  ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1
}

as_pg_user() {
  if [ "$(id -u)" = "0" ]; then
    local user=postgres
    id "$user" >/dev/null 2>&1 || user=nobody
    chown -R "$user" "$dir/pg"
    su -s /bin/bash "$user" -c "$*"
  else
    bash -c "$*"
  fi
}

start() {
  mkdir -p "$dir"
  chmod 755 "$dir"
  local bindir; bindir=$(pg_bindir)
  if [ -z "$bindir" ]; then echo "PostgreSQL binaries not found" >&2; exit 1; fi
  local pg_port; pg_port=$(free_port)
  rm -rf "$dir/pg"; mkdir -p "$dir/pg"
  as_pg_user "'$bindir/initdb' -D '$dir/pg/data' -U vigil --auth=trust -E UTF8 >'$dir/pg/initdb.log' 2>&1"
  as_pg_user "'$bindir/pg_ctl' -D '$dir/pg/data' -o \"-p $pg_port -k /tmp -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300\" -l '$dir/pg/server.log' -w start >/dev/null"
  echo "$pg_port" > "$dir/pg.port"

  if ! command -v redis-server >/dev/null 2>&1; then
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server) >"$dir/apt.log" 2>&1 || { echo "could not install redis-server (see $dir/apt.log)" >&2; exit 1; }
  fi
  local redis_port; redis_port=$(free_port)
  redis-server --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly no --daemonize yes --pidfile "$dir/redis.pid" --logfile "$dir/redis.log" >/dev/null
  for _ in $(seq 1 50); do redis-cli -p "$redis_port" ping >/dev/null 2>&1 && break; sleep 0.1; done
  echo "$redis_port" > "$dir/redis.port"

  echo "export VIGIL_TEST_DATABASE_URL=postgres://vigil@127.0.0.1:$pg_port/postgres"
  echo "export VIGIL_TEST_REDIS_URL=redis://127.0.0.1:$redis_port"
}

stop() {
  local bindir; bindir=$(pg_bindir)
  [ -d "$dir/pg/data" ] && as_pg_user "'$bindir/pg_ctl' -D '$dir/pg/data' -m immediate stop >/dev/null 2>&1" || true
  [ -f "$dir/redis.pid" ] && kill "$(cat "$dir/redis.pid")" 2>/dev/null || true
}

"$action"
