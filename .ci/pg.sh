#!/usr/bin/env bash
# Start or stop a throw-away PostgreSQL 15 server on 127.0.0.1 for the tests.
#   bash .ci/pg.sh start   -> prints the admin URL on stdout (server in $PARLEY_PG_DIR)
#   bash .ci/pg.sh stop
# PostgreSQL refuses to run as root, so as root the server runs as the `postgres` user.
set -euo pipefail
PG_DIR=${PARLEY_PG_DIR:-/tmp/parley-ci-pg}
PG_PORT=${PARLEY_PG_PORT:-55432}

pg_bin() {
  if command -v initdb >/dev/null 2>&1; then dirname "$(command -v initdb)"; return; fi
  for d in /usr/lib/postgresql/*/bin; do
    if [ -x "$d/initdb" ]; then echo "$d"; return; fi
  done
  echo "PostgreSQL server binaries not found; installing postgresql-15" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2 && apt-get install -y -qq postgresql-15 >&2
  echo /usr/lib/postgresql/15/bin
}

as_pg() {
  if [ "$(id -u)" = 0 ]; then
    id postgres >/dev/null 2>&1 || useradd --system --home-dir /var/lib/postgresql postgres
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

case "${1:-}" in
  start)
    BIN=$(pg_bin)
    if [ -f "$PG_DIR/postmaster.pid" ]; then as_pg "$BIN/pg_ctl" -D "$PG_DIR" -m fast stop >&2 || true; fi
    rm -rf "$PG_DIR"; mkdir -p "$PG_DIR"
    [ "$(id -u)" = 0 ] && chown postgres "$PG_DIR" 2>/dev/null || chown postgres "$PG_DIR" 2>/dev/null || true
    as_pg "$BIN/initdb" -D "$PG_DIR" -A trust -U postgres --encoding UTF8 --locale C >/dev/null
    as_pg "$BIN/pg_ctl" -D "$PG_DIR" -l "$PG_DIR/server.log" -w \
      -o "-p $PG_PORT -k $PG_DIR -c listen_addresses=127.0.0.1 -c max_connections=200 -c fsync=on" start >&2
    echo "postgresql+psycopg://postgres@127.0.0.1:$PG_PORT/postgres"
    ;;
  stop)
    BIN=$(pg_bin)
    if [ -f "$PG_DIR/postmaster.pid" ]; then as_pg "$BIN/pg_ctl" -D "$PG_DIR" -m fast stop >&2; fi
    ;;
  *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
