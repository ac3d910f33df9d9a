#!/usr/bin/env bash
# Runs RunPilot's whole test suite: builds every module and runs every test against real
# processes and a real Docker engine. Services the tests need are started here, on 127.0.0.1 or a
# unix socket only, and stopped by PID on exit:
#   - dockerd (scripts/services/docker.sh): installed with apt-get when missing, started unless an
#     engine already answers on the default socket (then it is used and left running).
# The Docker tests start their own private registry (docker-registry) and Podman service, and stop
# them by PID. With CI=true a missing engine fails those tests instead of skipping them.
set -euo pipefail
cd "$(dirname "$0")/.."

# shellcheck source=services/docker.sh
source scripts/services/docker.sh

cleanup() {
  docker_service_stop
}
trap cleanup EXIT

command -v java >/dev/null || { echo "Java 17 or newer is needed (java not on PATH)" >&2; exit 1; }

docker_service_start

./mvnw -B -ntp verify "$@"
