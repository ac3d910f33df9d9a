package dev.runpilot.sdk.archive;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * A source bundle written by {@link Bundler}: a deterministic tar.gz of a tree, optionally signed
 * and encrypted.
 *
 * <p>{@code sha256} is the SHA-256 of the file's bytes exactly as written (after encryption, if
 * any): the bundle's content address. The same tree bundled with the same settings and keys gives
 * the same bytes and so the same address, which lets a caller skip uploading a bundle that storage
 * already holds.
 *
 * @param file where the bundle was written
 * @param sha256 the SHA-256 of the file in lower-case hex
 * @param size the file's length in bytes
 * @param manifest what the bundle holds
 * @param signerKeyId the key id of the signing key, or empty if unsigned
 * @param encryptionKeyId the key id of the encryption key, or empty if not encrypted
 */
public record Bundle(Path file, String sha256, long size, Manifest manifest, Optional<String> signerKeyId,
        Optional<String> encryptionKeyId) {
    /** Checks that no component is null. */
    public Bundle {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(sha256, "sha256");
        Objects.requireNonNull(manifest, "manifest");
        Objects.requireNonNull(signerKeyId, "signerKeyId");
        Objects.requireNonNull(encryptionKeyId, "encryptionKeyId");
    }

    /** @return true if the bundle carries a signature */
    public boolean isSigned() {
        return signerKeyId.isPresent();
    }

    /** @return true if the bundle is encrypted */
    public boolean isEncrypted() {
        return encryptionKeyId.isPresent();
    }
}
