#!/usr/bin/env bash
# Runs RunPilot's whole test suite: builds every module and runs every test against real
# processes, a real Docker engine and the real servers each module's tests talk to.
#
# Every file scripts/services/NAME.sh is a service the tests need. Each defines
#   NAME_service_install   installs what is missing (run for all services in parallel, first)
#   NAME_service_start     starts the server on 127.0.0.1 (or a unix socket) and exports the
#                          RUNPILOT_TEST_* variables the tests read; records the PID it started
#   NAME_service_stop      stops what NAME_service_start started, by that PID only
# Services are started in file-name order and stopped in reverse order on exit, whatever the
# outcome. With CI=true a test whose service is missing fails instead of skipping.
set -euo pipefail
cd "$(dirname "$0")/.."

command -v java >/dev/null || { echo "Java 17 or newer is needed (java not on PATH)" >&2; exit 1; }

# apt_install PKG...: installs Debian packages, one apt-get at a time across parallel installs.
apt_install() {
  if [ "$(id -u)" != 0 ]; then
    echo "The tests need $*; run as root or install them (apt-get install -y $*)" >&2
    return 1
  fi
  (
    flock 9
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
  ) 9>"${TMPDIR:-/tmp}/runpilot-apt.lock"
}

SERVICES=()
for file in scripts/services/*.sh; do
  # shellcheck source=/dev/null
  source "$file"
  SERVICES+=("$(basename "$file" .sh)")
done

STARTED=()
cleanup() {
  local i
  for ((i = ${#STARTED[@]} - 1; i >= 0; i--)); do
    "${STARTED[$i]}_service_stop" || true
  done
}
trap cleanup EXIT

# Installs run side by side (apt_install takes a lock, so only apt-get waits for apt-get);
# each writes its own log, shown only when it fails.
INSTALL_LOGS="$(mktemp -d "${TMPDIR:-/tmp}/runpilot-install.XXXXXX")"
declare -A INSTALL_PIDS=()
for svc in "${SERVICES[@]}"; do
  if declare -F "${svc}_service_install" >/dev/null; then
    ( "${svc}_service_install" ) >"$INSTALL_LOGS/$svc.log" 2>&1 &
    INSTALL_PIDS[$svc]=$!
  fi
done
for svc in "${!INSTALL_PIDS[@]}"; do
  if ! wait "${INSTALL_PIDS[$svc]}"; then
    echo "Installing what the $svc service needs failed; its log:" >&2
    cat "$INSTALL_LOGS/$svc.log" >&2
    exit 1
  fi
done
rm -rf "$INSTALL_LOGS"

for svc in "${SERVICES[@]}"; do
  "${svc}_service_start"
  STARTED+=("$svc")
done

./mvnw -B -ntp verify "$@"
