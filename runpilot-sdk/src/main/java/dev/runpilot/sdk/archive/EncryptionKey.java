package dev.runpilot.sdk.archive;

import dev.runpilot.sdk.ArchiveException;
import dev.runpilot.sdk.ArchiveException.Reason;
import dev.runpilot.sdk.internal.archive.Hex;
import dev.runpilot.sdk.internal.archive.KeyFiles;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A 256-bit AES key that encrypts source bundles on the client and decrypts them on the agent.
 *
 * <p>Its text form is the key's 32 bytes in standard base64 (44 characters), as held by a key file
 * or an environment variable; surrounding whitespace is ignored. Key files are written with mode
 * 0600 and refused when group or others can read them.
 *
 * <pre>{@code
 * EncryptionKey key = EncryptionKey.fromEnvironment("RUNPILOT_ENCRYPTION_KEY");
 * }</pre>
 *
 * <p>Immutable and thread-safe. {@link #toString()} shows the {@linkplain #keyId() key id} only.
 */
public final class EncryptionKey {
    private static final int KEY_BYTES = 32;

    private final byte[] key;
    private final String keyId;

    private EncryptionKey(byte[] key) {
        this.key = key.clone();
        this.keyId = Hex.encode(hmac(this.key, "runpilot-bundle/1 key id")).substring(0, 16);
    }

    /**
     * Generates a new key from the JDK's strong random source.
     *
     * @return the key
     */
    public static EncryptionKey generate() {
        byte[] bytes = new byte[KEY_BYTES];
        new SecureRandom().nextBytes(bytes);
        return new EncryptionKey(bytes);
    }

    /**
     * Reads a key from its base64 form.
     *
     * @param base64 the 32 key bytes in standard base64
     * @return the key
     * @throws ArchiveException with {@link Reason#INVALID_KEY} if it is not 32 bytes of base64
     */
    public static EncryptionKey fromBase64(String base64) {
        return fromBase64(base64, "the encryption key");
    }

    /**
     * Reads a key from a file holding its base64 form.
     *
     * @param file the file
     * @return the key
     * @throws ArchiveException with {@link Reason#INVALID_KEY} if the file is missing, readable by
     *     group or others, or does not hold 32 bytes of base64
     */
    public static EncryptionKey load(Path file) {
        return fromBase64(KeyFiles.readSecret(file), "the encryption key file " + file);
    }

    /**
     * Reads a key from an environment variable holding its base64 form.
     *
     * @param variable the variable's name
     * @return the key
     * @throws ArchiveException with {@link Reason#INVALID_KEY} if the variable is unset or malformed
     */
    public static EncryptionKey fromEnvironment(String variable) {
        return fromEnvironment(variable, System.getenv());
    }

    static EncryptionKey fromEnvironment(String variable, Map<String, String> environment) {
        String value = environment.get(variable);
        if (value == null || value.isBlank()) {
            throw new ArchiveException(Reason.INVALID_KEY, "the environment variable " + variable + " is not set;"
                    + " set it to a base64 key (generate one with EncryptionKey.generate().toBase64())");
        }
        return fromBase64(value, "the environment variable " + variable);
    }

    private static EncryptionKey fromBase64(String base64, String source) {
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(base64.strip());
        } catch (IllegalArgumentException e) {
            throw new ArchiveException(Reason.INVALID_KEY, source + " is not valid base64: " + e.getMessage(), e);
        }
        if (bytes.length != KEY_BYTES) {
            throw new ArchiveException(Reason.INVALID_KEY, source + " holds " + bytes.length + " bytes; an"
                    + " AES-256 key is " + KEY_BYTES + " bytes (44 base64 characters)");
        }
        return new EncryptionKey(bytes);
    }

    /**
     * Writes the key's base64 form to a new file with mode 0600.
     *
     * @param file the file; must not exist
     * @throws ArchiveException with {@link Reason#IO_ERROR} if it exists or cannot be written
     */
    public void save(Path file) {
        KeyFiles.writeSecret(file, toBase64() + "\n");
    }

    /**
     * Returns the key's base64 form. This is the secret itself: never log it.
     *
     * @return 44 base64 characters
     */
    public String toBase64() {
        return Base64.getEncoder().encodeToString(key);
    }

    /**
     * Returns a short fingerprint that names the key without revealing it: 16 hex characters of an
     * HMAC under the key.
     *
     * @return the key id
     */
    public String keyId() {
        return keyId;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof EncryptionKey that && java.security.MessageDigest.isEqual(key, that.key);
    }

    @Override
    public int hashCode() {
        return keyId.hashCode();
    }

    @Override
    public String toString() {
        return "EncryptionKey[" + keyId + "]";
    }

    private static byte[] hmac(byte[] key, String message) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(message.getBytes(StandardCharsets.US_ASCII));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available in this JDK", e);
        }
    }
}
