package dev.runpilot.sdk.archive;

import dev.runpilot.sdk.ArchiveException;
import dev.runpilot.sdk.ArchiveException.Reason;
import dev.runpilot.sdk.internal.archive.SafeExtraction;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * Verifies a source bundle and unpacks it into a directory, refusing anything unsafe.
 *
 * <pre>{@code
 * BundleExtractor extractor = BundleExtractor.builder()
 *         .trustedKeys(TrustedKeys.load(Path.of("/etc/runpilot/trusted")))
 *         .requireSignature(true)
 *         .build();
 * try (InputStream in = storage.get(key).orElseThrow()) {
 *     extractor.extract(in, attemptDir.resolve("src"), expectedSha256);
 * }
 * }</pre>
 *
 * <p>Order of checks: the manifest and signature, which open the archive, are read and verified
 * first, and every manifest path, link and limit is checked, before anything is written. Then
 * each entry must match its manifest line (path, type, mode, size) and its bytes are hashed as
 * they stream into a hidden temporary directory beside the target. Only when every entry, the
 * gzip checksum, the end of the stream and the archive's own SHA-256 have verified is the
 * temporary directory renamed to the target. A refused archive leaves nothing behind: not the
 * temporary directory, not the target, not parent directories this call created.
 *
 * <p>Refused, with the {@link ArchiveException#reason() reason}: absolute paths
 * ({@code ABSOLUTE_PATH}), {@code ..} ({@code PATH_TRAVERSAL}), links leaving the root or entries
 * beneath a link ({@code LINK_ESCAPE}), hard links ({@code HARD_LINK}), devices and FIFOs
 * ({@code SPECIAL_FILE}), more entries, bytes, bytes per file or expansion than the limits allow
 * ({@code TOO_MANY_ENTRIES}, {@code TOO_LARGE}, {@code FILE_TOO_LARGE}, {@code COMPRESSION_RATIO}),
 * content that does not match the manifest ({@code CHECKSUM_MISMATCH}, or {@code SIGNATURE_REJECTED}
 * when the manifest's signature verified), a missing, untrusted or bad signature when signatures are
 * required ({@code SIGNATURE_REJECTED}), a cut-off or damaged archive ({@code TRUNCATED},
 * {@code CORRUPT}), and a wrong or missing decryption key ({@code WRONG_KEY}, {@code KEY_REQUIRED}).
 *
 * <p>A built extractor is immutable and thread-safe; calls may run concurrently into different targets.
 */
public final class BundleExtractor {
    private final TrustedKeys trustedKeys;
    private final boolean signatureRequired;
    private final Optional<EncryptionKey> decryptionKey;
    private final SafeExtraction.Limits limits;
    private final ProgressListener progress;

    private BundleExtractor(Builder builder) {
        this.trustedKeys = builder.trustedKeys;
        this.signatureRequired = builder.signatureRequired;
        this.decryptionKey = builder.decryptionKey;
        this.limits = new SafeExtraction.Limits(builder.maxEntries, builder.maxTotalBytes, builder.maxFileBytes,
                builder.maxCompressionRatio);
        this.progress = builder.progress;
    }

    /**
     * Returns a builder holding the defaults.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Verifies a bundle and unpacks it into {@code target}.
     *
     * @param archive the bundle's bytes, read to the end; not closed
     * @param target the directory to create; it must not exist, or be an empty directory (which is
     *     replaced). Missing parent directories are created.
     * @return what was unpacked
     * @throws ArchiveException if the archive is refused (see the class documentation), with
     *     {@link Reason#TARGET_EXISTS} if the target is not empty, or {@link Reason#IO_ERROR} if
     *     reading or writing fails
     */
    public ExtractedBundle extract(InputStream archive, Path target) {
        return new SafeExtraction(trustedKeys, signatureRequired, decryptionKey, limits, progress)
                .run(archive, target, Optional.empty());
    }

    /**
     * Verifies a bundle against its content address and unpacks it into {@code target}; see
     * {@link #extract(InputStream, Path)}.
     *
     * @param archive the bundle's bytes, read to the end; not closed
     * @param target the directory to create
     * @param expectedSha256 the SHA-256 the archive bytes must have, in hex (the content address)
     * @return what was unpacked
     * @throws ArchiveException as {@link #extract(InputStream, Path)}, and with
     *     {@link Reason#CHECKSUM_MISMATCH} if the bytes do not have the expected SHA-256
     */
    public ExtractedBundle extract(InputStream archive, Path target, String expectedSha256) {
        return new SafeExtraction(trustedKeys, signatureRequired, decryptionKey, limits, progress)
                .run(archive, target, Optional.of(expectedSha256));
    }

    /** @return true if unsigned bundles and bundles from untrusted keys are refused */
    public boolean isSignatureRequired() {
        return signatureRequired;
    }

    @Override
    public String toString() {
        return "BundleExtractor[trusted=" + trustedKeys + ", signatureRequired=" + signatureRequired
                + ", decryptionKey=" + decryptionKey.map(EncryptionKey::keyId).orElse("none") + ", " + limits + "]";
    }

    /** Collects an extractor's settings. Not thread-safe. */
    public static final class Builder {
        private TrustedKeys trustedKeys = TrustedKeys.none();
        private boolean signatureRequired;
        private Optional<EncryptionKey> decryptionKey = Optional.empty();
        private int maxEntries = 100_000;
        private long maxTotalBytes = 8L * 1024 * 1024 * 1024;
        private long maxFileBytes = 4L * 1024 * 1024 * 1024;
        private int maxCompressionRatio = 200;
        private ProgressListener progress = ProgressListener.none();

        private Builder() {
        }

        /**
         * Sets the keys whose signatures are accepted. A bundle signed by one of them must verify,
         * whether or not signatures are required. Default: none.
         *
         * @param keys the trusted keys
         * @return this builder
         */
        public Builder trustedKeys(TrustedKeys keys) {
            this.trustedKeys = Objects.requireNonNull(keys, "keys");
            return this;
        }

        /**
         * Requires every bundle to carry a valid signature from a trusted key. Default: false
         * (unsigned bundles and bundles signed by unknown keys are accepted, but a bad signature
         * from a trusted key is still refused).
         *
         * @param required whether to require signatures
         * @return this builder
         */
        public Builder requireSignature(boolean required) {
            this.signatureRequired = required;
            return this;
        }

        /**
         * Sets the key that decrypts encrypted bundles. Unencrypted bundles are still accepted.
         * Default: none (encrypted bundles are refused with {@code KEY_REQUIRED}).
         *
         * @param key the key
         * @return this builder
         */
        public Builder decryptionKey(EncryptionKey key) {
            this.decryptionKey = Optional.of(key);
            return this;
        }

        /**
         * Sets the most entries (files, directories, links) a bundle may hold. Default 100,000.
         *
         * @param entries at least 1
         * @return this builder
         * @throws IllegalArgumentException if {@code entries} is below 1
         */
        public Builder maxEntries(int entries) {
            this.maxEntries = positive(entries, "maxEntries");
            return this;
        }

        /**
         * Sets the most bytes all files together may hold once unpacked. Default 8 GiB.
         *
         * @param bytes at least 1
         * @return this builder
         * @throws IllegalArgumentException if {@code bytes} is below 1
         */
        public Builder maxTotalBytes(long bytes) {
            this.maxTotalBytes = positive(bytes, "maxTotalBytes");
            return this;
        }

        /**
         * Sets the most bytes a single file may hold. Default 4 GiB.
         *
         * @param bytes at least 1
         * @return this builder
         * @throws IllegalArgumentException if {@code bytes} is below 1
         */
        public Builder maxFileBytes(long bytes) {
            this.maxFileBytes = positive(bytes, "maxFileBytes");
            return this;
        }

        /**
         * Sets how many times larger than the archive bytes read so far the unpacked files may
         * grow. Checked continuously once more than 1 MiB has been unpacked. Default 200 (source
         * code compresses about 5 to 10 times; gzip can reach about 1,000).
         *
         * @param ratio at least 1
         * @return this builder
         * @throws IllegalArgumentException if {@code ratio} is below 1
         */
        public Builder maxCompressionRatio(int ratio) {
            this.maxCompressionRatio = positive(ratio, "maxCompressionRatio");
            return this;
        }

        /**
         * Sets who receives progress reports (stage {@code EXTRACTING}). Default: none.
         *
         * @param listener the listener
         * @return this builder
         */
        public Builder progress(ProgressListener listener) {
            this.progress = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /**
         * Builds the extractor.
         *
         * @return the extractor
         */
        public BundleExtractor build() {
            return new BundleExtractor(this);
        }

        private static long positive(long value, String name) {
            if (value < 1) {
                throw new IllegalArgumentException(name + " must be at least 1, was " + value);
            }
            return value;
        }

        private static int positive(int value, String name) {
            return (int) positive((long) value, name);
        }
    }
}
