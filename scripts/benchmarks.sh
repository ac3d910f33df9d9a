#!/usr/bin/env bash
# Builds runpilot-benchmarks/target/benchmarks.jar from this checkout (the SDK included, never a
# copy from ~/.m2) and runs a benchmark. See docs/BENCHMARKS.md.
#
#   scripts/benchmarks.sh e2e [EndToEnd options]   # ~1.5 min: latency, jobs/s, phase breakdown
#   scripts/benchmarks.sh jmh [JMH options]        # 10-13 min: NoopJobBenchmark, NoopThroughputBenchmark
#   scripts/benchmarks.sh http [samples] [jobs]    # ~1 min: submit latency over HTTP vs a health round trip
#   scripts/benchmarks.sh source-http [MiB] [rounds]
#                                                  # ~2 min: submit with a source tree over HTTP vs embedded
#   scripts/benchmarks.sh claims [options]         # ~2 min: claim -> complete throughput, SQLite and a
#                                                  # throwaway PostgreSQL cluster (scripts/services/postgres.sh)
#   scripts/benchmarks.sh storage [--size-mib N] [--rounds N] [URI...]
#                                                  # ~2 min: 256 MiB up/down per storage URI (file:, s3://, gs://, az://)
#                                                  # vs cp, aws s3 cp, the GCS/Azure SDKs' file transfer, curl;
#                                                  # with no URI: starts moto, benchmarks s3:// on it and file: on /dev/shm
#   scripts/benchmarks.sh cli                      # ~4 min: cold start of `runpilot status` (RUNS=20)
set -eu
cd "$(dirname "$0")/.."
[ "${1:-}" = cli ] && exec runpilot-benchmarks/cli-startup.sh
./mvnw -B -q package -pl runpilot-benchmarks -am -DskipTests -Dmaven.javadoc.skip=true
JAR=runpilot-benchmarks/target/benchmarks.jar
echo "nproc: $(nproc); $(java -version 2>&1 | head -n 1); load average: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)"
what=${1:-e2e}
[ $# -gt 0 ] && shift
case "$what" in
  e2e) exec java -cp "$JAR" dev.runpilot.benchmarks.EndToEnd "$@" ;;
  jmh) exec java -jar "$JAR" "$@" ;;
  http) exec java -cp "$JAR" dev.runpilot.benchmarks.HttpSubmitLatency "$@" ;;
  source-http) exec java -cp "$JAR" dev.runpilot.benchmarks.HttpSourceUpload "$@" ;;
  claims)
    # A throwaway cluster like the tests', but with fsync on: asynchronous commit only, the
    # counterpart of SQLite's WAL with synchronous=NORMAL that the embedded store uses.
    exec bash -c '
      set -eu
      source scripts/services/postgres.sh
      postgres_find_bin || { echo "PostgreSQL binaries not found; apt-get install postgresql" >&2; exit 1; }
      dir="$(mktemp -d "${TMPDIR:-/tmp}/runpilot-claims-pg.XXXXXX")"
      POSTGRES_DIR="$dir"
      trap postgres_service_stop EXIT
      port="$(postgres_free_port)"
      postgres_cluster_start "$dir" "$port" "-c synchronous_commit=off -c shared_buffers=128MB"
      echo "PostgreSQL $("$POSTGRES_BIN/postgres" --version | cut -d" " -f3) on 127.0.0.1:$port (synchronous_commit=off, fsync on)"
      java -cp "$0" dev.runpilot.benchmarks.ClaimThroughput --postgres "jdbc:postgresql://127.0.0.1:$port/postgres?user=postgres" "$@"
    ' "$JAR" "$@" ;;
  storage)
    has_uri=false
    for arg in "$@"; do case "$arg" in *://*|file:*) has_uri=true ;; esac; done
    if [ "$has_uri" = true ]; then
      exec java -cp "$JAR" dev.runpilot.benchmarks.StorageBenchmark "$@"
    fi
    # shellcheck source=/dev/null
    . scripts/services/moto.sh
    moto_service_start
    trap moto_service_stop EXIT
    export AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_REGION=us-east-1 AWS_DEFAULT_REGION=us-east-1
    bucket="rp-bench-$$"
    curl -fsS -X PUT -o /dev/null "$RUNPILOT_TEST_MOTO_ENDPOINT/$bucket"
    files="${TMPDIR:-/tmp}/runpilot-storage-bench-$$"
    [ -d /dev/shm ] && files="/dev/shm/runpilot-storage-bench-$$"
    java -cp "$JAR" dev.runpilot.benchmarks.StorageBenchmark "$@" \
      "s3://$bucket/runpilot?endpoint=$RUNPILOT_TEST_MOTO_ENDPOINT&pathStyle=true" "file://$files"
    rm -rf "$files"
    ;;
  *) echo "usage: $0 e2e|jmh|http|source-http|claims|storage|cli [options]" >&2; exit 2 ;;
esac
