package dev.runpilot.sdk;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A file a run's attempt left in its work directory that matched one of the job's
 * {@link Job#artifacts()} globs, saved to the client's storage when the attempt ended.
 *
 * <p>Artifacts are kept under {@code runs/<run id>/artifacts/<attempt>/<path>} in the storage
 * backend. Read one with {@link Run#downloadArtifact(Artifact, java.nio.file.Path)}.
 *
 * @param runId the run
 * @param attempt the attempt (1-based) that produced it
 * @param path its path relative to the work directory, {@code /}-separated, such as {@code out/model.pt}
 * @param key its storage key
 * @param size its size in bytes
 * @param sha256 its SHA-256 as lower-case hex, when the storage listing reports it
 * @param savedAt when it was stored
 * @since 0.2.0
 */
public record Artifact(String runId, int attempt, String path, String key, long size, Optional<String> sha256,
                       Instant savedAt) {
    /** Checks the values. */
    public Artifact {
        Objects.requireNonNull(runId, "runId");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(sha256, "sha256");
        Objects.requireNonNull(savedAt, "savedAt");
    }
}
