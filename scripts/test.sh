#!/usr/bin/env bash
# Runs RunPilot's whole test suite: builds every module and runs every test against real
# processes. Services the tests need are started here, on 127.0.0.1 only, and stopped by PID on
# exit (none yet beyond the JDK: the core SDK needs no external service).
set -euo pipefail
cd "$(dirname "$0")/.."

started_pids=()
cleanup() {
  for pid in "${started_pids[@]:-}"; do
    [ -n "$pid" ] && kill "$pid" 2>/dev/null || true
  done
}
trap cleanup EXIT

command -v java >/dev/null || { echo "Java 17 or newer is needed (java not on PATH)" >&2; exit 1; }

./mvnw -B -ntp verify "$@"
