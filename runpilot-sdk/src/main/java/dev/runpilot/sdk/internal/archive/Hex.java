package dev.runpilot.sdk.internal.archive;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Lower-case hex and SHA-256, the two encodings every archive part shares. */
public final class Hex {
    private static final HexFormat HEX = HexFormat.of();

    private Hex() {
    }

    /**
     * Encodes bytes as lower-case hex.
     *
     * @param bytes the bytes
     * @return the hex string
     */
    public static String encode(byte[] bytes) {
        return HEX.formatHex(bytes);
    }

    /**
     * Returns a new SHA-256 digest.
     *
     * @return the digest
     */
    public static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JDK has no SHA-256", e);
        }
    }

    /**
     * Returns the lower-case hex SHA-256 of bytes.
     *
     * @param bytes the bytes
     * @return 64 hex characters
     */
    public static String sha256Hex(byte[] bytes) {
        return encode(sha256().digest(bytes));
    }

    /**
     * Tells whether a string is a lower-case hex SHA-256.
     *
     * @param value the string
     * @return true for 64 lower-case hex characters
     */
    public static boolean isSha256Hex(String value) {
        if (value.length() != 64) {
            return false;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
                return false;
            }
        }
        return true;
    }
}
