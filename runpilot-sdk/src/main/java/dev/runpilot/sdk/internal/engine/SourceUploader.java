package dev.runpilot.sdk.internal.engine;

import dev.runpilot.sdk.InvalidJobException;
import dev.runpilot.sdk.Job;
import dev.runpilot.sdk.StorageException;
import dev.runpilot.sdk.archive.Bundle;
import dev.runpilot.sdk.archive.Bundler;
import dev.runpilot.sdk.archive.EncryptionKey;
import dev.runpilot.sdk.archive.Progress;
import dev.runpilot.sdk.archive.ProgressListener;
import dev.runpilot.sdk.archive.SigningKey;
import dev.runpilot.sdk.internal.store.SourceRef;
import dev.runpilot.sdk.spi.StorageBackend;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client side of source bundles: bundles a job's source tree (signed and encrypted when the
 * client has the keys), and stores it under its content address unless storage already holds it,
 * so re-submitting an unchanged tree uploads nothing.
 */
final class SourceUploader {
    private static final Logger log = LoggerFactory.getLogger(SourceUploader.class);
    static final String PREFIX = "bundles/";

    private final StorageBackend storage;
    private final Path tempDir;
    private final Optional<SigningKey> signer;
    private final Optional<EncryptionKey> encryption;
    private final ProgressListener progress;

    SourceUploader(StorageBackend storage, Path tempDir, Optional<SigningKey> signer, Optional<EncryptionKey> encryption,
                   ProgressListener progress) {
        this.storage = storage;
        this.tempDir = tempDir;
        this.signer = signer;
        this.encryption = encryption;
        this.progress = progress;
    }

    SourceRef upload(Job job) {
        Path source = job.source().orElseThrow();
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
            String key = PREFIX + bundle.sha256() + ".tar.gz";
            if (storage.stat(key).isPresent()) {
                log.debug("Source bundle {} of job '{}' is already in {}; nothing uploaded", bundle.sha256(), job.name(), storage.uri());
            } else {
                try (InputStream in = progress.monitor(Files.newInputStream(out), Progress.Stage.UPLOADING, bundle.size())) {
                    storage.put(key, in);
                }
            }
            return new SourceRef(key, bundle.sha256(), bundle.size(), bundle.manifest().entries().size(),
                    bundle.signerKeyId(), bundle.encryptionKeyId());
        } catch (IOException e) {
            throw new StorageException("Cannot store the source bundle of job '" + job.name() + "' in " + storage.uri() + ": " + e, e);
        } finally {
            try {
                Files.deleteIfExists(out);
            } catch (IOException e) {
                log.debug("Could not delete {}: {}", out, e.toString());
            }
        }
    }
}
