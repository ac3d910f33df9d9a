package dev.runpilot.gcp.internal;

import dev.runpilot.sdk.spi.ChecksumMismatchException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;

/**
 * Passes bytes on while computing their SHA-256 and, when the wrapped stream ends, compares it with
 * the digest stored with the object: on a mismatch the read that reaches the end throws
 * {@link ChecksumMismatchException} instead of returning -1, every time it is called again too.
 */
final class Sha256CheckingInputStream extends FilterInputStream {
    private final String expected;
    private final String description;
    private final MessageDigest digest;
    private boolean checked;
    private String mismatch;

    Sha256CheckingInputStream(InputStream in, String expectedSha256, String description) {
        super(in);
        this.expected = expectedSha256.toLowerCase(Locale.ROOT);
        this.description = description;
        this.digest = newSha256();
    }

    static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("This JVM has no SHA-256", e);
        }
    }

    @Override
    public int read() throws IOException {
        int b = in.read();
        if (b < 0) {
            return endOfStream();
        }
        digest.update((byte) b);
        return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        int n = in.read(buffer, offset, length);
        if (n < 0) {
            return endOfStream();
        }
        digest.update(buffer, offset, n);
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        // Skipped bytes must still count towards the digest.
        byte[] buffer = new byte[(int) Math.min(8192, Math.max(n, 1))];
        long skipped = 0;
        while (skipped < n) {
            int r = read(buffer, 0, (int) Math.min(buffer.length, n - skipped));
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
    public synchronized void mark(int readLimit) {
        // Marks are not supported: a reset would count bytes twice.
    }

    @Override
    public synchronized void reset() throws IOException {
        throw new IOException("mark/reset not supported while verifying " + description);
    }

    private int endOfStream() throws ChecksumMismatchException {
        if (!checked) {
            checked = true;
            String actual = HexFormat.of().formatHex(digest.digest());
            if (!actual.equals(expected)) {
                mismatch = "Checksum mismatch reading " + description + ": stored SHA-256 " + expected + ", read "
                        + actual + ". The object was altered or damaged; do not use what was read.";
            }
        }
        if (mismatch != null) {
            throw new ChecksumMismatchException(mismatch);
        }
        return -1;
    }
}
