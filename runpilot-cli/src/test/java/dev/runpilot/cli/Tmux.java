package dev.runpilot.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A private tmux server (its own socket, no user config) with one pane running a command in a real
 * pseudo-terminal, whose screen the test reads with {@code capture-pane}. Closing kills this server only.
 */
final class Tmux implements AutoCloseable {
    private final String tmux;
    private final String socket = "runpilot-test-" + UUID.randomUUID();
    private Path script;

    Tmux(String tmux) {
        this.tmux = tmux;
    }

    /** Starts the command in a 160x50 pane; when it exits the pane shows "[exit N]" and stays. */
    void start(List<String> command) {
        String line = command.stream().map(Tmux::quote).collect(Collectors.joining(" "))
                + "; echo \"[exit $?]\"; exec sleep 3600";
        // The line goes through a script file: tmux refuses commands longer than its message size
        // (about 16 KiB), and the test class path with the cloud SDKs is longer than that.
        try {
            script = Files.createTempFile("runpilot-tmux-", ".sh");
            Files.writeString(script, line + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        tmux("new-session", "-d", "-x", "160", "-y", "50", "-s", "main", "sh " + quote(script.toString()));
    }

    /** Returns the text on the pane's screen now. */
    String screen() {
        return tmux("capture-pane", "-p", "-t", "main");
    }

    @Override
    public void close() {
        tmux("kill-server");
        if (script != null) {
            try {
                Files.deleteIfExists(script);
            } catch (IOException ignored) {
                // A leftover script in the temp directory is harmless.
            }
        }
    }

    private String tmux(String... args) {
        List<String> command = new ArrayList<>(List.of(tmux, "-L", socket, "-f", "/dev/null"));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().remove("TMUX");
        builder.environment().put("TERM", "xterm-256color");
        builder.environment().put("DOCKER_HOST", "unix:///nonexistent/docker.sock");
        builder.environment().remove("NO_COLOR");
        try {
            Process process = builder.start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
            return output;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    static String quote(String word) {
        return "'" + word.replace("'", "'\\''") + "'";
    }
}
