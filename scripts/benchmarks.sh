#!/bin/sh
# Builds runpilot-benchmarks/target/benchmarks.jar from this checkout (the SDK included, never a
# copy from ~/.m2) and runs a benchmark. See docs/BENCHMARKS.md.
#
#   scripts/benchmarks.sh e2e [EndToEnd options]   # ~1.5 min: latency, jobs/s, phase breakdown
#   scripts/benchmarks.sh jmh [JMH options]        # 10-13 min: NoopJobBenchmark, NoopThroughputBenchmark
#   scripts/benchmarks.sh cli                      # ~2 min: cold start of `runpilot status` (RUNS=20)
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
  *) echo "usage: $0 e2e|jmh|cli [options]" >&2; exit 2 ;;
esac
