# Azurite (the Azure Storage emulator, from npm) for the runpilot-azure tests. Sourced by scripts/test.sh.
#
# azurite_service_install: installs azurite@3.37.0 with npm into $RUNPILOT_SERVICES_DIR (default
# ~/.cache/runpilot-services), once; later runs find it there and return at once.
# azurite_service_start: starts its blob service on 127.0.0.1 on a free port
# with its data in a temporary directory, and exports
#   RUNPILOT_TEST_AZURITE_BLOB_ENDPOINT=http://127.0.0.1:PORT/devstoreaccount1
# The tests use Azurite's well-known development account (devstoreaccount1 and its published key).
# azurite_service_stop: stops that node process by its PID (TERM, then KILL after 10 s).

AZURITE_VERSION=3.37.0
AZURITE_DIR="${RUNPILOT_SERVICES_DIR:-$HOME/.cache/runpilot-services}/azurite-$AZURITE_VERSION"
AZURITE_PID=""
AZURITE_DATA=""

azurite_service_install() {
  [ -f "$AZURITE_DIR/node_modules/azurite/dist/src/blob/main.js" ] && return 0
  command -v npm >/dev/null || apt_install nodejs npm
  local tmp="$AZURITE_DIR.tmp.$$"
  rm -rf "$tmp" && mkdir -p "$tmp"
  echo "Installing azurite@$AZURITE_VERSION into $AZURITE_DIR" >&2
  npm i --no-audit --no-fund --loglevel=error --prefix "$tmp" "azurite@$AZURITE_VERSION" >&2
  rm -rf "$AZURITE_DIR" && mv "$tmp" "$AZURITE_DIR"
}

azurite_service_start() {
  local port log
  port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
  AZURITE_DATA="$(mktemp -d "${TMPDIR:-/tmp}/runpilot-azurite.XXXXXX")"
  log="$AZURITE_DATA/azurite.log"
  node "$AZURITE_DIR/node_modules/azurite/dist/src/blob/main.js" --blobHost 127.0.0.1 --blobPort "$port" \
    --location "$AZURITE_DATA" --loose --skipApiVersionCheck --silent >"$log" 2>&1 &
  AZURITE_PID=$!
  local i
  for i in $(seq 1 300); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      export RUNPILOT_TEST_AZURITE_BLOB_ENDPOINT="http://127.0.0.1:$port/devstoreaccount1"
      echo "Azurite blob service on $RUNPILOT_TEST_AZURITE_BLOB_ENDPOINT (pid $AZURITE_PID)" >&2
      return 0
    fi
    if ! kill -0 "$AZURITE_PID" 2>/dev/null; then
      echo "Azurite exited during startup; its log:" >&2
      tail -n 30 "$log" >&2
      AZURITE_PID=""
      return 1
    fi
    sleep 0.1
  done
  echo "Azurite did not listen on 127.0.0.1:$port within 30 s; its log:" >&2
  tail -n 30 "$log" >&2
  azurite_service_stop
  return 1
}

azurite_service_stop() {
  if [ -n "$AZURITE_PID" ]; then
    kill "$AZURITE_PID" 2>/dev/null || true
    local i
    for i in $(seq 1 100); do
      kill -0 "$AZURITE_PID" 2>/dev/null || break
      sleep 0.1
    done
    if kill -0 "$AZURITE_PID" 2>/dev/null; then
      echo "Azurite (pid $AZURITE_PID) did not stop within 10 s; killing it" >&2
      kill -9 "$AZURITE_PID" 2>/dev/null || true
    fi
    AZURITE_PID=""
  fi
  if [ -n "$AZURITE_DATA" ]; then
    rm -rf "$AZURITE_DATA"
    AZURITE_DATA=""
  fi
  unset RUNPILOT_TEST_AZURITE_BLOB_ENDPOINT
}
