package dev.runpilot.sdk.internal.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.runpilot.sdk.CancelOutcome;
import dev.runpilot.sdk.InvalidJobException;
import dev.runpilot.sdk.Job;
import dev.runpilot.sdk.RunQuery;
import dev.runpilot.sdk.RunStatus;
import dev.runpilot.sdk.internal.api.ApiJson;
import dev.runpilot.sdk.internal.artifact.ArtifactLayout;
import dev.runpilot.sdk.internal.store.JobCodec;
import dev.runpilot.sdk.internal.store.SourceRef;
import dev.runpilot.sdk.spi.ObjectInfo;
import dev.runpilot.sdk.spi.StorageBackend;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** The handlers users call: submit, list, read, cancel, and who am I. */
final class RunRoutes {
    /** The longest idempotency key accepted. */
    static final int MAX_KEY_LENGTH = 200;
    /** The response header that carries an artifact's SHA-256 (lower-case hex). */
    static final String SHA256_HEADER = "X-RunPilot-SHA256";

    private final ServerEngine engine;

    RunRoutes(ServerEngine engine) {
        this.engine = engine;
    }

    void health(ApiExchange ex) throws IOException {
        engine.runs().lastEventSeq();
        ex.send(200, ApiJson.object().put("status", "ok"));
    }

    void login(ApiExchange ex) throws IOException {
        JsonNode body = ex.json();
        String token = body.path("token").asText("");
        if (token.isEmpty()) {
            throw ApiError.badRequest("the login body must be {\"token\": \"<token>\"}");
        }
        Principal principal = engine.tokens().authenticate(token)
                .orElseThrow(() -> ApiError.unauthorized("the token is unknown or revoked"));
        ex.send(200, describe(principal));
    }

    void me(ApiExchange ex) throws IOException {
        ex.send(200, describe(ex.principal));
    }

    void projects(ApiExchange ex) throws IOException {
        Principal user = requireUser(ex);
        ObjectNode body = ApiJson.object();
        body.putArray("projects").addObject().put("name", user.project().orElseThrow());
        ex.send(200, body);
    }

    /**
     * What running a job once would cost on this server's compute provider ({@code POST /v1/estimate},
     * body {@code {"job": {...}}}): the same {@link dev.runpilot.sdk.Estimate} an embedded client with
     * that provider computes, so that a remote client can apply its {@code maxCost} before submitting.
     */
    void estimate(ApiExchange ex) throws IOException {
        requireUser(ex);
        JsonNode jobNode = ex.json().path("job");
        Job job;
        try {
            if (!jobNode.isObject()) {
                throw new IllegalArgumentException("the body must be {\"job\": {...}}");
            }
            job = JobCodec.fromJson(jobNode.toString(), Map.of());
        } catch (RuntimeException e) {
            throw ApiError.badRequest("the job is not valid: " + e.getMessage());
        }
        dev.runpilot.sdk.Estimate estimate;
        try {
            estimate = engine.compute().estimate(job);
        } catch (IllegalArgumentException e) {
            throw ApiError.badRequest("compute provider '" + engine.compute().name() + "' cannot estimate this job: " + e.getMessage());
        }
        ex.send(200, ApiJson.estimate(estimate));
    }

    void submit(ApiExchange ex) throws IOException {
        Principal user = requireUser(ex);
        Optional<String> key = ex.header("Idempotency-Key").map(String::trim).filter(k -> !k.isEmpty());
        if (key.isPresent() && key.get().length() > MAX_KEY_LENGTH) {
            throw ApiError.badRequest("the Idempotency-Key header is longer than " + MAX_KEY_LENGTH + " characters");
        }
        JsonNode body = ex.json();
        Optional<SourceRef> source = body.has("source") ? Optional.of(engine.sources().descriptor(body.path("source")))
                : Optional.empty();
        Job job;
        try {
            JsonNode jobNode = body.path("job");
            if (!jobNode.isObject()) {
                throw new IllegalArgumentException("the body must be {\"job\": {...}, \"secrets\": {...}}");
            }
            job = JobCodec.fromJson(jobNode.toString(), ApiJson.stringMap(body.path("secrets")));
        } catch (RuntimeException e) {
            throw ApiError.badRequest("the job is not valid: " + e.getMessage());
        }
        if (job.source().isPresent() && source.isEmpty()) {
            throw ApiError.badRequest("the job names a source directory (" + job.source().get() + ") on the client but the body has"
                    + " no \"source\" descriptor; bundle the directory and send {\"sha256\", \"size\", \"entries\"} as \"source\","
                    + " then upload it (see docs/api.md)");
        }
        ServerRuns.Submitted submitted;
        try {
            // A bundle storage holds already (the same tree sent before) needs no upload: content addressing.
            boolean awaiting = source.isPresent() && !engine.sources().isStored(source.get());
            submitted = engine.serverRuns().submit(user.project().orElseThrow(), key, job, source, awaiting);
        } catch (InvalidJobException e) {
            throw ApiError.badRequest(e.getMessage());
        }
        engine.signal().changed();
        ObjectNode run = ApiJson.runInfo(engine.runs().info(submitted.runId()).orElseThrow());
        ex.http.getResponseHeaders().set("Location", "/v1/runs/" + submitted.runId());
        ex.send(submitted.created() ? 201 : 200, run);
    }

    void list(ApiExchange ex) throws IOException {
        Principal user = requireUser(ex);
        RunQuery.Builder query = RunQuery.builder();
        try {
            for (String status : ex.params("status")) {
                query.status(RunStatus.valueOf(status.toUpperCase(Locale.ROOT)));
            }
            ex.param("name").ifPresent(query::name);
            for (String label : ex.params("label")) {
                int eq = label.indexOf('=');
                if (eq < 1) {
                    throw new IllegalArgumentException("label must be key=value, was '" + label + "'");
                }
                query.label(label.substring(0, eq), label.substring(eq + 1));
            }
            ex.param("createdAfter").map(Instant::parse).ifPresent(query::createdAfter);
            ex.param("createdBefore").map(Instant::parse).ifPresent(query::createdBefore);
            query.limit(ex.intParam("limit", 50));
            ex.param("pageToken").ifPresent(query::pageToken);
        } catch (IllegalArgumentException | java.time.format.DateTimeParseException e) {
            throw ApiError.badRequest("invalid run query: " + e.getMessage());
        }
        try {
            ex.send(200, ApiJson.page(engine.runs().list(query.build(), user.project())));
        } catch (IllegalArgumentException e) {
            throw ApiError.badRequest(e.getMessage());
        }
    }

    void get(ApiExchange ex, String runId) throws IOException {
        visible(ex, runId);
        ex.send(200, ApiJson.runInfo(engine.runs().info(runId).orElseThrow(() -> notFound(runId))));
    }

    void cancel(ApiExchange ex, String runId) throws IOException {
        visible(ex, runId);
        CancelOutcome outcome = engine.runs().cancel(runId).orElseThrow(() -> notFound(runId));
        engine.signal().changed();
        ex.send(200, ApiJson.object().put("outcome", outcome.name()));
    }

    void detail(ApiExchange ex, String runId, String what) throws IOException {
        visible(ex, runId);
        ObjectNode body = ApiJson.object();
        switch (what) {
            case "job" -> {
                Job job = engine.runs().job(runId).orElseThrow(() -> notFound(runId));
                body.set("job", ApiJson.parse(JobCodec.toJson(job), "the stored job"));
            }
            case "attempts" -> {
                ArrayNode array = body.putArray("attempts");
                engine.runs().attempts(runId).forEach(a -> {
                    ObjectNode node = ApiJson.attempt(a);
                    Map<String, String> data = engine.plane().attemptData(runId, a.number());
                    if (!data.isEmpty()) {
                        ObjectNode dataNode = node.putObject("data");
                        data.forEach(dataNode::put);
                    }
                    array.add(node);
                });
            }
            case "events" -> {
                ArrayNode array = body.putArray("events");
                engine.runs().events(runId).forEach(e -> array.add(ApiJson.event(e)));
            }
            default -> {
                ArrayNode array = body.putArray("points");
                engine.outputs().metrics(runId).forEach(p -> array.add(ApiJson.metricPoint(p)));
            }
        }
        ex.send(200, body);
    }

    /** The run's artifacts as its storage holds them: {@code {"artifacts": [...]}}, by attempt then path. */
    void artifacts(ApiExchange ex, String runId) throws IOException {
        visible(ex, runId);
        ObjectNode body = ApiJson.object();
        ArrayNode list = body.putArray("artifacts");
        for (dev.runpilot.sdk.Artifact a : new dev.runpilot.sdk.internal.artifact.ArtifactCatalog(engine.storage()).list(runId)) {
            ObjectNode node = list.addObject().put("runId", a.runId()).put("attempt", a.attempt()).put("path", a.path())
                    .put("key", a.key()).put("size", a.size()).put("savedAt", a.savedAt().toString());
            a.sha256().ifPresent(sha -> node.put("sha256", sha));
        }
        ex.send(200, body);
    }

    /**
     * Streams one artifact from storage: {@code Content-Length} is its size and
     * {@value #SHA256_HEADER} its SHA-256 when the storage keeps one. A path that is not a clean
     * relative path is refused with 400, so nothing outside the run's artifacts can be named.
     */
    void downloadArtifact(ApiExchange ex, String runId, String attemptText, String path) throws IOException {
        visible(ex, runId);
        int attempt;
        try {
            attempt = Integer.parseInt(attemptText);
        } catch (NumberFormatException e) {
            throw ApiError.badRequest("the attempt in an artifact path must be a number, was '" + attemptText + "'");
        }
        if (attempt < 1 || !ArtifactLayout.isSafePath(path)) {
            throw ApiError.badRequest("artifact path '" + attemptText + "/" + path + "' must be an attempt number and a relative"
                    + " '/'-separated path without '.', '..' or empty segments");
        }
        String key = ArtifactLayout.key(runId, attempt, path);
        ObjectInfo object = engine.storage().stat(key).orElseThrow(() -> ApiError.notFound(
                "run " + runId + " has no artifact '" + path + "' in attempt " + attempt));
        InputStream content = engine.storage().get(key).orElseThrow(() -> ApiError.notFound(
                "run " + runId + " has no artifact '" + path + "' in attempt " + attempt));
        try (InputStream in = content) {
            ex.http.getResponseHeaders().set("Content-Type", object.contentType().orElse(StorageBackend.DEFAULT_CONTENT_TYPE));
            object.sha256().ifPresent(sha -> ex.http.getResponseHeaders().set(SHA256_HEADER, sha));
            ex.http.sendResponseHeaders(200, object.size() == 0 ? -1 : object.size());
            try (OutputStream out = ex.http.getResponseBody()) {
                in.transferTo(out);
            }
        }
    }

    void logs(ApiExchange ex, String runId) throws IOException {
        visible(ex, runId);
        ObjectNode body = ApiJson.object();
        ArrayNode lines = body.putArray("lines");
        int tail = ex.intParam("tail", 0);
        if (tail > 0) {
            engine.outputs().tail(runId, Math.min(tail, 10_000)).forEach(l -> lines.add(ApiJson.logLine(l)));
        } else {
            int limit = ex.intParam("limit", 1000);
            if (limit < 1) {
                throw ApiError.badRequest("limit must be at least 1, was " + limit);
            }
            engine.outputs().logs(runId, ex.longParam("after", 0), Math.min(limit, 10_000)).forEach(l -> lines.add(ApiJson.logLine(l)));
        }
        ex.send(200, body);
    }

    /** Checks that the caller is a user token of the run's project; another project's run reads as not found. */
    Principal visible(ApiExchange ex, String runId) {
        Principal user = requireUser(ex);
        Optional<String> project = engine.serverRuns().project(runId);
        if (project.isEmpty() || !project.equals(user.project())) {
            throw notFound(runId);
        }
        return user;
    }

    static Principal requireUser(ApiExchange ex) {
        if (ex.principal.kind() != Principal.Kind.USER) {
            throw ApiError.forbidden("an agent token may only claim runs and report on the runs it holds;"
                    + " use a user token to submit and read runs");
        }
        return ex.principal;
    }

    private static ApiError notFound(String runId) {
        return ApiError.notFound("no run with id '" + runId + "' in this project");
    }

    private static ObjectNode describe(Principal principal) {
        ObjectNode node = ApiJson.object().put("tokenId", principal.tokenId()).put("kind", principal.kind().wireName())
                .put("name", principal.name());
        principal.project().ifPresent(p -> node.put("project", p));
        principal.runId().ifPresent(r -> node.put("runId", r));
        return node;
    }

    static Map<String, String> labels(JsonNode node) {
        return ApiJson.stringMap(node);
    }
}
