# Docker engine and private-registry tools for RunPilot's tests. Sourced by scripts/test.sh.
#
# docker_service_start: installs what is missing (Debian packages docker.io, busybox-static,
# docker-registry and apache2-utils for the private-registry tests, podman for the Podman test),
# then starts dockerd on the default socket unless an engine already answers there. A dockerd started here is recorded in DOCKERD_PID and stopped by
# docker_service_stop (by that PID only); an engine that was already running is left alone.
# Nothing here listens on a network address: dockerd serves its unix socket only, and runs with
# --ip-forward=false --ip-masq=false so that containers cannot route off this machine.

DOCKERD_PID=""
DOCKERD_LOG="${DOCKERD_LOG:-${TMPDIR:-/tmp}/runpilot-dockerd.log}"

docker_service_install() {
  local missing=()
  command -v dockerd >/dev/null || missing+=(docker.io)
  command -v busybox >/dev/null || missing+=(busybox-static)
  command -v docker-registry >/dev/null || missing+=(docker-registry)
  command -v htpasswd >/dev/null || missing+=(apache2-utils)
  command -v podman >/dev/null || missing+=(podman)
  if [ "${#missing[@]}" -gt 0 ]; then
    echo "Installing ${missing[*]} for the Docker tests" >&2
    apt_install "${missing[@]}"
  fi
}

docker_engine_answers() {
  timeout 10 docker info >/dev/null 2>&1
}

docker_service_start() {
  if [ -z "${DOCKER_HOST:-}" ] && docker_engine_answers; then
    echo "Using the Docker engine already answering on the default socket" >&2
    return 0
  fi
  if [ -n "${DOCKER_HOST:-}" ]; then
    if docker_engine_answers; then
      echo "Using the Docker engine at DOCKER_HOST=$DOCKER_HOST" >&2
      return 0
    fi
    echo "DOCKER_HOST=$DOCKER_HOST does not answer; unset it to let this script start dockerd" >&2
    return 1
  fi
  echo "Starting dockerd (log: $DOCKERD_LOG)" >&2
  dockerd --ip-forward=false --ip-masq=false --log-level=warn >"$DOCKERD_LOG" 2>&1 &
  DOCKERD_PID=$!
  local i
  for i in $(seq 1 300); do
    if docker_engine_answers; then
      return 0
    fi
    if ! kill -0 "$DOCKERD_PID" 2>/dev/null; then
      echo "dockerd exited during startup; its log:" >&2
      tail -n 30 "$DOCKERD_LOG" >&2
      DOCKERD_PID=""
      return 1
    fi
    sleep 0.1
  done
  echo "dockerd did not answer within 30 s; its log:" >&2
  tail -n 30 "$DOCKERD_LOG" >&2
  docker_service_stop
  return 1
}

docker_service_stop() {
  [ -n "$DOCKERD_PID" ] || return 0
  kill "$DOCKERD_PID" 2>/dev/null || true
  local i
  for i in $(seq 1 150); do
    kill -0 "$DOCKERD_PID" 2>/dev/null || { DOCKERD_PID=""; return 0; }
    sleep 0.1
  done
  echo "dockerd (pid $DOCKERD_PID) did not stop within 15 s; killing it" >&2
  kill -9 "$DOCKERD_PID" 2>/dev/null || true
  DOCKERD_PID=""
}
