# moto (a local AWS: S3, EC2, IAM) for RunPilot's AWS tests. Sourced by scripts/test.sh.
#
# moto_service_install: checks for moto_server (moto 5.2.1 with its server extra); installs it with
#   pip only when it is missing, and fails with a clear message when PyPI cannot be reached.
# moto_service_start: starts `moto_server` on 127.0.0.1 on a free port, waits until it answers and
#   exports RUNPILOT_TEST_MOTO_ENDPOINT=http://127.0.0.1:PORT. EC2 validation of AMIs and instance
#   types is on, so that made-up values are refused as AWS would. Tests use unique bucket names (or
#   POST /moto-api/reset) so that they do not see each other's state.
# moto_service_stop: stops the server it started, by its PID only (TERM, then KILL after 10 s).

MOTO_PID=""
MOTO_LOG="${MOTO_LOG:-${TMPDIR:-/tmp}/runpilot-moto.log}"
MOTO_VERSION="5.2.1"

moto_service_install() {
  if command -v moto_server >/dev/null 2>&1; then
    return 0
  fi
  echo "Installing moto[server]==$MOTO_VERSION for the S3 and EC2 tests" >&2
  if ! python3 -m pip install --quiet "moto[server]==$MOTO_VERSION"; then
    echo "Could not install moto[server]==$MOTO_VERSION with pip (is PyPI reachable from here?)." >&2
    echo "Install it by hand (python3 -m pip install 'moto[server]==$MOTO_VERSION') so that moto_server is on PATH." >&2
    return 1
  fi
}

moto_free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

moto_service_start() {
  command -v moto_server >/dev/null 2>&1 || { echo "moto_server is not on PATH; run moto_service_install" >&2; return 1; }
  local port
  port="$(moto_free_port)"
  echo "Starting moto_server on 127.0.0.1:$port (log: $MOTO_LOG)" >&2
  MOTO_ENABLE_AMI_VALIDATION=true MOTO_EC2_ENABLE_INSTANCE_TYPE_VALIDATION=true \
    moto_server -H 127.0.0.1 -p "$port" >"$MOTO_LOG" 2>&1 &
  MOTO_PID=$!
  local i
  for i in $(seq 1 300); do
    if curl -fsS -o /dev/null "http://127.0.0.1:$port/moto-api/" 2>/dev/null; then
      export RUNPILOT_TEST_MOTO_ENDPOINT="http://127.0.0.1:$port"
      return 0
    fi
    if ! kill -0 "$MOTO_PID" 2>/dev/null; then
      echo "moto_server exited during startup; its log:" >&2
      tail -n 30 "$MOTO_LOG" >&2
      MOTO_PID=""
      return 1
    fi
    sleep 0.1
  done
  echo "moto_server did not answer within 30 s; its log:" >&2
  tail -n 30 "$MOTO_LOG" >&2
  moto_service_stop
  return 1
}

moto_service_stop() {
  [ -n "$MOTO_PID" ] || return 0
  kill "$MOTO_PID" 2>/dev/null || true
  local i
  for i in $(seq 1 100); do
    kill -0 "$MOTO_PID" 2>/dev/null || { MOTO_PID=""; unset RUNPILOT_TEST_MOTO_ENDPOINT; return 0; }
    sleep 0.1
  done
  echo "moto_server (pid $MOTO_PID) did not stop within 10 s; killing it" >&2
  kill -9 "$MOTO_PID" 2>/dev/null || true
  MOTO_PID=""
  unset RUNPILOT_TEST_MOTO_ENDPOINT
}
