package dev.runpilot.sdk.internal.remote;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.runpilot.sdk.RunPilotException;
import dev.runpilot.sdk.StorageException;
import dev.runpilot.sdk.archive.Progress;
import dev.runpilot.sdk.internal.api.ApiJson;
import dev.runpilot.sdk.internal.archive.JobSourceBundler;
import dev.runpilot.sdk.internal.store.SourceRef;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP client's side of source bundles: the descriptor sent with {@code POST /v1/runs}, then,
 * once the run exists, {@code POST .../artifacts/code/upload-url} and, when the server's storage does
 * not hold the bundle yet, the bundle itself ({@code PUT .../artifacts/code}, streamed from the
 * temporary file, progress reported as {@code UPLOADING}). The server holds the run back until it
 * has the bytes; a PUT retried after a connection error is harmless (the bundle is content-addressed).
 */
final class SourceUpload {
    private static final Logger log = LoggerFactory.getLogger(SourceUpload.class);

    private final ApiTransport transport;
    private final JobSourceBundler bundler;

    SourceUpload(ApiTransport transport, JobSourceBundler bundler) {
        this.transport = transport;
        this.bundler = bundler;
    }

    /** The {@code "source"} object of a submission: what the bundle is, never where the client keeps it. */
    static ObjectNode descriptor(SourceRef source) {
        ObjectNode node = ApiJson.object().put("sha256", source.sha256()).put("size", source.size()).put("entries", source.entries());
        source.signerKeyId().ifPresent(id -> node.put("signerKeyId", id));
        source.encryptionKeyId().ifPresent(id -> node.put("encryptionKeyId", id));
        return node;
    }

    /**
     * Uploads the bundle of a submitted run if the server asks for it.
     *
     * @return whether bytes were sent
     * @throws StorageException if the server refused the bundle or could not be reached
     */
    boolean upload(String runId, JobSourceBundler.Packed packed) {
        String base = HttpControlPlane.runPath(runId) + "/artifacts/code";
        ApiResponse answer = transport.send("POST", base + "/upload-url", ApiJson.object());
        if (!answer.isSuccess()) {
            throw failed(runId, transport.error("POST", base + "/upload-url", answer));
        }
        JsonNode where = answer.json();
        if (!where.path("required").asBoolean(true)) {
            log.debug("Source bundle {} of run {} is already on the server; nothing uploaded", packed.source().sha256(), runId);
            return false;
        }
        String url = where.path("url").asText(base);
        String method = where.path("method").asText("PUT");
        if (!url.startsWith("/")) {
            throw failed(runId, new IllegalStateException("the server answered with an upload URL outside its API (" + url
                    + "); this SDK uploads only through the RunPilot server"));
        }
        long size = packed.source().size();
        ApiResponse put = transport.sendStream(method, url, () -> {
            try {
                return bundler.progress().monitor(Files.newInputStream(packed.file()), Progress.Stage.UPLOADING, size);
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot read the source bundle " + packed.file() + ": " + e.getMessage(), e);
            }
        }, size, "application/gzip");
        if (!put.isSuccess()) {
            throw failed(runId, transport.error(method, url, put));
        }
        return true;
    }

    private StorageException failed(String runId, Exception cause) {
        // The run exists and would sit PENDING until the server's timeout: take it back now.
        String cancelled;
        try {
            ApiResponse response = transport.send("POST", HttpControlPlane.runPath(runId) + "/cancel", ApiJson.object());
            cancelled = response.isSuccess() ? "; the run was cancelled" : "; cancelling the run failed too (HTTP " + response.status()
                    + "), the server fails it with reason source_missing after its source timeout";
        } catch (RunPilotException e) {
            cancelled = "; cancelling the run failed too (" + e.getMessage() + "), the server fails it with reason source_missing"
                    + " after its source timeout";
        }
        return new StorageException("Run " + runId + " was submitted to " + transport.base() + " but its source bundle could not be"
                + " uploaded: " + cause.getMessage() + cancelled + ". Submit the job again.", cause);
    }
}
