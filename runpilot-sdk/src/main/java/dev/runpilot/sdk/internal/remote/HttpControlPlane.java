package dev.runpilot.sdk.internal.remote;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.runpilot.sdk.CostLimitExceededException;
import dev.runpilot.sdk.Estimate;
import dev.runpilot.sdk.InvalidJobException;
import dev.runpilot.sdk.Job;
import dev.runpilot.sdk.Run;
import dev.runpilot.sdk.RunNotFoundException;
import dev.runpilot.sdk.RunPage;
import dev.runpilot.sdk.RunPilotClient;
import dev.runpilot.sdk.RunQuery;
import dev.runpilot.sdk.RunStatus;
import dev.runpilot.sdk.internal.api.ApiJson;
import dev.runpilot.sdk.internal.archive.JobSourceBundler;
import dev.runpilot.sdk.internal.store.JobCodec;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;

/**
 * The {@link RunPilotClient} of a remote control plane: every call is a request to a RunPilot
 * server's v1 API. Submissions carry an idempotency key, so a retried POST never makes a second run.
 * A job's source tree is bundled here, as the embedded client bundles it, and uploaded to the server
 * after the submission unless the server's storage already holds that bundle.
 */
public final class HttpControlPlane implements RunPilotClient {
    private static final int MALFORMED_RESPONSE_ATTEMPTS = 3;

    private final ApiTransport transport;
    private final JobSourceBundler bundler;
    private final SourceUpload uploads;
    private final Optional<BigDecimal> maxCost;
    private volatile boolean closed;

    HttpControlPlane(ApiTransport transport, JobSourceBundler bundler, Optional<BigDecimal> maxCost) {
        this.transport = transport;
        this.bundler = bundler;
        this.uploads = new SourceUpload(transport, bundler);
        this.maxCost = maxCost;
    }

    ApiTransport transport() {
        return transport;
    }

    @Override
    public Run submit(Job job) {
        Objects.requireNonNull(job, "job");
        ensureOpen();
        if (maxCost.isPresent()) {
            Estimate estimate = estimate(job);
            if (estimate.total().compareTo(maxCost.get()) > 0) {
                throw new CostLimitExceededException(job.name(), estimate, maxCost.get());
            }
        }
        if (job.source().isEmpty()) {
            return submit(job, Optional.empty());
        }
        try (JobSourceBundler.Packed packed = bundler.bundle(job)) {
            return submit(job, Optional.of(packed));
        }
    }

    private Run submit(Job job, Optional<JobSourceBundler.Packed> source) {
        ObjectNode body = ApiJson.object();
        body.set("job", ApiJson.parse(JobCodec.toJson(job), "the job"));
        ObjectNode secrets = body.putObject("secrets");
        new TreeMap<>(job.secrets()).forEach(secrets::put);
        source.ifPresent(packed -> body.set("source", SourceUpload.descriptor(packed.source())));
        // One key per submit call, the same on every retry of it: the server returns the first run for a repeat.
        String key = UUID.randomUUID().toString();
        IllegalArgumentException malformed = null;
        for (int attempt = 1; attempt <= MALFORMED_RESPONSE_ATTEMPTS; attempt++) {
            ApiResponse response = transport.send("POST", "/v1/runs", body, Map.of("Idempotency-Key", key));
            if (response.status() == 400 || response.status() == 413) {
                throw new InvalidJobException("Cannot submit job '" + job.name() + "': " + response.errorMessage());
            }
            if (!response.isSuccess()) {
                throw transport.error("POST", "/v1/runs", response);
            }
            String runId;
            try {
                runId = ApiJson.text(response.json(), "id");
            } catch (IllegalArgumentException e) {
                // A garbled answer says nothing of whether the run exists; the same key makes asking again safe.
                malformed = e;
                continue;
            }
            // Also after a repeated key: the first call may have ended before its upload.
            source.ifPresent(packed -> uploads.upload(runId, packed));
            return new HttpRun(this, runId);
        }
        throw new dev.runpilot.sdk.ControlPlaneException("The RunPilot server " + transport.base() + " answered the submission of job '"
                + job.name() + "' with a malformed body " + MALFORMED_RESPONSE_ATTEMPTS + " times: " + malformed.getMessage(), malformed);
    }

    /** Asks the server ({@code POST /v1/estimate}) what its compute provider would charge for one run of the job. */
    @Override
    public Estimate estimate(Job job) {
        Objects.requireNonNull(job, "job");
        ensureOpen();
        ObjectNode body = ApiJson.object();
        body.set("job", ApiJson.parse(JobCodec.toJson(job), "the job"));
        ApiResponse response = transport.send("POST", "/v1/estimate", body);
        if (response.status() == 400) {
            throw new IllegalArgumentException("Cannot estimate job '" + job.name() + "': " + response.errorMessage());
        }
        if (!response.isSuccess()) {
            throw transport.error("POST", "/v1/estimate", response);
        }
        return ApiJson.estimate(response.json());
    }

    @Override
    public Run run(String runId) {
        return findRun(runId).orElseThrow(() -> new RunNotFoundException(runId, transport.base().toString()));
    }

    @Override
    public Optional<Run> findRun(String runId) {
        Objects.requireNonNull(runId, "runId");
        ensureOpen();
        ApiResponse response = transport.get(runPath(runId));
        if (response.status() == 404) {
            return Optional.empty();
        }
        if (!response.isSuccess()) {
            throw transport.error("GET", runPath(runId), response);
        }
        return Optional.of(new HttpRun(this, runId));
    }

    @Override
    public RunPage list(RunQuery query) {
        Objects.requireNonNull(query, "query");
        ensureOpen();
        StringBuilder path = new StringBuilder("/v1/runs?limit=").append(query.limit());
        query.statuses().stream().map(RunStatus::name).sorted().forEach(s -> path.append("&status=").append(s));
        query.name().ifPresent(n -> path.append("&name=").append(ApiTransport.encode(n)));
        new TreeMap<>(query.labels()).forEach((k, v) -> path.append("&label=").append(ApiTransport.encode(k + "=" + v)));
        query.createdAfter().ifPresent(t -> path.append("&createdAfter=").append(t));
        query.createdBefore().ifPresent(t -> path.append("&createdBefore=").append(t));
        query.pageToken().ifPresent(t -> path.append("&pageToken=").append(ApiTransport.encode(t)));
        ApiResponse response = transport.get(path.toString());
        if (!response.isSuccess()) {
            throw transport.error("GET", "/v1/runs", response);
        }
        return ApiJson.page(response.json());
    }

    /** Follows {@code GET /v1/events} after a sequence number. */
    @Override
    public void followEvents(long afterSequence, java.util.function.Consumer<dev.runpilot.sdk.RunEvent> consumer) {
        Objects.requireNonNull(consumer, "consumer");
        ensureOpen();
        new HttpEventStream(transport).follow(java.util.OptionalLong.of(Math.max(0, afterSequence)), event -> {
            consumer.accept(event);
            return true;
        }, () -> false);
    }

    /** Follows {@code GET /v1/events} from now on. */
    @Override
    public void followEvents(java.util.function.Consumer<dev.runpilot.sdk.RunEvent> consumer) {
        Objects.requireNonNull(consumer, "consumer");
        ensureOpen();
        new HttpEventStream(transport).follow(java.util.OptionalLong.empty(), event -> {
            consumer.accept(event);
            return true;
        }, () -> false);
    }

    /** Lists the server's agents through {@code GET /v1/agents}. */
    @Override
    public List<dev.runpilot.sdk.agent.AgentInfo> agents() {
        ensureOpen();
        ApiResponse response = transport.get("/v1/agents");
        if (!response.isSuccess()) {
            throw transport.error("GET", "/v1/agents", response);
        }
        return ApiJson.list(response.json().path("agents"), HttpControlPlane::agent);
    }

    private static dev.runpilot.sdk.agent.AgentInfo agent(com.fasterxml.jackson.databind.JsonNode node) {
        com.fasterxml.jackson.databind.JsonNode resources = node.path("resources");
        List<dev.runpilot.sdk.agent.AgentInfo.Gpu> gpus = ApiJson.list(resources.path("gpus"),
                g -> new dev.runpilot.sdk.agent.AgentInfo.Gpu(g.path("name").asText(""), g.path("memoryMiB").asLong(0)));
        List<String> runIds = ApiJson.list(node.path("runIds"), com.fasterxml.jackson.databind.JsonNode::asText);
        java.time.Instant registered = java.time.Instant.parse(ApiJson.text(node, "registeredAt"));
        return new dev.runpilot.sdk.agent.AgentInfo(ApiJson.text(node, "id"), node.path("host").asText(""),
                ApiJson.stringMap(node.path("labels")), node.path("slots").asInt(0), resources.path("cpus").asDouble(0),
                resources.path("memoryBytes").asLong(0), gpus, registered,
                node.hasNonNull("lastSeenAt") ? java.time.Instant.parse(node.path("lastSeenAt").asText()) : registered,
                node.path("online").asBoolean(false), runIds);
    }

    static String runPath(String runId) {
        return "/v1/runs/" + ApiTransport.encode(runId);
    }

    void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("This RunPilot client is closed; build a new one with RunPilot.client()");
        }
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            transport.close();
        }
    }

    @Override
    public String toString() {
        return "RunPilotClient{endpoint=" + transport.base() + '}';
    }
}
