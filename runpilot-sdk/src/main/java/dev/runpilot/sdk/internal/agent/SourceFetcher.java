package dev.runpilot.sdk.internal.agent;

import dev.runpilot.sdk.ArchiveException;
import dev.runpilot.sdk.FailureReason;
import dev.runpilot.sdk.archive.BundleExtractor;
import dev.runpilot.sdk.internal.store.AttemptEnd;
import dev.runpilot.sdk.internal.store.SourceRef;
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
    private final AgentPlane plane;
    private final BundleExtractor extractor;

    SourceFetcher(AgentPlane plane, BundleExtractor extractor) {
        this.plane = plane;
        this.extractor = extractor;
    }

    /** Unpacks the bundle into {@code workDir}; returns how the attempt ends if it cannot. */
    Optional<AttemptEnd> fetch(String runId, SourceRef source, Path workDir, AttemptOutput output) {
        output.system("fetching source bundle " + source.sha256() + " (" + source.size() + " bytes, " + source.entries()
                + " entries" + source.signerKeyId().map(id -> ", signed by key " + id).orElse(", unsigned")
                + (source.encryptionKeyId().isPresent() ? ", encrypted" : "") + ")");
        Optional<InputStream> bundle = plane.openSource(runId, source);
        if (bundle.isEmpty()) {
            return Optional.of(AttemptEnd.failed(FailureReason.RUNTIME_ERROR, OptionalInt.empty(),
                    "source bundle " + source.key() + " is missing from " + plane.sourceLocation()));
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
                    "cannot read source bundle " + source.key() + " from " + plane.sourceLocation() + ": " + e));
        }
    }
}
