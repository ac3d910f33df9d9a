package dev.runpilot.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@code runpilot} as a child process (the test class path, main class {@link RunPilotCli}) against one
 * home directory, the way a user or a script would: real arguments, environment, exit code and output.
 */
final class Cli {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path home;
    private final Map<String, String> env = new HashMap<>();

    Cli(Path home) {
        this.home = home;
        // No engine is reachable at this address, so "auto" picks the process runtime quickly everywhere.
        env.put("DOCKER_HOST", "unix:///nonexistent/docker.sock");
    }

    Cli env(String key, String value) {
        env.put(key, value);
        return this;
    }

    Path home() {
        return home;
    }

    /** The command line that starts the CLI with these arguments. */
    List<String> command(String... args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-XX:TieredStopAtLevel=1");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(RunPilotCli.class.getName());
        command.add("--home");
        command.add(home.toString());
        command.addAll(List.of(args));
        return command;
    }

    /** Starts the CLI without waiting; its output goes to files in the home's parent directory. */
    Started start(String... args) {
        try {
            Path out = Files.createTempFile(home.getParent(), "stdout", ".txt");
            Path err = Files.createTempFile(home.getParent(), "stderr", ".txt");
            ProcessBuilder builder = new ProcessBuilder(command(args))
                    .redirectOutput(out.toFile()).redirectError(err.toFile()).redirectInput(ProcessBuilder.Redirect.PIPE);
            builder.environment().putAll(env);
            builder.environment().remove("RUNPILOT_HOME");
            builder.environment().remove("RUNPILOT_CONFIG");
            builder.environment().remove("RUNPILOT_ENDPOINT");
            builder.environment().remove("RUNPILOT_TOKEN");
            builder.environment().remove("RUNPILOT_PROFILE");
            builder.environment().remove("NO_COLOR");
            return new Started(builder.start(), out, err);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs the CLI to its end. */
    Result run(String... args) {
        return start(args).await();
    }

    /** A CLI process that was started. */
    record Started(Process process, Path out, Path err) {
        Result await() {
            try {
                process.getOutputStream().close();
                if (!process.waitFor(3, TimeUnit.MINUTES)) {
                    process.destroyForcibly();
                    throw new AssertionError("runpilot did not exit; stderr: " + read(err));
                }
                return new Result(process.exitValue(), read(out), read(err));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private static String read(Path file) {
            try {
                return Files.readString(file, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** How a CLI process ended. */
    record Result(int exitCode, String out, String err) {
        JsonNode json() {
            try {
                return JSON.readTree(out);
            } catch (IOException e) {
                throw new AssertionError("stdout is not JSON: " + out + "\nstderr: " + err, e);
            }
        }

        List<JsonNode> jsonLines() {
            List<JsonNode> lines = new ArrayList<>();
            for (String line : out.split("\n")) {
                if (!line.isBlank()) {
                    try {
                        lines.add(JSON.readTree(line));
                    } catch (IOException e) {
                        throw new AssertionError("not a JSON line: " + line, e);
                    }
                }
            }
            return lines;
        }

        @Override
        public String toString() {
            return "exit code " + exitCode + "\n--- stdout\n" + out + "\n--- stderr\n" + err;
        }
    }
}
