package dev.runpilot.sdk.archive;

import dev.runpilot.sdk.ArchiveException;
import dev.runpilot.sdk.ArchiveException.Reason;
import dev.runpilot.sdk.internal.archive.Hex;
import dev.runpilot.sdk.internal.archive.KeyFiles;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;

/**
 * The public half of a {@link SigningKey}: an Ed25519 public key that checks bundle signatures.
 *
 * <p>Stored as a PEM file holding an X.509 {@code SubjectPublicKeyInfo} ({@code -----BEGIN PUBLIC
 * KEY-----}), the form {@code openssl pkey -pubout} writes. Its {@linkplain #keyId() key id} is the
 * first 16 hex characters of the SHA-256 of that DER encoding: a name for logs and a hint to find
 * the key, never a reason to trust it. Immutable; equal when the key bytes are equal.
 */
public final class VerificationKey {
    static final String PEM_LABEL = "PUBLIC KEY";

    private final PublicKey publicKey;
    private final byte[] encoded;
    private final String keyId;

    VerificationKey(PublicKey publicKey) {
        this.publicKey = publicKey;
        this.encoded = publicKey.getEncoded();
        this.keyId = Hex.sha256Hex(encoded).substring(0, 16);
    }

    /**
     * Reads a key from PEM text.
     *
     * @param pem the text, holding a {@code PUBLIC KEY} block
     * @return the key
     * @throws ArchiveException with {@link Reason#INVALID_KEY} if it holds no Ed25519 public key
     */
    public static VerificationKey fromPem(String pem) {
        return fromPem(pem, "the PEM text");
    }

    /**
     * Reads a key from a PEM file.
     *
     * @param file the file
     * @return the key
     * @throws ArchiveException with {@link Reason#INVALID_KEY} if it is missing or holds no Ed25519 public key
     */
    public static VerificationKey load(Path file) {
        return fromPem(KeyFiles.read(file), file.toString());
    }

    private static VerificationKey fromPem(String pem, String source) {
        byte[] der = KeyFiles.fromPem(pem, PEM_LABEL, source);
        try {
            return new VerificationKey(KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(der)));
        } catch (GeneralSecurityException | ClassCastException e) {
            throw new ArchiveException(Reason.INVALID_KEY, source + " does not hold an Ed25519 public key: "
                    + e.getMessage(), e);
        }
    }

    /**
     * Writes this key to a new PEM file.
     *
     * @param file the file; must not exist
     * @throws ArchiveException with {@link Reason#IO_ERROR} if it exists or cannot be written
     */
    public void save(Path file) {
        KeyFiles.writePublic(file, toPem());
    }

    /** @return this key as PEM text */
    public String toPem() {
        return KeyFiles.toPem(PEM_LABEL, encoded);
    }

    /** @return the key id: 16 lower-case hex characters */
    public String keyId() {
        return keyId;
    }

    /**
     * Checks an Ed25519 signature.
     *
     * @param message the signed bytes
     * @param signature the signature
     * @return true if this key's owner signed exactly these bytes
     */
    public boolean verify(byte[] message, byte[] signature) {
        try {
            Signature verifier = Signature.getInstance("Ed25519");
            verifier.initVerify(publicKey);
            verifier.update(message);
            return verifier.verify(signature);
        } catch (java.security.SignatureException e) {
            return false;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Ed25519 is not available in this JDK", e);
        }
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof VerificationKey key && Arrays.equals(encoded, key.encoded);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(encoded);
    }

    @Override
    public String toString() {
        return "VerificationKey[ed25519 " + keyId + "]";
    }
}
