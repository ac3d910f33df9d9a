package dev.runpilot.sdk.internal.remote;

import com.fasterxml.jackson.databind.JsonNode;
import dev.runpilot.sdk.Attempt;
import dev.runpilot.sdk.CancelOutcome;
import dev.runpilot.sdk.Job;
import dev.runpilot.sdk.Run;
import dev.runpilot.sdk.RunEvent;
import dev.runpilot.sdk.RunInfo;
import dev.runpilot.sdk.RunLogs;
import dev.runpilot.sdk.RunMetrics;
import dev.runpilot.sdk.RunNotFoundException;
import dev.runpilot.sdk.RunPilotException;
import dev.runpilot.sdk.RunResult;
import dev.runpilot.sdk.internal.api.ApiJson;
import dev.runpilot.sdk.internal.engine.SnapshotRunMetrics;
import dev.runpilot.sdk.internal.store.JobCodec;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A handle on one run of a RunPilot server; every call reads the server afresh. */
final class HttpRun implements Run {
    private static final long POLL_MILLIS = 250;

    private final HttpControlPlane client;
    private final String id;

    HttpRun(HttpControlPlane client, String id) {
        this.client = client;
        this.id = id;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public Job job() {
        return JobCodec.fromJson(get("/job").path("job").toString(), Map.of());
    }

    @Override
    public RunInfo info() {
        return ApiJson.runInfo(get(""));
    }

    @Override
    public List<Attempt> attempts() {
        return ApiJson.list(get("/attempts").path("attempts"), ApiJson::attempt);
    }

    /** Reads the attempt's {@code data} from {@code GET /v1/runs/{id}/attempts}; empty when it has none. */
    @Override
    public Map<String, String> attemptData(int attempt) {
        for (JsonNode node : get("/attempts").path("attempts")) {
            if (node.path("number").asInt() == attempt) {
                return ApiJson.stringMap(node.path("data"));
            }
        }
        return Map.of();
    }

    /** Lists the artifacts through {@code GET /v1/runs/{id}/artifacts}. */
    @Override
    public List<dev.runpilot.sdk.Artifact> artifacts() {
        return ApiJson.list(get("/artifacts").path("artifacts"), node -> new dev.runpilot.sdk.Artifact(
                node.path("runId").asText(), node.path("attempt").asInt(), node.path("path").asText(), node.path("key").asText(),
                node.path("size").asLong(), java.util.Optional.ofNullable(node.path("sha256").textValue()),
                java.time.Instant.parse(node.path("savedAt").asText())));
    }

    /**
     * Downloads an artifact through {@code GET /v1/runs/{id}/artifacts/{attempt}/{path}}, checking
     * its size and SHA-256 before it replaces {@code target}.
     */
    @Override
    public java.nio.file.Path downloadArtifact(dev.runpilot.sdk.Artifact artifact, java.nio.file.Path target) {
        client.ensureOpen();
        return new ArtifactDownload(client.transport()).download(id, artifact, target);
    }

    @Override
    public RunResult await() {
        return awaitUntil(Long.MAX_VALUE).orElseThrow();
    }

    @Override
    public Optional<RunResult> await(Duration timeout) {
        long now = System.nanoTime();
        long deadline;
        try {
            deadline = now + Math.max(0, timeout.toNanos());
        } catch (ArithmeticException tooLong) {
            return Optional.of(await());
        }
        return deadline < now ? Optional.of(await()) : awaitUntil(deadline);
    }

    private Optional<RunResult> awaitUntil(long deadlineNanos) {
        while (true) {
            RunInfo info = info();
            if (info.status().isTerminal()) {
                Duration duration = Duration.between(info.createdAt(), info.finishedAt().orElse(info.createdAt()));
                return Optional.of(new RunResult(id, info.status(), info.exitCode(), info.reason(), info.message(), attempts(),
                        duration, metrics().finalValues()));
            }
            long leftMillis = (deadlineNanos - System.nanoTime()) / 1_000_000;
            if (deadlineNanos != Long.MAX_VALUE && leftMillis <= 0) {
                return Optional.empty();
            }
            try {
                Thread.sleep(Math.min(POLL_MILLIS, Math.max(1, leftMillis)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new RunPilotException("Interrupted while waiting for run " + id, e);
            }
        }
    }

    @Override
    public CancelOutcome cancel() {
        String path = HttpControlPlane.runPath(id) + "/cancel";
        ApiResponse response = client.transport().send("POST", path, null);
        check(response, "POST", path);
        return CancelOutcome.valueOf(ApiJson.text(response.json(), "outcome"));
    }

    @Override
    public RunLogs logs() {
        return new HttpRunLogs(client.transport(), id);
    }

    @Override
    public RunMetrics metrics() {
        return new SnapshotRunMetrics(ApiJson.list(get("/metrics").path("points"), ApiJson::metricPoint));
    }

    @Override
    public List<RunEvent> events() {
        return ApiJson.list(get("/events").path("events"), ApiJson::event);
    }

    /**
     * Delivers the run's events listed by {@code GET /v1/runs/{id}/events}, then follows
     * {@code GET /v1/events} after the last of them, keeping this run's, until a terminal one.
     */
    @Override
    public void followEvents(java.util.function.Consumer<RunEvent> consumer) {
        java.util.Objects.requireNonNull(consumer, "consumer");
        long[] last = {0};
        for (RunEvent event : events()) {
            consumer.accept(event);
            last[0] = event.sequence();
        }
        if (info().status().isTerminal()) {
            // Events written after the list was read and before the status was: deliver them too.
            deliverAfter(last, consumer);
            return;
        }
        new HttpEventStream(client.transport()).follow(java.util.OptionalLong.of(last[0]), event -> {
            if (!event.runId().equals(id) || event.sequence() <= last[0]) {
                return true;
            }
            consumer.accept(event);
            last[0] = event.sequence();
            return !(event.to().isTerminal() && info().status().isTerminal());
        }, () -> {
            // Quiet for a while: make sure the run did not end unseen.
            if (!info().status().isTerminal()) {
                return false;
            }
            deliverAfter(last, consumer);
            return true;
        });
    }

    private void deliverAfter(long[] last, java.util.function.Consumer<RunEvent> consumer) {
        for (RunEvent event : events()) {
            if (event.sequence() > last[0]) {
                consumer.accept(event);
                last[0] = event.sequence();
            }
        }
    }

    private JsonNode get(String suffix) {
        client.ensureOpen();
        String path = HttpControlPlane.runPath(id) + suffix;
        ApiResponse response = client.transport().get(path);
        check(response, "GET", path);
        return response.json();
    }

    private void check(ApiResponse response, String method, String path) {
        if (response.status() == 404 && response.errorCode().equals("not_found")) {
            throw new RunNotFoundException(id, client.transport().base().toString());
        }
        if (!response.isSuccess()) {
            throw client.transport().error(method, path, response);
        }
    }

    @Override
    public String toString() {
        return "Run{" + id + '}';
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof HttpRun that && id.equals(that.id) && client == that.client;
    }

    @Override
    public int hashCode() {
        return id.hashCode();
    }
}
