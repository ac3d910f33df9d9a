package dev.runpilot.sdk.internal.agent;

import dev.runpilot.sdk.ArchiveException;
import dev.runpilot.sdk.FailureReason;
import dev.runpilot.sdk.archive.BundleExtractor;
import dev.runpilot.sdk.internal.store.AttemptEnd;
import dev.runpilot.sdk.internal.store.SourceRef;
import dev.runpilot.sdk.spi.StorageBackend;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The agent side of source bundles: fetches a run's bundle from storage and has it verified (content
 * address, manifest, signature), decrypted and unpacked into the attempt's work directory before the
 * job starts. A refused bundle leaves the work directory empty.
 */
final class SourceFetcher {
    private final StorageBackend storage;
    private final BundleExtractor extractor;

    SourceFetcher(StorageBackend storage, BundleExtractor extractor) {
        this.storage = storage;
        this.extractor = extractor;
    }

    /** Unpacks the bundle into {@code workDir}; returns how the attempt ends if it cannot. */
    Optional<AttemptEnd> fetch(SourceRef source, Path workDir, AttemptOutput output) {
        output.system("fetching source bundle " + source.sha256() + " (" + source.size() + " bytes, " + source.entries()
                + " entries" + source.signerKeyId().map(id -> ", signed by key " + id).orElse(", unsigned")
                + (source.encryptionKeyId().isPresent() ? ", encrypted" : "") + ")");
        Optional<InputStream> bundle = storage.get(source.key());
        if (bundle.isEmpty()) {
            return Optional.of(AttemptEnd.failed(FailureReason.RUNTIME_ERROR, OptionalInt.empty(),
                    "source bundle " + source.key() + " is missing from " + storage.uri()));
        }
        try (InputStream in = bundle.get()) {
            extractor.extract(in, workDir, source.sha256());
            return Optional.empty();
        } catch (ArchiveException e) {
            FailureReason reason = e.reason() == ArchiveException.Reason.SIGNATURE_REJECTED
                    ? FailureReason.SIGNATURE_REJECTED : FailureReason.RUNTIME_ERROR;
            return Optional.of(AttemptEnd.failed(reason, OptionalInt.empty(),
                    "source bundle refused (" + e.reason().wireName() + "): " + e.getMessage()));
        } catch (IOException e) {
            return Optional.of(AttemptEnd.failed(FailureReason.RUNTIME_ERROR, OptionalInt.empty(),
                    "cannot read source bundle " + source.key() + " from " + storage.uri() + ": " + e));
        }
    }
}
