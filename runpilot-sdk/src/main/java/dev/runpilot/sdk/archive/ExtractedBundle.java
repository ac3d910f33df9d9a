package dev.runpilot.sdk.archive;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * A bundle that {@link BundleExtractor} verified and unpacked.
 *
 * @param directory the directory it was unpacked into
 * @param sha256 the SHA-256 of the archive bytes read, in lower-case hex
 * @param manifest what it holds
 * @param signerKeyId the key id of the trusted key whose signature verified, or empty if the
 *     bundle was unsigned or signed by a key that is not trusted (allowed only when signatures are
 *     not required)
 * @param encryptionKeyId the key id of the key that decrypted it, or empty if it was not encrypted
 */
public record ExtractedBundle(Path directory, String sha256, Manifest manifest, Optional<String> signerKeyId,
        Optional<String> encryptionKeyId) {
    /** Checks that no component is null. */
    public ExtractedBundle {
        Objects.requireNonNull(directory, "directory");
        Objects.requireNonNull(sha256, "sha256");
        Objects.requireNonNull(manifest, "manifest");
        Objects.requireNonNull(signerKeyId, "signerKeyId");
        Objects.requireNonNull(encryptionKeyId, "encryptionKeyId");
    }
}
