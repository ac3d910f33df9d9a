package dev.runpilot.sdk.internal.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.runpilot.sdk.internal.archive.JobSourceBundler;
import dev.runpilot.sdk.internal.engine.ChangeSignal;
import dev.runpilot.sdk.internal.store.RunStore;
import dev.runpilot.sdk.internal.store.SourceRef;
import dev.runpilot.sdk.spi.StorageBackend;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Source bundles submitted over HTTP: checks the descriptor a submission carries, takes an uploaded
 * bundle in (into a temporary file while hashing it, into storage under its content address only
 * when its size and SHA-256 are the declared ones), releases the runs that waited for it, and fails
 * the runs whose bundle never came within the source timeout.
 */
public final class SourceIntake {
    private static final Logger log = LoggerFactory.getLogger(SourceIntake.class);
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
    private static final String CONTENT_TYPE = "application/gzip";
    /** How long an upload temp file may go unwritten before it counts as left by a dead server. */
    static final Duration ABANDONED_UPLOAD = Duration.ofHours(1);

    private final RunStore runs;
    private final StorageBackend storage;
    private final ChangeSignal signal;
    private final Path tempDir;
    private final long maxBytes;
    private final Duration timeout;
    private final Clock clock;
    private final long sweepEveryMillis;
    private volatile long lastSweep;

    /**
     * Makes the intake of one server.
     *
     * @param tempDir where uploads are written while they are checked
     * @param maxBytes the largest bundle accepted
     * @param timeout how long a run may wait for its bundle before it fails with {@code source_missing}
     */
    public SourceIntake(RunStore runs, StorageBackend storage, ChangeSignal signal, Path tempDir, long maxBytes, Duration timeout,
                        Clock clock) {
        this.runs = runs;
        this.storage = storage;
        this.signal = signal;
        this.tempDir = tempDir;
        this.maxBytes = maxBytes;
        this.timeout = timeout;
        this.clock = clock;
        this.sweepEveryMillis = Math.max(100, Math.min(10_000, timeout.toMillis() / 10));
    }

    long maxBytes() {
        return maxBytes;
    }

    /**
     * Reads the {@code "source"} object of a submission: {@code sha256} (64 lower-case hex digits),
     * {@code size}, {@code entries}, and the optional {@code signerKeyId} and {@code encryptionKeyId}.
     * The storage key is the server's content address, never the client's choice.
     */
    SourceRef descriptor(JsonNode node) {
        if (!node.isObject()) {
            throw ApiError.badRequest("source must be {\"sha256\": \"...\", \"size\": N, \"entries\": N}");
        }
        String sha = node.path("sha256").asText("");
        if (!SHA256.matcher(sha).matches()) {
            throw ApiError.badRequest("source.sha256 must be 64 lower-case hex digits, was '" + sha + "'");
        }
        if (!node.path("size").canConvertToLong() || node.path("size").asLong() < 1) {
            throw ApiError.badRequest("source.size must be a positive number of bytes, was " + node.path("size"));
        }
        long size = node.path("size").asLong();
        if (size > maxBytes) {
            throw new ApiError(413, "payload_too_large", "the source bundle (" + size + " bytes) is larger than this server's limit"
                    + " of " + maxBytes + " bytes (RunPilotServer maxSourceBundleBytes); ship less (.runpilotignore) or raise the limit");
        }
        int entries = node.path("entries").asInt(0);
        if (entries < 0) {
            throw ApiError.badRequest("source.entries must not be negative, was " + entries);
        }
        return new SourceRef(JobSourceBundler.key(sha), sha, size, entries, text(node, "signerKeyId"), text(node, "encryptionKeyId"));
    }

    /** Returns whether storage holds the bundle already (a content address names one content). */
    boolean isStored(SourceRef source) {
        return storage.stat(source.key()).isPresent();
    }

    /** What an upload came to: whether this call stored the bundle, and the runs it released. */
    record Received(boolean stored, List<String> released) {
    }

    /**
     * Takes in the bundle a run declared: streams the body to a temporary file while hashing it,
     * refuses it when its size or SHA-256 is not the declared one (nothing stored, the temporary file
     * removed), else puts it in storage under its content address unless storage holds it already,
     * and releases the runs waiting for it.
     *
     * @throws ApiError 413 when the body exceeds the limit, 400 {@code source_mismatch} when it is not the declared bundle
     */
    Received receive(String runId, SourceRef declared, InputStream body) {
        Path temp = null;
        try {
            Files.createDirectories(tempDir);
            temp = Files.createTempFile(tempDir, "upload-", ".tar.gz");
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            long size;
            try (InputStream in = body; OutputStream out = new DigestOutputStream(Files.newOutputStream(temp), sha256)) {
                size = in.transferTo(out);
            } catch (ApiError e) {
                throw e.status == 413 ? tooLarge(runId) : e;
            }
            String actual = HexFormat.of().formatHex(sha256.digest());
            if (size != declared.size() || !actual.equals(declared.sha256())) {
                throw new ApiError(400, "source_mismatch", "the uploaded bundle is not the one run " + runId + " declared: declared "
                        + declared.size() + " bytes with SHA-256 " + declared.sha256() + ", received " + size + " bytes with SHA-256 "
                        + actual + "; nothing was stored. Upload the bundle file unchanged, or submit again.");
            }
            boolean stored = false;
            if (!isStored(declared)) {
                try (InputStream in = Files.newInputStream(temp)) {
                    storage.put(declared.key(), in, CONTENT_TYPE);
                }
                stored = true;
                log.debug("Stored source bundle {} ({} bytes) of run {} in {}", declared.sha256(), size, runId, storage.uri());
            }
            return new Received(stored, release(declared.sha256()));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot take in the source bundle of run " + runId + " through " + tempDir + ": " + e, e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("This JVM has no SHA-256", e);
        } finally {
            if (temp != null) {
                try {
                    Files.deleteIfExists(temp);
                } catch (IOException e) {
                    log.warn("Could not delete the upload file {}: {}", temp, e.toString());
                }
            }
        }
    }

    /** The answer to a bundle over the limit. */
    ApiError tooLarge(String runId) {
        return new ApiError(413, "payload_too_large", "the source bundle of run " + runId + " is larger than this server's limit of "
                + maxBytes + " bytes (RunPilotServer maxSourceBundleBytes); nothing was stored");
    }

    /** Releases the runs waiting for a bundle storage now holds, and wakes whoever waits for runs. */
    List<String> release(String sha256) {
        List<String> released = runs.sourceArrived(sha256);
        if (!released.isEmpty()) {
            signal.changed();
        }
        return released;
    }

    /**
     * Fails the runs that have waited longer than the source timeout for their bundle, with reason
     * {@code source_missing}; a run whose bundle storage holds after all is released instead. Called
     * on every pass of the engine's scheduler; does its work at most every tenth of the timeout
     * (between 100 ms and 10 s).
     */
    public void sweep() {
        long now = clock.millis();
        if (now - lastSweep < sweepEveryMillis) {
            return;
        }
        lastSweep = now;
        boolean changed = false;
        for (RunStore.AwaitedSource awaited : runs.sourcesAwaitedSince(clock.instant().minus(timeout))) {
            if (storage.stat(JobSourceBundler.key(awaited.sha256())).isPresent()) {
                changed |= !runs.sourceArrived(awaited.sha256()).isEmpty();
                continue;
            }
            String message = "its source bundle " + awaited.sha256() + " was not uploaded within " + describe(timeout)
                    + " of the submission (source timeout); submit the job again";
            if (runs.failMissingSource(awaited.runId(), message)) {
                log.info("Run {} failed: {}", awaited.runId(), message);
                changed = true;
            }
        }
        if (changed) {
            signal.changed();
        }
        removeAbandonedUploads();
    }

    /**
     * Deletes upload temp files nothing has written to for {@link #ABANDONED_UPLOAD}: what a server that
     * died mid-upload left behind. Servers sharing a home leave each other's live uploads alone, since a
     * live upload keeps writing.
     */
    private void removeAbandonedUploads() {
        if (!Files.isDirectory(tempDir)) {
            return;
        }
        long cutoff = clock.millis() - ABANDONED_UPLOAD.toMillis();
        try (java.nio.file.DirectoryStream<Path> uploads = Files.newDirectoryStream(tempDir, "upload-*.tar.gz")) {
            for (Path upload : uploads) {
                try {
                    if (Files.getLastModifiedTime(upload).toMillis() < cutoff && Files.deleteIfExists(upload)) {
                        log.info("Removed {}, an upload abandoned more than {} ago", upload, describe(ABANDONED_UPLOAD));
                    }
                } catch (IOException e) {
                    log.debug("Could not remove abandoned upload {}: {}", upload, e.toString());
                }
            }
        } catch (IOException e) {
            log.debug("Could not list {} for abandoned uploads: {}", tempDir, e.toString());
        }
    }

    private static String describe(Duration d) {
        return d.toString().substring(2).toLowerCase(java.util.Locale.ROOT);
    }

    private static Optional<String> text(JsonNode node, String field) {
        JsonNode value = node.path(field);
        return value.isTextual() && !value.asText().isBlank() ? Optional.of(value.asText()) : Optional.empty();
    }
}
