#!/usr/bin/env bash
# Cold start of `runpilot status` on an empty home and on a home in use, with and without AppCDS and C1-only
# compilation, against the cold start of a hello-world main measured in the same run. Run through
# `scripts/benchmarks.sh cli`.
# Uses hyperfine when installed (apt-get install hyperfine), else a plain loop of RUNS runs each.
#
#   scripts/benchmarks.sh cli            # RUNS=20 by default
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -B -q -ntp package -pl runpilot-cli -am -DskipTests -Dmaven.javadoc.skip=true -Dmaven.source.skip=true
JAR="$PWD/runpilot-cli/target/runpilot.jar"
RUNS="${RUNS:-20}"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/runpilot-cli-bench.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT

cat >"$WORK/Hello.java" <<'JAVA'
public class Hello {
    public static void main(String[] args) {
        System.out.println("hello");
    }
}
JAVA
javac -d "$WORK" "$WORK/Hello.java"
MAIN=dev.runpilot.cli.RunPilotCli
# The archive ./runpilot writes after a build: the classes `status -o json` loads on an empty home.
java -XX:ArchiveClassesAtExit="$WORK/runpilot.jsa" -XX:TieredStopAtLevel=1 -cp "$JAR" "$MAIN" \
  --home "$WORK/cds-home" -o json status >/dev/null 2>&1
# ./runpilot itself, pointed at this jar and archive (its staleness check and bash start-up included).
./runpilot --version >/dev/null
# A home in use: three finished runs.
USED_HOME="$WORK/used-home"
for i in 1 2 3; do
  ./runpilot --home "$USED_HOME" -q run -- echo "run $i" >/dev/null
done

HOME_DIR="$WORK/home"
echo "nproc: $(nproc); $(java -version 2>&1 | head -n 1); load average: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "jar: $(du -h "$JAR" | cut -f1) ($(unzip -l "$JAR" | tail -n 1 | awk '{print $2}') entries), AppCDS archive: $(du -h "$WORK/runpilot.jsa" | cut -f1); each status run starts on an empty home"

names=(
  "baseline: java Hello"
  "java Hello, runpilot.jar first on the class path"
  "status, default JVM flags (java -jar)"
  "status, -XX:TieredStopAtLevel=1"
  "status, AppCDS"
  "status, AppCDS + TieredStopAtLevel=1"
  "./runpilot status (launcher: AppCDS + C1 + unpacked SQLite library + preload)"
  "./runpilot status, home with 3 runs"
  "./runpilot --version (picocli root command only, no control plane)"
)
commands=(
  "java -Xshare:auto -cp $WORK Hello"
  "java -Xshare:auto -cp $JAR:$WORK Hello"
  "java -jar $JAR --home $HOME_DIR status"
  "java -XX:TieredStopAtLevel=1 -jar $JAR --home $HOME_DIR status"
  "java -XX:SharedArchiveFile=$WORK/runpilot.jsa -Xshare:auto -cp $JAR $MAIN --home $HOME_DIR status"
  "java -XX:SharedArchiveFile=$WORK/runpilot.jsa -Xshare:auto -XX:TieredStopAtLevel=1 -cp $JAR $MAIN --home $HOME_DIR status"
  "$PWD/runpilot --home $HOME_DIR status"
  "$PWD/runpilot --home $USED_HOME status"
  "$PWD/runpilot --version"
)

if command -v hyperfine >/dev/null; then
  args=()
  for i in "${!names[@]}"; do
    args+=(-n "${names[$i]}" "${commands[$i]}")
  done
  hyperfine -N --warmup 2 --runs "$RUNS" --prepare "rm -rf $HOME_DIR" --export-markdown "$WORK/results.md" "${args[@]}"
  echo
  cat "$WORK/results.md"
else
  echo "hyperfine not found: timing $RUNS runs of each with date +%s%N"
  for i in "${!names[@]}"; do
    total=0
    for _ in $(seq 1 "$RUNS"); do
      rm -rf "$HOME_DIR"
      start=$(date +%s%N)
      ${commands[$i]} >/dev/null
      total=$((total + $(date +%s%N) - start))
    done
    echo "${names[$i]}: mean $((total / RUNS / 1000000)) ms"
  done
fi
