package dev.runpilot.sdk.archive;

import dev.runpilot.sdk.ArchiveException;
import dev.runpilot.sdk.ArchiveException.Reason;
import dev.runpilot.sdk.internal.archive.BundleWriter;
import dev.runpilot.sdk.internal.archive.IgnorePattern;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Turns a source tree into a {@link Bundle}: a deterministic, content-addressed tar.gz with a
 * manifest, optionally signed (Ed25519) and encrypted (AES-256-GCM).
 *
 * <pre>{@code
 * Bundler bundler = Bundler.builder().signer(SigningKey.load(keyFile)).build();
 * Bundle bundle = bundler.bundle(Path.of("."), workDir.resolve("source.tar.gz"));
 * storage.put("bundles/" + bundle.sha256() + ".tar.gz", Files.newInputStream(bundle.file()));
 * }</pre>
 *
 * <p>What goes in: every file, directory and symbolic link under the source directory except what
 * the ignore rules leave out ({@code .runpilotignore} files in gitignore syntax, the defaults
 * {@code .git}, {@code __pycache__/}, {@code .venv/}, {@code node_modules/}, {@code target/},
 * {@code *.pyc}, and the builder's patterns). Links must stay inside the tree; FIFOs, sockets and
 * devices are refused. The output is the same bytes for the same tree whatever the file times,
 * owners, creation order or thread timing. See {@code docs/archives.md} for the format.
 *
 * <p>A built bundler is immutable and thread-safe; each {@link #bundle} call uses its own threads
 * and releases them before returning.
 */
public final class Bundler {
    private final List<String> ignorePatterns;
    private final long sizeLimit;
    private final ProgressListener progress;
    private final Optional<SigningKey> signer;
    private final Optional<EncryptionKey> encryption;
    private final int parallelism;
    private final int compressionLevel;

    private Bundler(Builder builder) {
        this.ignorePatterns = List.copyOf(builder.ignorePatterns);
        this.sizeLimit = builder.sizeLimit;
        this.progress = builder.progress;
        this.signer = builder.signer;
        this.encryption = builder.encryption;
        this.parallelism = builder.parallelism;
        this.compressionLevel = builder.compressionLevel;
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
     * Returns a builder holding this bundler's settings.
     *
     * @return a new builder
     */
    public Builder toBuilder() {
        Builder builder = new Builder();
        builder.ignorePatterns.addAll(ignorePatterns);
        builder.sizeLimit = sizeLimit;
        builder.progress = progress;
        builder.signer = signer;
        builder.encryption = encryption;
        builder.parallelism = parallelism;
        builder.compressionLevel = compressionLevel;
        return builder;
    }

    /**
     * Bundles a tree into a file. The file appears (replacing any file of that name) only when it
     * is complete; on failure nothing is left behind.
     *
     * @param sourceDir the root of the tree
     * @param outputFile where to write the bundle, outside the source tree (or ignored by it, or the
     *     next bundle would contain this one); its directory is created if missing
     * @return the bundle, with its content address and manifest
     * @throws ArchiveException with {@link Reason#TOO_LARGE} (naming the five largest files) if the
     *     files exceed the size limit, {@link Reason#LINK_ESCAPE} for a link leaving the tree,
     *     {@link Reason#SPECIAL_FILE} for a FIFO, socket or device, {@link Reason#IO_ERROR} if the
     *     tree cannot be read, the output cannot be written, or a file changes while it is bundled
     */
    public Bundle bundle(Path sourceDir, Path outputFile) {
        return new BundleWriter(ignorePatterns, sizeLimit, progress, signer, encryption, parallelism,
                compressionLevel).write(sourceDir, outputFile);
    }

    /** @return the ignore patterns added to the defaults and {@code .runpilotignore} files */
    public List<String> ignorePatterns() {
        return ignorePatterns;
    }

    /** @return the most bytes of file content a bundle may hold */
    public long sizeLimit() {
        return sizeLimit;
    }

    /** @return the number of threads that hash and compress */
    public int parallelism() {
        return parallelism;
    }

    @Override
    public String toString() {
        return "Bundler[ignore=" + ignorePatterns + ", sizeLimit=" + sizeLimit + ", signer=" + signer.map(
                SigningKey::keyId).orElse("none") + ", encryption=" + encryption.map(EncryptionKey::keyId)
                .orElse("none") + ", parallelism=" + parallelism + "]";
    }

    /** Collects a bundler's settings. Not thread-safe. */
    public static final class Builder {
        private final List<String> ignorePatterns = new ArrayList<>();
        private long sizeLimit = 1024L * 1024 * 1024;
        private ProgressListener progress = ProgressListener.none();
        private Optional<SigningKey> signer = Optional.empty();
        private Optional<EncryptionKey> encryption = Optional.empty();
        private int parallelism = Runtime.getRuntime().availableProcessors();
        private int compressionLevel = 6;

        private Builder() {
        }

        /**
         * Adds ignore patterns in gitignore syntax. They take precedence over the defaults and over
         * every {@code .runpilotignore} file. Default: none.
         *
         * @param patterns the patterns, such as {@code "*.log"}, {@code "data/"}, {@code "!data/small.csv"}
         * @return this builder
         * @throws IllegalArgumentException for a malformed pattern
         */
        public Builder ignore(String... patterns) {
            return ignore(Arrays.asList(patterns));
        }

        /**
         * Adds ignore patterns in gitignore syntax; see {@link #ignore(String...)}.
         *
         * @param patterns the patterns
         * @return this builder
         * @throws IllegalArgumentException for a malformed pattern
         */
        public Builder ignore(List<String> patterns) {
            for (String pattern : patterns) {
                IgnorePattern.parse(Objects.requireNonNull(pattern, "pattern"), "");
                ignorePatterns.add(pattern);
            }
            return this;
        }

        /**
         * Sets the most bytes of file content (before compression) a bundle may hold. Default 1 GiB.
         *
         * @param bytes the limit, at least 1
         * @return this builder
         * @throws IllegalArgumentException if {@code bytes} is below 1
         */
        public Builder sizeLimit(long bytes) {
            if (bytes < 1) {
                throw new IllegalArgumentException("sizeLimit must be at least 1 byte, was " + bytes);
            }
            this.sizeLimit = bytes;
            return this;
        }

        /**
         * Sets who receives progress reports (stages {@code HASHING}, {@code ARCHIVING} and, when
         * encrypting, {@code ENCRYPTING}). Default: none.
         *
         * @param listener the listener
         * @return this builder
         */
        public Builder progress(ProgressListener listener) {
            this.progress = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /**
         * Signs bundles with a key. Default: unsigned.
         *
         * @param key the signing key
         * @return this builder
         */
        public Builder signer(SigningKey key) {
            this.signer = Optional.of(key);
            return this;
        }

        /**
         * Encrypts bundles with a key. Default: not encrypted.
         *
         * @param key the encryption key
         * @return this builder
         */
        public Builder encryption(EncryptionKey key) {
            this.encryption = Optional.of(key);
            return this;
        }

        /**
         * Sets the number of threads that hash and compress. The output does not depend on it.
         * Default: the number of available processors.
         *
         * @param threads at least 1
         * @return this builder
         * @throws IllegalArgumentException if {@code threads} is below 1
         */
        public Builder parallelism(int threads) {
            if (threads < 1) {
                throw new IllegalArgumentException("parallelism must be at least 1, was " + threads);
            }
            this.parallelism = threads;
            return this;
        }

        /**
         * Sets the deflate level, from 1 (fastest) to 9 (smallest). Bundles made at different levels
         * have different bytes and so different content addresses. Default 6, as gzip's.
         *
         * @param level 1 to 9
         * @return this builder
         * @throws IllegalArgumentException if {@code level} is out of range
         */
        public Builder compressionLevel(int level) {
            if (level < 1 || level > 9) {
                throw new IllegalArgumentException("compressionLevel must be 1 to 9, was " + level);
            }
            this.compressionLevel = level;
            return this;
        }

        /**
         * Builds the bundler.
         *
         * @return the bundler
         */
        public Bundler build() {
            return new Bundler(this);
        }
    }
}
