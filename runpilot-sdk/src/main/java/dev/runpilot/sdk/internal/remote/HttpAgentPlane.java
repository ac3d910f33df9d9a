package dev.runpilot.sdk.internal.remote;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.runpilot.sdk.LogLine;
import dev.runpilot.sdk.MetricPoint;
import dev.runpilot.sdk.RunStatus;
import dev.runpilot.sdk.internal.agent.AgentPlane;
import dev.runpilot.sdk.internal.api.ApiJson;
import dev.runpilot.sdk.internal.artifact.ArtifactCollector;
import dev.runpilot.sdk.internal.store.AttemptEnd;
import dev.runpilot.sdk.internal.store.Claim;
import dev.runpilot.sdk.internal.store.JobCodec;
import dev.runpilot.sdk.internal.store.LeaseState;
import dev.runpilot.sdk.internal.store.SourceRef;
import java.io.InputStream;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent calls over the v1 HTTP API. Log lines and metric points wait in order in a per-run
 * queue until the server takes them, so a short outage delays them without losing or reordering
 * them; the queue is drained before the attempt's status is reported.
 */
public final class HttpAgentPlane implements AgentPlane, AutoCloseable {
    private volatile String shutdownAfterRun;
    private static final Logger log = LoggerFactory.getLogger(HttpAgentPlane.class);
    /** Lines kept per run while the server is unreachable; older ones are dropped past this. */
    private static final int MAX_PENDING_LINES = 100_000;

    private final ApiTransport transport;
    private final Map<String, Long> logSequences = new ConcurrentHashMap<>();
    private final Map<String, Pending> pending = new ConcurrentHashMap<>();
    private volatile String agentId;
    private volatile Map<String, String> attemptData = Map.of();

    private HttpAgentPlane(ApiTransport transport) {
        this.transport = transport;
    }

    /**
     * How agent calls are retried: long enough (about 40 s) to ride out a server restart, so that a
     * finished run is still reported and a held one still renewed.
     */
    static final dev.runpilot.sdk.RetryPolicy AGENT_RETRY = dev.runpilot.sdk.RetryPolicy.builder().maxAttempts(12)
            .initialBackoff(Duration.ofMillis(200)).multiplier(2).maxBackoff(Duration.ofSeconds(5)).jitter(0.5).build();

    /**
     * Opens a plane on a server with an agent token. It trusts the TLS context given, else the
     * certificates of the PEM file given (read as a client's {@code trustCertificates} reads it), else
     * the JDK's default trust store. A failed TLS handshake is not retried; its error names the
     * endpoint and how to trust a private CA.
     *
     * @throws dev.runpilot.sdk.RunPilotException if the PEM file cannot be read or holds no certificate (naming it)
     */
    public static HttpAgentPlane open(URI endpoint, String token, Duration timeout, Optional<javax.net.ssl.SSLContext> sslContext,
                                      Optional<java.nio.file.Path> caCertificates) {
        Duration connect = timeout.compareTo(Duration.ofSeconds(10)) < 0 ? timeout : Duration.ofSeconds(10);
        return new HttpAgentPlane(new ApiTransport(endpoint, Credentials.fixed(Optional.of(token)), AGENT_RETRY, connect, timeout,
                PemTrust.choose(sslContext, caCertificates), ApiTransport.BreakerSettings.DEFAULT, PemTrust.AGENT_ADVICE));
    }

    /** The outcome of registration: the agent's id and the server's lease. */
    public record Registration(String agentId, Duration lease) {
    }

    /** Registers the agent and returns the id the server gave it. */
    public Registration register(String host, Map<String, String> labels, JsonNode resources, int slots) {
        ObjectNode body = ApiJson.object().put("host", host).put("slots", slots);
        ObjectNode labelNode = body.putObject("labels");
        labels.forEach(labelNode::put);
        body.set("resources", resources);
        JsonNode result = call("POST", "/v1/agents/register", body).json();
        agentId = ApiJson.text(result, "agentId");
        return new Registration(agentId, Duration.ofMillis(result.path("leaseMillis").asLong(30_000)));
    }

    @Override
    public Optional<Claim> claim(String agentId, String host, Duration lease) {
        ApiResponse response = call("POST", "/v1/runs/acquire", ApiJson.object().put("agentId", agentId));
        return response.status() == 204 ? Optional.empty() : Optional.of(claimFrom(response.json()));
    }

    /**
     * Claims up to {@code max} runs in one request ({@code "max"} in the body). A server from before
     * batch claims ignores {@code max} and answers with one run or 204; both are understood.
     */
    @Override
    public List<Claim> claimUpTo(String agentId, String host, Duration lease, int max) {
        if (max == 1) {
            return claim(agentId, host, lease).map(List::of).orElse(List.of());
        }
        ApiResponse response = call("POST", "/v1/runs/acquire", ApiJson.object().put("agentId", agentId).put("max", max));
        if (response.status() == 204) {
            return List.of();
        }
        JsonNode body = response.json();
        if (!body.has("runs")) {
            return List.of(claimFrom(body));
        }
        List<Claim> claims = new ArrayList<>();
        for (JsonNode run : body.path("runs")) {
            claims.add(claimFrom(run));
        }
        return claims;
    }

    private Claim claimFrom(JsonNode body) {
        String runId = ApiJson.text(body, "runId");
        logSequences.put(runId, body.path("logSequence").asLong());
        Optional<SourceRef> source = body.path("source").isObject()
                ? Optional.of(SourceRef.fromJson(body.path("source").toString())) : Optional.empty();
        return new Claim(runId, body.path("attempt").asInt(),
                JobCodec.fromJson(body.path("job").toString(), ApiJson.stringMap(body.path("secrets"))), source);
    }

    @Override
    public boolean markRunning(String runId, int attempt, String agentId, String description, OptionalLong pid,
                               OptionalLong pidStartedAt) {
        ObjectNode body = ApiJson.object().put("agentId", agentId).put("attempt", attempt).put("status", "RUNNING")
                .put("description", description);
        pid.ifPresent(p -> body.put("pid", p));
        pidStartedAt.ifPresent(p -> body.put("pidStartedAt", p));
        if (!attemptData.isEmpty()) {
            ObjectNode data = body.putObject("data");
            attemptData.forEach(data::put);
        }
        ApiResponse response = transport.send("PATCH", HttpControlPlane.runPath(runId), body);
        if (response.status() == 409) {
            return false;
        }
        check(response, "PATCH", HttpControlPlane.runPath(runId));
        return response.json().path("running").asBoolean();
    }

    @Override
    public boolean isCancelRequested(String runId) {
        return states(Map.of(runId, 0), false).get(runId) == LeaseState.CANCEL_REQUESTED;
    }

    @Override
    public Map<String, LeaseState> heartbeat(String agentId, Map<String, Integer> attempts, Duration lease) {
        return states(attempts, true);
    }

    @Override
    public Set<String> cancelRequested(Collection<String> runIds) {
        Map<String, Integer> held = new LinkedHashMap<>();
        runIds.forEach(id -> held.put(id, 0));
        Set<String> result = new HashSet<>();
        states(held, false).forEach((id, state) -> {
            if (state == LeaseState.CANCEL_REQUESTED) {
                result.add(id);
            }
        });
        return result;
    }

    private Map<String, LeaseState> states(Map<String, Integer> held, boolean renew) {
        ObjectNode body = ApiJson.object().put("renew", renew);
        ObjectNode runs = body.putObject("runs");
        held.forEach(runs::put);
        JsonNode result = call("POST", "/v1/agents/" + ApiTransport.encode(agentId) + "/heartbeat", body).json();
        Map<String, LeaseState> states = new LinkedHashMap<>();
        result.path("runs").fields().forEachRemaining(e -> states.put(e.getKey(), LeaseState.valueOf(e.getValue().asText())));
        return states;
    }

    @Override
    public Optional<RunStatus> finish(String runId, int attempt, String agentId, AttemptEnd end) {
        // Logs before status: a reader who sees the end sees the whole log.
        if (!ship(runId)) {
            log.warn("Reporting run {} attempt {} with {} log line(s) the server has not taken", runId, attempt,
                    pending.get(runId).lines.size());
        }
        pending.remove(runId);
        logSequences.remove(runId);
        ObjectNode body = ApiJson.object().put("agentId", agentId).put("attempt", attempt);
        body.set("end", ApiJson.attemptEnd(end));
        ApiResponse response = transport.send("PATCH", HttpControlPlane.runPath(runId), body);
        if (response.status() == 409) {
            return Optional.empty();
        }
        check(response, "PATCH", HttpControlPlane.runPath(runId));
        return Optional.of(RunStatus.valueOf(ApiJson.text(response.json(), "status")));
    }

    @Override
    public long lastLogSequence(String runId) {
        return logSequences.getOrDefault(runId, 0L);
    }

    @Override
    public void append(String runId, List<LogLine> lines, List<MetricPoint> points) {
        Pending queue = pending.computeIfAbsent(runId, id -> new Pending());
        synchronized (queue) {
            queue.lines.addAll(lines);
            queue.points.addAll(points);
            int excess = queue.lines.size() - MAX_PENDING_LINES;
            if (excess > 0) {
                queue.lines.subList(0, excess).clear();
                log.warn("Dropped {} log line(s) of run {}: the server has been unreachable too long", excess, runId);
            }
        }
        ship(runId);
    }

    /** Sends what waits for a run, in order; returns false (keeping it) if the server did not take it. */
    private boolean ship(String runId) {
        Pending queue = pending.get(runId);
        if (queue == null) {
            return true;
        }
        synchronized (queue) {
            try {
                if (!queue.lines.isEmpty()) {
                    ObjectNode body = ApiJson.object().put("agentId", agentId);
                    ArrayNode array = body.putArray("lines");
                    queue.lines.forEach(l -> array.add(ApiJson.logLine(l)));
                    check(transport.send("PUT", HttpControlPlane.runPath(runId) + "/logs", body), "PUT", "/logs");
                    queue.lines.clear();
                }
                if (!queue.points.isEmpty()) {
                    ObjectNode body = ApiJson.object().put("agentId", agentId);
                    ArrayNode array = body.putArray("points");
                    queue.points.forEach(p -> array.add(ApiJson.metricPoint(p)));
                    check(transport.send("PUT", HttpControlPlane.runPath(runId) + "/metrics", body), "PUT", "/metrics");
                    queue.points.clear();
                }
                return true;
            } catch (RuntimeException e) {
                log.warn("Could not ship the output of run {} yet ({} line(s) waiting): {}", runId, queue.lines.size(), e.getMessage());
                return false;
            }
        }
    }

    @Override
    public Optional<InputStream> openSource(String runId, SourceRef source) {
        String path = HttpControlPlane.runPath(runId) + "/artifacts/code/download-url?agentId=" + ApiTransport.encode(agentId);
        ApiResponse response = transport.get(path);
        if (response.status() == 404) {
            return Optional.empty();
        }
        check(response, "GET", path);
        String url = ApiJson.text(response.json(), "url");
        String download = url.startsWith("/") ? url + "?agentId=" + ApiTransport.encode(agentId) : url;
        return transport.download(download);
    }

    @Override
    public String sourceLocation() {
        return transport.base().toString();
    }

    @Override
    public void archiveLog(String runId, int attempt) {
        // The server archives the log when the status is reported: it holds every line already.
        if (runId.equals(shutdownAfterRun)) {
            // The agent of an instance launched for this run: reported, so the instance may go.
            try {
                call("POST", HttpControlPlane.runPath(runId) + "/instance/shutdown", ApiJson.object());
            } catch (RuntimeException e) {
                log.warn("Could not ask the server to shut down this instance after run {}: {}", runId, e.getMessage());
            }
        }
    }

    /**
     * Sends this data with every attempt the agent starts ({@code "data"} of {@code PATCH /v1/runs/{id}}
     * with status RUNNING); the server records it on the attempt, as {@code Run.attemptData(int)} shows.
     */
    public void attemptData(Map<String, String> data) {
        this.attemptData = Map.copyOf(data);
    }

    /**
     * Makes this plane ask the server to shut its instance down ({@code POST /v1/runs/{id}/instance/shutdown})
     * once the attempt of this run has been reported.
     */
    public void shutdownInstanceAfter(String runId) {
        this.shutdownAfterRun = runId;
    }

    /**
     * Uploads the matching files, one {@code PUT /v1/runs/{id}/artifacts/upload} each, streamed from
     * disk; the server stores them where {@code Run.artifacts()} finds them.
     */
    @Override
    public int storeArtifacts(String runId, int attempt, java.nio.file.Path workDir, List<String> globs,
                              java.util.function.Consumer<String> notes) {
        String base = HttpControlPlane.runPath(runId) + "/artifacts/upload?agentId=" + ApiTransport.encode(agentId)
                + "&attempt=" + attempt + "&key=";
        return new ArtifactCollector(new ArtifactCollector.Sink() {
            @Override
            public long save(String key, String path, java.nio.file.Path file, String contentType) {
                String target = base + ApiTransport.encode(path);
                ApiResponse response = transport.sendFile("PUT", target, file, contentType);
                check(response, "PUT", target);
                return response.json().path("size").asLong();
            }

            @Override
            public String location() {
                return transport.base().toString();
            }
        }).collect(runId, attempt, workDir, globs, notes);
    }

    private ApiResponse call(String method, String path, JsonNode body) {
        ApiResponse response = transport.send(method, path, body);
        check(response, method, path);
        return response;
    }

    private void check(ApiResponse response, String method, String path) {
        if (!response.isSuccess()) {
            throw transport.error(method, path, response);
        }
    }

    @Override
    public void close() {
        transport.close();
    }

    private static final class Pending {
        final List<LogLine> lines = new ArrayList<>();
        final List<MetricPoint> points = new ArrayList<>();
    }
}
