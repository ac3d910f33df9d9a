# The Cloud Storage emulator of firebase-tools (from npm) for the runpilot-gcp tests. Sourced by scripts/test.sh.
#
# gcs_service_install: installs firebase-tools@15.34.2 with npm into $RUNPILOT_SERVICES_DIR (default
# ~/.cache/runpilot-services), once (it takes minutes); later runs find it there and return at once.
# gcs_service_start: starts the emulator's GCS JSON API on 127.0.0.1 on a free port through
# scripts/services/gcs-emulator.js (no rules runtime, nothing downloaded) and exports
#   RUNPILOT_TEST_GCS_ENDPOINT=http://127.0.0.1:PORT
# gcs_service_stop: stops that node process by its PID (TERM, then KILL after 10 s).
#
# What the emulator lacks (the tests cover those paths with google-cloud-nio's in-JVM fake instead):
# bucket create/get (any bucket name is accepted and created on first use), multipart uploads
# (create(BlobInfo, byte[])), resumable uploads sent in more than one chunk (it finalizes on the first
# PUT), generation preconditions, and signed-URL checks (it ignores the signature).

GCS_FIREBASE_TOOLS_VERSION=15.34.2
GCS_FIREBASE_TOOLS_DIR="${RUNPILOT_SERVICES_DIR:-$HOME/.cache/runpilot-services}/firebase-tools-$GCS_FIREBASE_TOOLS_VERSION"
GCS_EMULATOR_SCRIPT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/gcs-emulator.js"
GCS_EMULATOR_PID=""
GCS_EMULATOR_TMP=""

gcs_service_install() {
  [ -f "$GCS_FIREBASE_TOOLS_DIR/node_modules/firebase-tools/lib/emulator/storage/index.js" ] && return 0
  command -v npm >/dev/null || apt_install nodejs npm
  local tmp="$GCS_FIREBASE_TOOLS_DIR.tmp.$$"
  rm -rf "$tmp" && mkdir -p "$tmp"
  echo "Installing firebase-tools@$GCS_FIREBASE_TOOLS_VERSION into $GCS_FIREBASE_TOOLS_DIR (a few minutes)" >&2
  npm i --no-audit --no-fund --loglevel=error --prefix "$tmp" "firebase-tools@$GCS_FIREBASE_TOOLS_VERSION" >&2
  rm -rf "$GCS_FIREBASE_TOOLS_DIR" && mv "$tmp" "$GCS_FIREBASE_TOOLS_DIR"
}

gcs_service_start() {
  local port log
  port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
  # The emulator keeps its blobs under $TMPDIR/firebase and deletes them on stop: give it its own.
  GCS_EMULATOR_TMP="$(mktemp -d "${TMPDIR:-/tmp}/runpilot-gcs.XXXXXX")"
  log="$GCS_EMULATOR_TMP/emulator.log"
  TMPDIR="$GCS_EMULATOR_TMP" node "$GCS_EMULATOR_SCRIPT" "$GCS_FIREBASE_TOOLS_DIR" "$port" >"$log" 2>&1 &
  GCS_EMULATOR_PID=$!
  local i
  for i in $(seq 1 300); do
    if grep -q "listening" "$log" 2>/dev/null && (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      export RUNPILOT_TEST_GCS_ENDPOINT="http://127.0.0.1:$port"
      echo "GCS emulator on $RUNPILOT_TEST_GCS_ENDPOINT (pid $GCS_EMULATOR_PID)" >&2
      return 0
    fi
    if ! kill -0 "$GCS_EMULATOR_PID" 2>/dev/null; then
      echo "The GCS emulator exited during startup; its log:" >&2
      tail -n 30 "$log" >&2
      GCS_EMULATOR_PID=""
      return 1
    fi
    sleep 0.1
  done
  echo "The GCS emulator did not listen on 127.0.0.1:$port within 30 s; its log:" >&2
  tail -n 30 "$log" >&2
  gcs_service_stop
  return 1
}

gcs_service_stop() {
  if [ -n "$GCS_EMULATOR_PID" ]; then
    kill "$GCS_EMULATOR_PID" 2>/dev/null || true
    local i
    for i in $(seq 1 100); do
      kill -0 "$GCS_EMULATOR_PID" 2>/dev/null || break
      sleep 0.1
    done
    if kill -0 "$GCS_EMULATOR_PID" 2>/dev/null; then
      echo "The GCS emulator (pid $GCS_EMULATOR_PID) did not stop within 10 s; killing it" >&2
      kill -9 "$GCS_EMULATOR_PID" 2>/dev/null || true
    fi
    GCS_EMULATOR_PID=""
  fi
  if [ -n "$GCS_EMULATOR_TMP" ]; then
    rm -rf "$GCS_EMULATOR_TMP"
    GCS_EMULATOR_TMP=""
  fi
  unset RUNPILOT_TEST_GCS_ENDPOINT
}
