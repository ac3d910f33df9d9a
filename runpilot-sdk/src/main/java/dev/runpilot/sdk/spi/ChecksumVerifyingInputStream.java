package dev.runpilot.sdk.spi;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Objects;

/**
 * An input stream that computes the SHA-256 of the bytes it passes on and, when the underlying
 * stream ends, compares it with the expected digest: on a mismatch the read that reaches the end
 * throws {@link ChecksumMismatchException} instead of returning {@code -1}. Backends wrap the
 * streams {@link StorageBackend#get} returns in it.
 *
 * <p>Because a mismatch is only known at the end, a caller must not trust bytes it has read until
 * the stream has reported a clean end. The safe pattern writes to a temporary file and moves it into
 * place only after the copy finished without an exception:
 *
 * <pre>{@code
 * Path temp = Files.createTempFile(target.getParent(), ".download-", ".tmp");
 * try (InputStream in = backend.get(key).orElseThrow()) {
 *     Files.copy(in, temp, StandardCopyOption.REPLACE_EXISTING);
 *     Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
 * } finally {
 *     Files.deleteIfExists(temp);
 * }
 * }</pre>
 *
 * <p>{@link #skip} reads the skipped bytes so that they count towards the digest. Marks are not
 * supported. Not thread-safe, like most streams.
 *
 * @since 0.2.0
 */
public final class ChecksumVerifyingInputStream extends FilterInputStream {
    private final String expectedSha256;
    private final String description;
    private final MessageDigest digest;
    private ChecksumMismatchException failure;
    private boolean verified;

    /**
     * Wraps a stream.
     *
     * @param in the stream to read; closed when this stream is closed
     * @param expectedSha256 the expected SHA-256 as hex (either case)
     * @param description what is being read, for the exception message, such as
     *     {@code "'runs/r-1/logs/1.log' in s3://bucket/prefix"}
     * @throws IllegalArgumentException if {@code expectedSha256} is not 64 hex digits
     */
    public ChecksumVerifyingInputStream(InputStream in, String expectedSha256, String description) {
        super(Objects.requireNonNull(in, "in"));
        Objects.requireNonNull(expectedSha256, "expectedSha256");
        if (!expectedSha256.matches("[0-9a-fA-F]{64}")) {
            throw new IllegalArgumentException("Not a SHA-256 hex digest: '" + expectedSha256 + "' for " + description);
        }
        this.expectedSha256 = expectedSha256.toLowerCase(Locale.ROOT);
        this.description = Objects.requireNonNull(description, "description");
        this.digest = newSha256();
    }

    /**
     * Returns a new SHA-256 message digest.
     *
     * @return the digest
     */
    public static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("This JVM lacks SHA-256, which every Java SE platform must provide", e);
        }
    }

    @Override
    public int read() throws IOException {
        int b = in.read();
        if (b < 0) {
            verifyAtEnd();
            return -1;
        }
        digest.update((byte) b);
        return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        Objects.checkFromIndexSize(offset, length, buffer.length);
        if (length == 0) {
            return 0;
        }
        int n = in.read(buffer, offset, length);
        if (n < 0) {
            verifyAtEnd();
            return -1;
        }
        digest.update(buffer, offset, n);
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        byte[] scratch = new byte[(int) Math.min(Math.max(n, 0), 8192)];
        long skipped = 0;
        while (skipped < n) {
            int r = read(scratch, 0, (int) Math.min(scratch.length, n - skipped));
            if (r < 0) {
                break;
            }
            skipped += r;
        }
        return skipped;
    }

    @Override
    public boolean markSupported() {
        return false;
    }

    @Override
    public synchronized void mark(int readlimit) {
        // Not supported: a reset would feed bytes to the digest twice.
    }

    @Override
    public synchronized void reset() throws IOException {
        throw new IOException("mark/reset is not supported while verifying a checksum of " + description);
    }

    private void verifyAtEnd() throws ChecksumMismatchException {
        if (failure != null) {
            throw failure;
        }
        if (verified) {
            return;
        }
        String actual = HexFormat.of().formatHex(digest.digest());
        if (!actual.equals(expectedSha256)) {
            failure = new ChecksumMismatchException("Checksum mismatch reading " + description + ": stored SHA-256 "
                    + expectedSha256 + ", read " + actual + ". The object was altered or damaged; discard what was read"
                    + " and write it again from its source.");
            throw failure;
        }
        verified = true;
    }
}
