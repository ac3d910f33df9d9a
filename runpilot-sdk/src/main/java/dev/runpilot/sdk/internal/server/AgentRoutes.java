package dev.runpilot.sdk.internal.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.runpilot.sdk.Attempt;
import dev.runpilot.sdk.LogLine;
import dev.runpilot.sdk.MetricPoint;
import dev.runpilot.sdk.RunStatus;
import dev.runpilot.sdk.agent.AgentInfo;
import dev.runpilot.sdk.internal.api.ApiJson;
import dev.runpilot.sdk.internal.artifact.ArtifactLayout;
import dev.runpilot.sdk.internal.store.Claim;
import dev.runpilot.sdk.internal.store.JobCodec;
import dev.runpilot.sdk.internal.store.LeaseState;
import dev.runpilot.sdk.internal.store.SourceRef;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The handlers agents call: register, heartbeat, claim, and report on the runs they hold. */
final class AgentRoutes {
    private static final Logger log = LoggerFactory.getLogger(AgentRoutes.class);
    /** The largest artifact accepted in one upload. */
    static final long MAX_ARTIFACT_BYTES = 1L << 30;

    private final ServerEngine engine;

    AgentRoutes(ServerEngine engine) {
        this.engine = engine;
    }

    void agents(ApiExchange ex, List<String> rest) throws IOException {
        if (rest.isEmpty()) {
            if (!ex.method.equals("GET")) {
                throw new ApiError(405, "method_not_allowed", ex.method + " is not allowed on /v1/agents; use GET");
            }
            list(ex);
        } else if (rest.size() == 1 && rest.get(0).equals("register") && ex.method.equals("POST")) {
            register(ex);
        } else if (rest.size() == 2 && rest.get(1).equals("heartbeat") && ex.method.equals("POST")) {
            heartbeat(ex, rest.get(0));
        } else {
            throw ApiError.notFound("no such API path: " + ex.http.getRequestURI().getPath() + " (see docs/api.md)");
        }
    }

    private void list(ApiExchange ex) throws IOException {
        long within = ex.longParam("seenWithinSeconds", 0);
        long after = within > 0 ? System.currentTimeMillis() - within * 1000 : 0;
        // Run ids do not leak across projects: a user sees its project's runs, an agent token its own agents' runs.
        List<AgentInfo> agents = engine.agents().describe(after, engine.lease(), (agent, runId) ->
                ex.principal.kind() == Principal.Kind.USER
                        ? engine.serverRuns().project(runId).equals(ex.principal.project())
                        : agent.tokenId().equals(ex.principal.tokenId()));
        ObjectNode body = ApiJson.object();
        ArrayNode array = body.putArray("agents");
        for (AgentInfo agent : agents) {
            ObjectNode node = array.addObject().put("id", agent.id()).put("host", agent.host()).put("slots", agent.slots());
            ObjectNode labels = node.putObject("labels");
            agent.labels().forEach(labels::put);
            ObjectNode resources = node.putObject("resources");
            if (agent.cpus() == Math.rint(agent.cpus())) {
                resources.put("cpus", (long) agent.cpus());
            } else {
                resources.put("cpus", agent.cpus());
            }
            resources.put("memoryBytes", agent.memoryBytes());
            ArrayNode gpus = resources.putArray("gpus");
            agent.gpus().forEach(gpu -> gpus.addObject().put("name", gpu.name()).put("memoryMiB", gpu.memoryMiB()));
            node.put("registeredAt", agent.registeredAt().toString())
                    .put("lastSeenAt", agent.lastSeenAt().toString())
                    .put("online", agent.online());
            ArrayNode runs = node.putArray("runIds");
            agent.runIds().forEach(runs::add);
        }
        ex.send(200, body);
    }

    private void register(ApiExchange ex) throws IOException {
        Principal agent = requireAgent(ex);
        JsonNode body = ex.json();
        String host = body.path("host").asText("unknown");
        int slots = body.path("slots").asInt(1);
        if (slots < 1 || slots > 1024) {
            throw ApiError.badRequest("slots must be between 1 and 1024, was " + slots);
        }
        Map<String, String> labels = new LinkedHashMap<>(ApiJson.stringMap(body.path("labels")));
        if (agent.runId().isPresent()) {
            // A run-bound token: whatever the agent asks for, it is routed to that run alone.
            String bound = agent.runId().get();
            String asked = labels.get(AgentRegistry.RUN_ID_LABEL);
            if (asked != null && !asked.equals(bound)) {
                throw ApiError.forbidden("this agent token is bound to run " + bound + "; it cannot register an agent for run " + asked);
            }
            labels.put(AgentRegistry.RUN_ID_LABEL, bound);
        }
        JsonNode resources = body.path("resources").isObject() ? body.path("resources") : ApiJson.object();
        String id = engine.agents().register(agent.tokenId(), host, labels, resources, slots);
        log.info("Agent {} registered from {} with labels {}", id, host, labels);
        ex.send(201, ApiJson.object().put("agentId", id).put("leaseMillis", engine.lease().toMillis()));
    }

    private void heartbeat(ApiExchange ex, String agentId) throws IOException {
        ownAgent(ex, agentId);
        JsonNode body = ex.json();
        Map<String, Integer> held = new LinkedHashMap<>();
        body.path("runs").fields().forEachRemaining(e -> held.put(e.getKey(), e.getValue().asInt()));
        boolean renew = body.path("renew").asBoolean(true);
        Map<String, LeaseState> states = new LinkedHashMap<>();
        if (renew) {
            engine.agents().seen(agentId);
            states.putAll(engine.plane().heartbeat(agentId, held, engine.lease()));
        } else {
            java.util.Set<String> cancelled = engine.plane().cancelRequested(held.keySet());
            held.keySet().forEach(id -> states.put(id, cancelled.contains(id) ? LeaseState.CANCEL_REQUESTED : LeaseState.HELD));
        }
        ObjectNode result = ApiJson.object();
        ObjectNode runs = result.putObject("runs");
        states.forEach((id, state) -> runs.put(id, state.name()));
        ex.send(200, result);
    }

    /**
     * Claims for an agent. Without {@code max} in the body, one run: 200 with the run, or 204. With
     * {@code max} (1 to the agent's slots), up to that many in one transaction: 200 with
     * {@code {"runs": [...]}}, empty when none is ready.
     */
    void acquire(ApiExchange ex) throws IOException {
        JsonNode body = ex.json();
        String agentId = ApiJson.text(body, "agentId");
        AgentRegistry.AgentRecord agent = ownAgent(ex, agentId);
        engine.agents().seen(agentId);
        boolean batch = body.has("max");
        int max = 1;
        if (batch) {
            max = body.path("max").asInt(0);
            if (!body.path("max").isIntegralNumber() || max < 1 || max > agent.slots()) {
                throw ApiError.badRequest("max must be a whole number from 1 to the agent's " + agent.slots()
                        + " slot(s) (as registered), was " + body.path("max"));
            }
        }
        List<Claim> claims = engine.plane().withFilter(AgentRegistry.routing(agent.labels()))
                .claimUpTo(agentId, agent.host(), engine.lease(), max);
        if (!claims.isEmpty()) {
            engine.signal().changed();
        }
        if (batch) {
            ObjectNode result = ApiJson.object();
            ArrayNode runs = result.putArray("runs");
            for (Claim c : claims) {
                runs.add(claimJson(c));
            }
            ex.send(200, result);
        } else if (claims.isEmpty()) {
            ex.sendEmpty(204);
        } else {
            ex.send(200, claimJson(claims.get(0)));
        }
    }

    private ObjectNode claimJson(Claim c) {
        ObjectNode result = ApiJson.object().put("runId", c.runId()).put("attempt", c.attempt())
                .put("leaseMillis", engine.lease().toMillis()).put("logSequence", engine.outputs().lastLogSequence(c.runId()));
        result.set("job", ApiJson.parse(JobCodec.toJson(c.job()), "the stored job"));
        ObjectNode secrets = result.putObject("secrets");
        c.job().secrets().forEach(secrets::put);
        c.source().ifPresent(s -> result.set("source", ApiJson.parse(s.toJson(), "the stored source reference")));
        return result;
    }

    void patch(ApiExchange ex, String runId) throws IOException {
        JsonNode body = ex.json();
        String agentId = ApiJson.text(body, "agentId");
        ownAgent(ex, agentId);
        int attempt = body.path("attempt").asInt();
        String status = body.path("status").asText("");
        if (status.equals("RUNNING")) {
            boolean running = engine.plane().markRunning(runId, attempt, agentId, body.path("description").asText("started"),
                    optionalLong(body.path("pid")), optionalLong(body.path("pidStartedAt")));
            if (running && body.path("data").isObject()) {
                // Only the agent that holds the attempt gets this far: markRunning checked its claim.
                engine.plane().recordData(runId, attempt, ApiJson.stringMap(body.path("data")));
            }
            engine.signal().changed();
            boolean cancel = !running && engine.plane().isCancelRequested(runId);
            ex.send(200, ApiJson.object().put("running", running).put("cancelRequested", cancel));
            return;
        }
        if (!body.path("end").isObject()) {
            throw ApiError.badRequest("PATCH /v1/runs/{id} takes {\"status\": \"RUNNING\", ...} or {\"end\": {...}}");
        }
        Optional<RunStatus> next = engine.plane().finish(runId, attempt, agentId, ApiJson.attemptEnd(body.path("end")));
        if (next.isEmpty()) {
            throw ApiError.leaseLost(runId, agentId);
        }
        engine.signal().changed();
        // The lines are all in the store (the agent sent them before its status): archive them off the request thread.
        engine.background().execute(() -> engine.plane().archiveLog(runId, attempt));
        ex.send(200, ApiJson.object().put("status", next.get().name()));
    }

    void putLogs(ApiExchange ex, String runId) throws IOException {
        JsonNode body = ex.json();
        holder(ex, body, runId);
        List<LogLine> lines = ApiJson.list(body.path("lines"), ApiJson::logLine);
        engine.outputs().append(runId, lines, List.of());
        engine.signal().changed();
        ex.sendEmpty(204);
    }

    void putMetrics(ApiExchange ex, String runId) throws IOException {
        JsonNode body = ex.json();
        holder(ex, body, runId);
        List<MetricPoint> points = ApiJson.list(body.path("points"), ApiJson::metricPoint);
        engine.outputs().append(runId, List.of(), points);
        ex.sendEmpty(204);
    }

    void codeDownloadUrl(ApiExchange ex, String runId) throws IOException {
        holder(ex, ex.param("agentId").orElseThrow(() -> ApiError.badRequest("the agentId query parameter is required")), runId);
        source(runId);
        ex.send(200, ApiJson.object().put("url", "/v1/runs/" + runId + "/artifacts/code").put("method", "GET"));
    }

    void code(ApiExchange ex, String runId) throws IOException {
        holder(ex, ex.param("agentId").orElseThrow(() -> ApiError.badRequest("the agentId query parameter is required")), runId);
        SourceRef source = source(runId);
        Optional<InputStream> in = engine.storage().get(source.key());
        if (in.isEmpty()) {
            throw ApiError.notFound("the source bundle of run " + runId + " is missing from storage");
        }
        ex.http.getResponseHeaders().set("Content-Type", "application/gzip");
        ex.http.sendResponseHeaders(200, source.size());
        try (InputStream bundle = in.get(); OutputStream out = ex.http.getResponseBody()) {
            bundle.transferTo(out);
        }
    }

    /**
     * Stores one artifact of the attempt the calling agent holds, streamed from the request body to
     * storage under {@link ArtifactLayout#key}, so that {@code Run.artifacts()} on any client lists it.
     */
    void uploadArtifact(ApiExchange ex, String runId) throws IOException {
        String agentId = ex.param("agentId").orElseThrow(() -> ApiError.badRequest("the agentId query parameter is required"));
        holder(ex, agentId, runId);
        String key = ex.param("key").orElseThrow(() -> ApiError.badRequest("the key query parameter is required"));
        if (!ArtifactLayout.isSafePath(key)) {
            throw ApiError.badRequest("artifact key '" + key + "' must be a relative '/'-separated path without '.', '..'"
                    + " or empty segments");
        }
        List<Attempt> attempts = engine.runs().attempts(runId);
        int current = attempts.isEmpty() ? 0 : attempts.get(attempts.size() - 1).number();
        int attempt = ex.intParam("attempt", current);
        if (attempt != current) {
            throw new ApiError(409, "lease_lost", "agent " + agentId + " holds attempt " + current + " of run " + runId
                    + ", not attempt " + attempt);
        }
        String contentType = ex.header("Content-Type").orElse(dev.runpilot.sdk.spi.StorageBackend.DEFAULT_CONTENT_TYPE);
        String storageKey = ArtifactLayout.key(runId, attempt, key);
        long size;
        try (InputStream body = ex.body(MAX_ARTIFACT_BYTES)) {
            size = engine.storage().put(storageKey, body, contentType).size();
        }
        ex.send(201, ApiJson.object().put("key", key).put("attempt", attempt).put("size", size));
    }

    void shutdown(ApiExchange ex, String runId) throws IOException {
        Principal agent = requireAgent(ex);
        List<Attempt> attempts = engine.runs().attempts(runId);
        if (attempts.isEmpty()) {
            throw ApiError.notFound("run " + runId + " has no attempt; no instance ran it");
        }
        String agentId = attempts.get(attempts.size() - 1).agentId();
        boolean owned = engine.agents().find(agentId).map(a -> a.tokenId().equals(agent.tokenId())).orElse(false);
        if (!owned) {
            throw ApiError.forbidden("the last attempt of run " + runId + " was not run by an agent of this token");
        }
        // On the archive thread, after the log archive queued when the status was reported: the log is
        // in storage before the instance goes (issue 7).
        engine.background().execute(() -> {
            try {
                engine.compute().shutdownRequested(runId, agentId);
            } catch (RuntimeException e) {
                log.warn("Compute provider '{}' could not shut down the machine of run {}: {}", engine.compute().name(), runId,
                        e.getMessage());
            }
        });
        ex.send(202, ApiJson.object().put("runId", runId).put("agentId", agentId).put("compute", engine.compute().name()));
    }

    private SourceRef source(String runId) {
        return engine.serverRuns().source(runId).orElseThrow(() -> ApiError.notFound("run " + runId + " has no source bundle"));
    }

    private static Principal requireAgent(ApiExchange ex) {
        if (ex.principal.kind() != Principal.Kind.AGENT) {
            throw ApiError.forbidden("only an agent token may do this; user tokens submit and read runs");
        }
        return ex.principal;
    }

    /** Checks that the agent was registered with the caller's token. */
    private AgentRegistry.AgentRecord ownAgent(ApiExchange ex, String agentId) {
        Principal principal = requireAgent(ex);
        AgentRegistry.AgentRecord agent = engine.agents().find(agentId)
                .orElseThrow(() -> ApiError.notFound("no agent with id '" + agentId + "'; register it first"));
        if (!agent.tokenId().equals(principal.tokenId())) {
            throw ApiError.forbidden("agent " + agentId + " was registered with another token");
        }
        return agent;
    }

    private void holder(ApiExchange ex, JsonNode body, String runId) {
        holder(ex, ApiJson.text(body, "agentId"), runId);
    }

    /** Checks that the agent is the caller's and holds the run now. */
    private void holder(ApiExchange ex, String agentId, String runId) {
        ownAgent(ex, agentId);
        if (!engine.serverRuns().holder(runId).map(agentId::equals).orElse(false)) {
            throw ApiError.leaseLost(runId, agentId);
        }
    }

    private static OptionalLong optionalLong(JsonNode node) {
        return node.isNumber() ? OptionalLong.of(node.asLong()) : OptionalLong.empty();
    }
}
