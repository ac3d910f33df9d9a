# A throwaway PostgreSQL cluster for RunPilot's PostgreSQL store tests. Sourced by scripts/test.sh.
#
# postgres_service_start: initdb in a fresh temporary directory owned by the postgres OS user
# (trust authentication, no fsync), started by pg_ctl on 127.0.0.1 and a free port, with its unix
# socket in that directory. Exports
#   RUNPILOT_TEST_POSTGRES_URL=jdbc:postgresql://127.0.0.1:PORT/postgres?user=postgres
# Tests create their own database in it (CREATE DATABASE rp_...) for isolation.
# postgres_service_stop: pg_ctl stop -m fast on that directory (the cluster's own postmaster,
# found through its postmaster.pid), then removes the directory.

POSTGRES_DIR=""
POSTGRES_BIN="${POSTGRES_BIN:-}"

postgres_find_bin() {
  if [ -n "$POSTGRES_BIN" ] && [ -x "$POSTGRES_BIN/pg_ctl" ]; then
    return 0
  fi
  local dir
  for dir in /usr/lib/postgresql/*/bin; do
    if [ -x "$dir/pg_ctl" ] && [ -x "$dir/initdb" ]; then
      POSTGRES_BIN="$dir"
    fi
  done
  [ -n "$POSTGRES_BIN" ]
}

postgres_service_install() {
  if ! postgres_find_bin; then
    echo "Installing postgresql for the PostgreSQL store tests" >&2
    apt_install postgresql
  fi
}

# postgres_as_owner CMD...: runs a command as the postgres OS user when running as root.
postgres_as_owner() {
  if [ "$(id -u)" = 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

# postgres_free_port: prints a TCP port nothing listens on at the moment.
postgres_free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# postgres_cluster_start DIR PORT [SERVER_OPTIONS]: initdb and start a cluster; used by the tests
# (default options: no fsync, asynchronous commit) and by scripts/benchmarks.sh claims.
postgres_cluster_start() {
  local dir=$1 port=$2 options=${3:--c fsync=off -c synchronous_commit=off}
  mkdir -p "$dir"
  [ "$(id -u)" = 0 ] && chown postgres:postgres "$dir"
  chmod 700 "$dir"
  postgres_as_owner "$POSTGRES_BIN/initdb" -D "$dir/data" -U postgres -A trust --no-sync >"$dir/initdb.log" 2>&1 || {
    echo "initdb failed; its log:" >&2; cat "$dir/initdb.log" >&2; return 1; }
  postgres_as_owner "$POSTGRES_BIN/pg_ctl" -D "$dir/data" -w -t 30 -l "$dir/postgres.log" \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c max_connections=200 $options" \
    start >/dev/null || {
    echo "PostgreSQL did not start; its log:" >&2; tail -n 30 "$dir/postgres.log" >&2; return 1; }
}

postgres_service_start() {
  postgres_find_bin || { echo "PostgreSQL binaries not found under /usr/lib/postgresql" >&2; return 1; }
  POSTGRES_DIR="$(mktemp -d "${TMPDIR:-/tmp}/runpilot-postgres.XXXXXX")"
  local port
  port="$(postgres_free_port)"
  echo "Starting PostgreSQL on 127.0.0.1:$port (cluster in $POSTGRES_DIR)" >&2
  if ! postgres_cluster_start "$POSTGRES_DIR" "$port"; then
    postgres_service_stop
    return 1
  fi
  export RUNPILOT_TEST_POSTGRES_URL="jdbc:postgresql://127.0.0.1:$port/postgres?user=postgres"
}

postgres_service_stop() {
  [ -n "$POSTGRES_DIR" ] || return 0
  if [ -f "$POSTGRES_DIR/data/postmaster.pid" ]; then
    postgres_as_owner "$POSTGRES_BIN/pg_ctl" -D "$POSTGRES_DIR/data" -m fast -t 30 stop >/dev/null 2>&1 || {
      local pid
      pid="$(head -n 1 "$POSTGRES_DIR/data/postmaster.pid" 2>/dev/null || true)"
      if [ -n "$pid" ]; then
        echo "PostgreSQL (pid $pid) did not stop within 30 s; killing it" >&2
        kill -9 "$pid" 2>/dev/null || true
      fi
    }
  fi
  rm -rf "$POSTGRES_DIR"
  POSTGRES_DIR=""
  unset RUNPILOT_TEST_POSTGRES_URL
}
