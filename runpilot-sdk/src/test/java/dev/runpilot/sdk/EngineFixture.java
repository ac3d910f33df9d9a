package dev.runpilot.sdk;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Helpers shared by the engine tests: clients on temporary homes, shell jobs and process checks. */
final class EngineFixture {
    private EngineFixture() {
    }

    /** A client on a file home (the default users get), with a short grace period. */
    static RunPilotClient client(Path home, int workers) {
        return RunPilot.client().home(home).workers(workers).gracePeriod(Duration.ofSeconds(1)).build();
    }

    static Job.Builder shell(String name, String script) {
        return Job.builder().name(name).entrypoint(script);
    }

    /** Waits until the run reaches the status. */
    static void awaitStatus(Run run, RunStatus status) {
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20))
                .until(() -> run.status() == status);
    }

    /** Waits until a file holds at least {@code count} non-empty lines, and returns them. */
    static List<String> awaitLines(Path file, int count) {
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20))
                .until(() -> readLines(file).size() >= count);
        return readLines(file);
    }

    static List<String> readLines(Path file) {
        try {
            if (!Files.exists(file)) {
                return List.of();
            }
            List<String> lines = new ArrayList<>();
            for (String line : Files.readAllLines(file)) {
                if (!line.isBlank()) {
                    lines.add(line.trim());
                }
            }
            return lines;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static boolean isAlive(long pid) {
        Optional<ProcessHandle> handle = ProcessHandle.of(pid);
        return handle.isPresent() && handle.get().isAlive();
    }

    static List<Long> pids(List<String> lines) {
        return lines.stream().map(Long::parseLong).toList();
    }
}
