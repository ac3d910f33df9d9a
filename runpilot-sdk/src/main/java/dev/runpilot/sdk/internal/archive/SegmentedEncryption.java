package dev.runpilot.sdk.internal.archive;

import dev.runpilot.sdk.ArchiveException;
import dev.runpilot.sdk.ArchiveException.Reason;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Streamed AES-256-GCM in independent segments, in the style of Tink's streaming AEAD.
 *
 * <p>Layout: a 69-byte header ({@code RUNPILOT}, version 1, plaintext segment size, plaintext
 * length, 32-byte salt, 16-byte key check), then the segments, each its plaintext (the segment size,
 * the last one shorter) followed by a 16-byte GCM tag. Every segment has its own nonce: seven zero
 * bytes, the segment index (4 bytes, big-endian) and a last-segment flag, under a key derived from
 * the master key and the salt with HKDF-SHA256. The header is each segment's associated data. So
 * reordered, dropped, duplicated or truncated segments fail to authenticate, and decryption streams
 * with one segment of memory.
 *
 * <p>The salt is an HMAC of the plaintext's SHA-256 under the master key: the same plaintext under
 * the same key gives the same ciphertext (a content address stays stable), and different
 * plaintexts never share a segment key. The key check, derived from the master key and the salt,
 * tells a wrong key apart from damaged data.
 */
public final class SegmentedEncryption {
    /** The plaintext bytes per segment. */
    public static final int SEGMENT_SIZE = 64 * 1024;

    private static final byte[] MAGIC = "RUNPILOT".getBytes(StandardCharsets.US_ASCII);
    private static final int VERSION = 1;
    private static final int TAG_BYTES = 16;
    private static final int HEADER_BYTES = MAGIC.length + 1 + 4 + 8 + 32 + 16;

    private SegmentedEncryption() {
    }

    /**
     * Tells whether a stream starts like an encrypted bundle.
     *
     * @param firstBytes at least the first 8 bytes of the stream (fewer means no)
     * @return true if they are the magic
     */
    public static boolean hasMagic(byte[] firstBytes) {
        return firstBytes.length >= MAGIC.length && Arrays.equals(firstBytes, 0, MAGIC.length, MAGIC, 0, MAGIC.length);
    }

    /** @return the number of bytes to peek to call {@link #hasMagic} */
    public static int magicLength() {
        return MAGIC.length;
    }

    /**
     * Encrypts a whole plaintext.
     *
     * @param masterKey the 32-byte key
     * @param plaintext the plaintext, read to its end
     * @param length its length in bytes
     * @param plaintextSha256 its SHA-256 (raw 32 bytes), from which the salt is derived
     * @param out where the ciphertext goes; not closed
     * @throws IOException if reading or writing fails, or the plaintext is not {@code length} long
     */
    public static void encrypt(byte[] masterKey, InputStream plaintext, long length, byte[] plaintextSha256,
            OutputStream out) throws IOException {
        byte[] salt = hmac(masterKey, concat("runpilot-bundle/1 salt".getBytes(StandardCharsets.US_ASCII),
                plaintextSha256));
        byte[] header = ByteBuffer.allocate(HEADER_BYTES).put(MAGIC).put((byte) VERSION).putInt(SEGMENT_SIZE)
                .putLong(length).put(salt).put(hkdf(masterKey, salt, "runpilot-bundle/1 key check", 16)).array();
        SecretKeySpec segmentKey = new SecretKeySpec(hkdf(masterKey, salt, "runpilot-bundle/1 segment key", 32), "AES");
        out.write(header);
        long segments = segmentCount(length);
        byte[] buffer = new byte[SEGMENT_SIZE];
        for (long index = 0; index < segments; index++) {
            int size = segmentLength(length, index);
            if (plaintext.readNBytes(buffer, 0, size) != size) {
                throw new IOException("the plaintext ended before " + length + " bytes");
            }
            try {
                out.write(crypt(Cipher.ENCRYPT_MODE, segmentKey, header, index, index == segments - 1, buffer, size));
            } catch (AEADBadTagException e) {
                throw new IllegalStateException("encryption cannot fail to authenticate", e);
            }
        }
        if (plaintext.read() != -1) {
            throw new IOException("the plaintext is longer than " + length + " bytes");
        }
    }

    /**
     * Opens an encrypted stream for reading; the header is read and the key checked at once.
     *
     * @param masterKey the 32-byte key
     * @param ciphertext the encrypted stream, positioned at its start
     * @return the plaintext stream, which throws {@link ArchiveException} ({@link Reason#TRUNCATED}
     *     or {@link Reason#CORRUPT}) when a segment is missing or fails to authenticate
     * @throws ArchiveException with {@link Reason#WRONG_KEY}, {@link Reason#CORRUPT} or {@link Reason#TRUNCATED}
     * @throws IOException if reading fails
     */
    public static InputStream decrypt(byte[] masterKey, InputStream ciphertext) throws IOException {
        byte[] header = ciphertext.readNBytes(HEADER_BYTES);
        if (header.length < HEADER_BYTES) {
            throw new ArchiveException(Reason.TRUNCATED, "the encrypted archive ends inside its header");
        }
        ByteBuffer fields = ByteBuffer.wrap(header);
        fields.position(MAGIC.length);
        int version = fields.get();
        int segmentSize = fields.getInt();
        long length = fields.getLong();
        if (!hasMagic(header) || version != VERSION || segmentSize != SEGMENT_SIZE || length < 0) {
            throw new ArchiveException(Reason.CORRUPT, "the encrypted archive has an unknown header (version "
                    + version + "); it was not written by this version of RunPilot, or is damaged");
        }
        byte[] salt = new byte[32];
        byte[] keyCheck = new byte[16];
        fields.get(salt).get(keyCheck);
        if (!MessageDigest.isEqual(keyCheck, hkdf(masterKey, salt, "runpilot-bundle/1 key check", 16))) {
            throw new ArchiveException(Reason.WRONG_KEY, "the archive is encrypted with a different key: wrong"
                    + " decryption key. Use the key the bundle was made with.");
        }
        SecretKeySpec segmentKey = new SecretKeySpec(hkdf(masterKey, salt, "runpilot-bundle/1 segment key", 32), "AES");
        return new DecryptingInputStream(ciphertext, segmentKey, header, length);
    }

    private static long segmentCount(long length) {
        return Math.max(1, (length + SEGMENT_SIZE - 1) / SEGMENT_SIZE);
    }

    private static int segmentLength(long length, long index) {
        return (int) Math.min(SEGMENT_SIZE, length - index * SEGMENT_SIZE);
    }

    private static byte[] crypt(int mode, SecretKeySpec key, byte[] header, long index, boolean last, byte[] input,
            int inputLength) throws AEADBadTagException {
        byte[] nonce = ByteBuffer.allocate(12).put(new byte[7]).putInt((int) index).put((byte) (last ? 1 : 0)).array();
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(mode, key, new GCMParameterSpec(TAG_BYTES * 8, nonce));
            cipher.updateAAD(header);
            return cipher.doFinal(input, 0, inputLength);
        } catch (AEADBadTagException e) {
            throw e;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-256-GCM is not available in this JDK", e);
        }
    }

    static byte[] hkdf(byte[] inputKey, byte[] salt, String info, int length) {
        byte[] pseudoRandomKey = hmac(salt, inputKey);
        byte[] block = hmac(pseudoRandomKey, concat(info.getBytes(StandardCharsets.US_ASCII), new byte[] {1}));
        return Arrays.copyOf(block, length); // one HKDF-Expand block: every length used here is at most 32
    }

    static byte[] hmac(byte[] key, byte[] message) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(message);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available in this JDK", e);
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] both = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }

    /** Decrypts segment by segment; holds one segment in memory. */
    private static final class DecryptingInputStream extends InputStream {
        private final InputStream in;
        private final SecretKeySpec key;
        private final byte[] header;
        private final long length;
        private final long segments;
        private final byte[] segment = new byte[SEGMENT_SIZE + TAG_BYTES];
        private long nextIndex;
        private byte[] plain = new byte[0];
        private int position;

        DecryptingInputStream(InputStream in, SecretKeySpec key, byte[] header, long length) {
            this.in = in;
            this.key = key;
            this.header = header;
            this.length = length;
            this.segments = segmentCount(length);
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) == -1 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            while (position == plain.length) {
                if (nextIndex == segments) {
                    return -1;
                }
                nextSegment();
            }
            int n = Math.min(len, plain.length - position);
            System.arraycopy(plain, position, b, off, n);
            position += n;
            return n;
        }

        private void nextSegment() throws IOException {
            long index = nextIndex++;
            boolean last = index == segments - 1;
            int size = segmentLength(length, index) + TAG_BYTES;
            if (in.readNBytes(segment, 0, size) != size) {
                throw new ArchiveException(Reason.TRUNCATED, "the encrypted archive ends inside segment " + index
                        + " of " + segments + "; it was cut short in transfer or storage");
            }
            try {
                plain = crypt(Cipher.DECRYPT_MODE, key, header, index, last, segment, size);
            } catch (AEADBadTagException e) {
                throw new ArchiveException(Reason.CORRUPT, "segment " + index + " of the encrypted archive fails"
                        + " to authenticate: the archive was damaged or tampered with", e);
            }
            position = 0;
            if (last && in.read() != -1) {
                throw new ArchiveException(Reason.CORRUPT, "the encrypted archive has bytes after its last segment");
            }
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }
}
