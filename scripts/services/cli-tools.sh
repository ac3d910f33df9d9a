# Terminal tools for the runpilot-cli tests. Sourced by scripts/test.sh.
#
# cli-tools_service_install: installs tmux (the pseudo-terminal tests drive `runpilot watch` and progress
# bars in a tmux pane), fish (the fish completion script is loaded in a real fish) and unzip (./runpilot
# unpacks SQLite's native library with it, which LauncherIT checks) when missing.
# cli-tools_service_start: starts nothing (each test starts its own tmux server on a private socket and
# stops it); exports RUNPILOT_TEST_TMUX and RUNPILOT_TEST_FISH, the binaries the tests use.
# cli-tools_service_stop: nothing to stop.

cli-tools_service_install() {
  local missing=()
  command -v tmux >/dev/null || missing+=(tmux)
  command -v fish >/dev/null || missing+=(fish)
  command -v unzip >/dev/null || missing+=(unzip)
  if [ "${#missing[@]}" -gt 0 ]; then
    echo "Installing ${missing[*]} for the CLI terminal tests" >&2
    apt_install "${missing[@]}"
  fi
}

cli-tools_service_start() {
  if command -v tmux >/dev/null; then
    RUNPILOT_TEST_TMUX="$(command -v tmux)"
    export RUNPILOT_TEST_TMUX
  fi
  if command -v fish >/dev/null; then
    RUNPILOT_TEST_FISH="$(command -v fish)"
    export RUNPILOT_TEST_FISH
  fi
}

cli-tools_service_stop() {
  :
}
