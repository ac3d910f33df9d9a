package dev.runpilot.sdk.internal.archive;

import dev.runpilot.sdk.InvalidJobException;
import dev.runpilot.sdk.Job;
import dev.runpilot.sdk.StorageException;
import dev.runpilot.sdk.archive.Bundle;
import dev.runpilot.sdk.archive.Bundler;
import dev.runpilot.sdk.archive.EncryptionKey;
import dev.runpilot.sdk.archive.ProgressListener;
import dev.runpilot.sdk.archive.SigningKey;
import dev.runpilot.sdk.internal.store.SourceRef;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bundles a job's source tree the way every client does, embedded or over HTTP: a deterministic
 * tar.gz in a temporary file, signed and encrypted when the client has the keys, described by the
 * {@link SourceRef} under its content address {@code bundles/<sha256>.tar.gz}. Where the file goes
 * (straight into storage, or up to a server) is the caller's business.
 */
public final class JobSourceBundler {
    /** Where source bundles are kept in storage: {@code bundles/<sha256>.tar.gz}. */
    public static final String PREFIX = "bundles/";
    private static final Logger log = LoggerFactory.getLogger(JobSourceBundler.class);

    private final Path tempDir;
    private final Optional<SigningKey> signer;
    private final Optional<EncryptionKey> encryption;
    private final ProgressListener progress;

    /**
     * Makes a bundler with a client's keys and progress listener.
     *
     * @param tempDir where bundles are written before they are stored or uploaded; created if missing
     * @param progress hears the bundling stages (and, through {@link #progress()}, the caller's upload)
     */
    public JobSourceBundler(Path tempDir, Optional<SigningKey> signer, Optional<EncryptionKey> encryption, ProgressListener progress) {
        this.tempDir = Objects.requireNonNull(tempDir, "tempDir");
        this.signer = Objects.requireNonNull(signer, "signer");
        this.encryption = Objects.requireNonNull(encryption, "encryption");
        this.progress = Objects.requireNonNull(progress, "progress");
    }

    /** The storage key of the bundle with this SHA-256: {@code bundles/<sha256>.tar.gz}. */
    public static String key(String sha256) {
        return PREFIX + sha256 + ".tar.gz";
    }

    /** The listener bundling reports to; the caller reports its upload ({@code UPLOADING}) to it too. */
    public ProgressListener progress() {
        return progress;
    }

    /** A bundle in a temporary file and what it is; closing deletes the file. */
    public record Packed(Path file, SourceRef source) implements AutoCloseable {
        @Override
        public void close() {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                log.debug("Could not delete {}: {}", file, e.toString());
            }
        }
    }

    /**
     * Bundles the job's source directory into a temporary file.
     *
     * @throws InvalidJobException if the job has no source or it is not a directory
     * @throws StorageException if the temporary file cannot be written
     */
    public Packed bundle(Job job) {
        Path source = job.source().orElseThrow(() -> new InvalidJobException("Job '" + job.name() + "' has no source directory"));
        if (!Files.isDirectory(source)) {
            throw new InvalidJobException("Invalid job '" + job.name() + "': source " + source.toAbsolutePath()
                    + " is not a directory. Point source at the directory to ship with the job.");
        }
        Path out = tempDir.resolve("bundle-" + UUID.randomUUID() + ".tar.gz");
        try {
            Files.createDirectories(tempDir);
            Bundler.Builder bundler = Bundler.builder().ignore(job.ignore()).progress(progress);
            signer.ifPresent(bundler::signer);
            encryption.ifPresent(bundler::encryption);
            Bundle bundle = bundler.build().bundle(source, out);
            SourceRef ref = new SourceRef(key(bundle.sha256()), bundle.sha256(), bundle.size(), bundle.manifest().entries().size(),
                    bundle.signerKeyId(), bundle.encryptionKeyId());
            return new Packed(out, ref);
        } catch (IOException | RuntimeException e) {
            try {
                Files.deleteIfExists(out);
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            if (e instanceof IOException io) {
                throw new StorageException("Cannot write the source bundle of job '" + job.name() + "' to " + tempDir + ": " + io, io);
            }
            throw (RuntimeException) e;
        }
    }
}
