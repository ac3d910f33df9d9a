#!/bin/sh
# Builds runpilot-benchmarks/target/benchmarks.jar from this checkout (the SDK included, never a
# copy from ~/.m2) and runs a benchmark. See docs/BENCHMARKS.md.
#
#   scripts/benchmarks.sh e2e [EndToEnd options]   # ~1.5 min: latency, jobs/s, phase breakdown
#   scripts/benchmarks.sh jmh [JMH options]        # 10-13 min: NoopJobBenchmark, NoopThroughputBenchmark
#   scripts/benchmarks.sh storage [--size-mib N] [--rounds N] [URI...]
#                                                  # ~2 min: 256 MiB up/down per storage URI vs aws s3 cp, curl, cp;
#                                                  # with no URI: starts moto, benchmarks s3:// on it and file: on /dev/shm
set -eu
cd "$(dirname "$0")/.."
./mvnw -B -q package -pl runpilot-benchmarks -am -DskipTests -Dmaven.javadoc.skip=true
JAR=runpilot-benchmarks/target/benchmarks.jar
echo "nproc: $(nproc); $(java -version 2>&1 | head -n 1); load average: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)"
what=${1:-e2e}
[ $# -gt 0 ] && shift
case "$what" in
  e2e) exec java -cp "$JAR" dev.runpilot.benchmarks.EndToEnd "$@" ;;
  jmh) exec java -jar "$JAR" "$@" ;;
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
  *) echo "usage: $0 e2e|jmh|storage [options]" >&2; exit 2 ;;
esac
