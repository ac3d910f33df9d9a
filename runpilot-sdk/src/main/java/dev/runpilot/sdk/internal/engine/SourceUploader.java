package dev.runpilot.sdk.internal.engine;

import dev.runpilot.sdk.Job;
import dev.runpilot.sdk.StorageException;
import dev.runpilot.sdk.archive.Progress;
import dev.runpilot.sdk.internal.archive.JobSourceBundler;
import dev.runpilot.sdk.internal.store.SourceRef;
import dev.runpilot.sdk.spi.StorageBackend;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded client's side of source bundles: bundles a job's source tree ({@link JobSourceBundler})
 * and stores it under its content address unless storage already holds it, so re-submitting an
 * unchanged tree uploads nothing.
 */
final class SourceUploader {
    private static final Logger log = LoggerFactory.getLogger(SourceUploader.class);

    private final StorageBackend storage;
    private final JobSourceBundler bundler;

    SourceUploader(StorageBackend storage, JobSourceBundler bundler) {
        this.storage = storage;
        this.bundler = bundler;
    }

    SourceRef upload(Job job) {
        try (JobSourceBundler.Packed packed = bundler.bundle(job)) {
            SourceRef source = packed.source();
            if (storage.stat(source.key()).isPresent()) {
                log.debug("Source bundle {} of job '{}' is already in {}; nothing uploaded", source.sha256(), job.name(), storage.uri());
            } else {
                try (InputStream in = bundler.progress().monitor(Files.newInputStream(packed.file()), Progress.Stage.UPLOADING,
                        source.size())) {
                    storage.put(source.key(), in);
                }
            }
            return source;
        } catch (IOException e) {
            throw new StorageException("Cannot store the source bundle of job '" + job.name() + "' in " + storage.uri() + ": " + e, e);
        }
    }
}
