package dev.runpilot.sdk.internal.engine;

import dev.runpilot.sdk.Artifact;
import dev.runpilot.sdk.Attempt;
import dev.runpilot.sdk.CancelOutcome;
import dev.runpilot.sdk.Job;
import dev.runpilot.sdk.MetricPoint;
import dev.runpilot.sdk.Run;
import dev.runpilot.sdk.RunEvent;
import dev.runpilot.sdk.RunInfo;
import dev.runpilot.sdk.RunLogs;
import dev.runpilot.sdk.RunMetrics;
import dev.runpilot.sdk.RunNotFoundException;
import dev.runpilot.sdk.RunPilotException;
import dev.runpilot.sdk.RunResult;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** A handle on one run of an {@link EmbeddedClient}; reads the store afresh on every call. */
final class EmbeddedRun implements Run {
    /** Bounds each wait so that changes made by other processes are noticed too. */
    static final long POLL_MILLIS = 200;

    private final EmbeddedClient client;
    private final String id;

    EmbeddedRun(EmbeddedClient client, String id) {
        this.client = client;
        this.id = id;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public Job job() {
        return client.runs().job(id).orElseThrow(this::notFound);
    }

    @Override
    public RunInfo info() {
        return client.runs().info(id).orElseThrow(this::notFound);
    }

    @Override
    public List<Attempt> attempts() {
        return client.runs().attempts(id);
    }

    @Override
    public java.util.Map<String, String> attemptData(int attempt) {
        return client.attempts().data(id, attempt);
    }

    @Override
    public RunResult await() {
        return awaitUntil(Long.MAX_VALUE).orElseThrow();
    }

    @Override
    public Optional<RunResult> await(Duration timeout) {
        long now = System.nanoTime();
        long nanos;
        try {
            nanos = Math.max(0, timeout.toNanos());
        } catch (ArithmeticException tooLong) {
            return Optional.of(await());
        }
        long deadline = now + nanos;
        // A deadline past the range of nanoTime means "wait as long as it takes".
        return deadline < now ? Optional.of(await()) : awaitUntil(deadline);
    }

    private Optional<RunResult> awaitUntil(long deadlineNanos) {
        ChangeSignal signal = client.signal();
        while (true) {
            long seen = signal.version();
            RunInfo info = info();
            if (info.status().isTerminal()) {
                return Optional.of(result(info));
            }
            long leftMillis = (deadlineNanos - System.nanoTime()) / 1_000_000;
            if (deadlineNanos != Long.MAX_VALUE && leftMillis <= 0) {
                return Optional.empty();
            }
            try {
                signal.awaitChange(seen, Math.min(POLL_MILLIS, Math.max(1, leftMillis)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new RunPilotException("Interrupted while waiting for run " + id, e);
            }
        }
    }

    private RunResult result(RunInfo info) {
        Duration duration = Duration.between(info.createdAt(), info.finishedAt().orElse(info.createdAt()));
        return new RunResult(id, info.status(), info.exitCode(), info.reason(), info.message(), attempts(), duration,
                metrics().finalValues());
    }

    @Override
    public CancelOutcome cancel() {
        CancelOutcome outcome = client.runs().cancel(id).orElseThrow(this::notFound);
        if (outcome != CancelOutcome.ALREADY_FINISHED) {
            client.cancelled(id);
        }
        return outcome;
    }

    @Override
    public RunLogs logs() {
        return new StoreRunLogs(client, id);
    }

    @Override
    public RunMetrics metrics() {
        List<MetricPoint> points = client.outputs().metrics(id);
        return new SnapshotRunMetrics(points);
    }

    @Override
    public List<RunEvent> events() {
        return client.runs().events(id);
    }

    @Override
    public void followEvents(java.util.function.Consumer<RunEvent> consumer) {
        java.util.Objects.requireNonNull(consumer, "consumer");
        new StoreEventFollower(client.runs(), client.signal(), client.location()).followRun(id, consumer);
    }

    @Override
    public List<Artifact> artifacts() {
        return client.artifacts().list(id);
    }

    @Override
    public Path downloadArtifact(Artifact artifact, Path target) {
        return client.artifacts().download(id, artifact, target);
    }

    private RunNotFoundException notFound() {
        return new RunNotFoundException(id, client.location());
    }

    @Override
    public String toString() {
        return "Run{" + id + '}';
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof EmbeddedRun that && id.equals(that.id) && client == that.client;
    }

    @Override
    public int hashCode() {
        return id.hashCode();
    }
}
