package dev.runpilot.docker;

import dev.runpilot.sdk.Job;
import dev.runpilot.sdk.LogStream;
import dev.runpilot.sdk.spi.ContainerRuntime;
import dev.runpilot.sdk.spi.Execution;
import dev.runpilot.sdk.spi.ExecutionRequest;
import dev.runpilot.sdk.spi.ExitStatus;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * One attempt started on a runtime the way the agent starts it (an entrypoint wrapped in {@code sh -c}, env plus
 * secrets), with its output recorded.
 */
public final class TestAttempt {
    public static final String AGENT_ID = "test-agent";

    private final String runId;
    private final Path workDir;
    private final RecordingOutput output;
    private final Execution execution;

    private TestAttempt(String runId, Path workDir, RecordingOutput output, Execution execution) {
        this.runId = runId;
        this.workDir = workDir;
        this.output = output;
        this.execution = execution;
    }

    /** Starts the job in a fresh work directory under {@code root}. */
    public static TestAttempt start(ContainerRuntime runtime, Job job, Path root) {
        String runId = "run-" + UUID.randomUUID().toString().substring(0, 8);
        Path workDir = root.resolve(runId).resolve("1");
        try {
            Files.createDirectories(workDir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, String> environment = new HashMap<>(job.env());
        environment.putAll(job.secrets());
        List<String> command = job.entrypoint().map(line -> List.of("sh", "-c", line)).orElse(job.command());
        RecordingOutput output = new RecordingOutput();
        Execution execution = runtime.start(new ExecutionRequest(runId, 1, AGENT_ID, job, command, environment, workDir, output));
        return new TestAttempt(runId, workDir, output, execution);
    }

    public ExitStatus await() {
        return await(Duration.ofMinutes(1));
    }

    public ExitStatus await(Duration max) {
        long deadline = System.nanoTime() + max.toNanos();
        try {
            while (System.nanoTime() < deadline) {
                Optional<ExitStatus> status = execution.waitFor(Duration.ofMillis(100));
                if (status.isPresent()) {
                    return status.get();
                }
            }
            execution.stop(Duration.ZERO);
            throw new AssertionError("attempt " + execution.describe() + " did not end within " + max);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    public String runId() {
        return runId;
    }

    public Path workDir() {
        return workDir;
    }

    public RecordingOutput output() {
        return output;
    }

    public Execution execution() {
        return execution;
    }

    public List<String> stdout() {
        return output.lines(LogStream.STDOUT);
    }

    public List<String> stderr() {
        return output.lines(LogStream.STDERR);
    }

    public List<String> system() {
        return output.lines(LogStream.SYSTEM);
    }
}
