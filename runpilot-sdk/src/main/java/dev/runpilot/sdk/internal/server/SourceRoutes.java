package dev.runpilot.sdk.internal.server;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.runpilot.sdk.internal.api.ApiJson;
import dev.runpilot.sdk.internal.store.SourceRef;
import java.io.IOException;
import java.io.InputStream;

/**
 * The handlers a user calls to hand over a run's source bundle: where and whether to upload it
 * ({@code POST /v1/runs/{id}/artifacts/code/upload-url}) and the upload itself
 * ({@code PUT /v1/runs/{id}/artifacts/code}).
 */
final class SourceRoutes {
    private final ServerEngine engine;
    private final RunRoutes runRoutes;

    SourceRoutes(ServerEngine engine, RunRoutes runRoutes) {
        this.engine = engine;
        this.runRoutes = runRoutes;
    }

    /**
     * Answers {@code {"url", "method": "PUT", "required", "sha256", "size", "maxBytes"}}: {@code required}
     * is false when storage holds the bundle already (the run is released on the spot) or the run no
     * longer waits for it.
     */
    void uploadUrl(ApiExchange ex, String runId) throws IOException {
        runRoutes.visible(ex, runId);
        SourceRef source = declared(runId);
        SourceIntake intake = engine.sources();
        boolean required;
        if (intake.isStored(source)) {
            intake.release(source.sha256());
            required = false;
        } else {
            required = engine.runs().awaitedSource(runId).isPresent();
        }
        ex.send(200, ApiJson.object().put("url", "/v1/runs/" + runId + "/artifacts/code").put("method", "PUT")
                .put("required", required).put("sha256", source.sha256()).put("size", source.size()).put("maxBytes", intake.maxBytes()));
    }

    /**
     * Takes the bundle's bytes (streamed; checked against the declared size and SHA-256 before
     * anything is stored) and answers {@code 201 {"runId", "sha256", "size", "stored", "released": [...]}}
     * ({@code 200} with {@code "stored": false} when storage held the bundle already).
     */
    void upload(ApiExchange ex, String runId) throws IOException {
        runRoutes.visible(ex, runId);
        SourceRef source = declared(runId);
        SourceIntake intake = engine.sources();
        InputStream body;
        try {
            body = ex.body(intake.maxBytes());
        } catch (ApiError e) {
            throw e.status == 413 ? intake.tooLarge(runId) : e;
        }
        SourceIntake.Received received = intake.receive(runId, source, body);
        ObjectNode answer = ApiJson.object().put("runId", runId).put("sha256", source.sha256()).put("size", source.size())
                .put("stored", received.stored());
        ArrayNode released = answer.putArray("released");
        received.released().forEach(released::add);
        ex.send(received.stored() ? 201 : 200, answer);
    }

    private SourceRef declared(String runId) {
        return engine.serverRuns().source(runId).orElseThrow(() -> ApiError.notFound("run " + runId
                + " was submitted without a source bundle; there is nothing to upload"));
    }
}
