package dev.runpilot.sdk.internal.artifact;

import dev.runpilot.sdk.Artifact;
import dev.runpilot.sdk.ArtifactRetention;
import dev.runpilot.sdk.PrunedArtifacts;
import dev.runpilot.sdk.StorageException;
import dev.runpilot.sdk.spi.ObjectInfo;
import dev.runpilot.sdk.spi.ObjectPage;
import dev.runpilot.sdk.spi.StorageBackend;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The client side of artifacts: lists a run's artifacts from storage (storage is the record; there
 * is no table to drift from it), downloads one safely, and prunes by retention.
 */
public final class ArtifactCatalog {
    private final StorageBackend storage;

    public ArtifactCatalog(StorageBackend storage) {
        this.storage = storage;
    }

    /** A run that has finished, for retention. */
    public record FinishedRun(String id, Instant finishedAt) {
    }

    public List<Artifact> list(String runId) {
        List<Artifact> artifacts = new ArrayList<>();
        String token = null;
        do {
            ObjectPage page = storage.list(ArtifactLayout.runPrefix(runId), token, 1000);
            for (ObjectInfo object : page.objects()) {
                ArtifactLayout.locate(runId, object.key()).ifPresent(located -> artifacts.add(new Artifact(runId,
                        located.attempt(), located.path(), object.key(), object.size(), object.sha256(),
                        object.lastModified())));
            }
            token = page.nextPageToken().orElse(null);
        } while (token != null);
        artifacts.sort(Comparator.comparingInt(Artifact::attempt).thenComparing(Artifact::path));
        return artifacts;
    }

    /**
     * Writes an artifact to {@code target} through a temporary file beside it, moved into place only
     * after the stream ended cleanly (the storage's checksum check happens at the end of the stream).
     */
    public Path download(String runId, Artifact artifact, Path target) {
        Objects.requireNonNull(artifact, "artifact");
        Objects.requireNonNull(target, "target");
        if (!artifact.runId().equals(runId)) {
            throw new IllegalArgumentException("Artifact " + artifact.path() + " belongs to run " + artifact.runId()
                    + ", not " + runId);
        }
        Path absolute = target.toAbsolutePath();
        Optional<InputStream> stream = storage.get(artifact.key());
        if (stream.isEmpty()) {
            throw new StorageException("Artifact " + artifact.path() + " of run " + runId + " is missing from "
                    + storage.uri() + " (key " + artifact.key() + "); it may have been pruned");
        }
        Path temp = null;
        try (InputStream in = stream.get()) {
            Files.createDirectories(absolute.getParent());
            temp = Files.createTempFile(absolute.getParent(), ".rp-download-", ".tmp");
            Files.copy(in, temp, StandardCopyOption.REPLACE_EXISTING);
            try {
                Files.move(temp, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, absolute, StandardCopyOption.REPLACE_EXISTING);
            }
            temp = null;
            return target;
        } catch (IOException e) {
            throw new StorageException("Cannot download artifact " + artifact.path() + " of run " + runId + " from "
                    + storage.uri() + " to " + absolute + ": " + e.getMessage(), e);
        } finally {
            if (temp != null) {
                try {
                    Files.deleteIfExists(temp);
                } catch (IOException ignored) {
                    // Best effort: the name marks it as a leftover download.
                }
            }
        }
    }

    /**
     * Deletes the artifacts of the finished runs the retention does not keep.
     *
     * @param finished every finished run, most recently finished first
     */
    public PrunedArtifacts prune(ArtifactRetention retention, List<FinishedRun> finished, Instant now) {
        Instant cutoff = now.minus(retention.olderThan());
        List<String> pruned = new ArrayList<>();
        long objects = 0;
        for (int i = retention.keepLast(); i < finished.size(); i++) {
            FinishedRun run = finished.get(i);
            if (!run.finishedAt().isBefore(cutoff)) {
                continue;
            }
            long deleted = storage.deletePrefix(ArtifactLayout.runPrefix(run.id()));
            if (deleted > 0) {
                pruned.add(run.id());
                objects += deleted;
            }
        }
        return new PrunedArtifacts(pruned, objects);
    }
}
