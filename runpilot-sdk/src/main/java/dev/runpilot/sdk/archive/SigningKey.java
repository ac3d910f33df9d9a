package dev.runpilot.sdk.archive;

import dev.runpilot.sdk.ArchiveException;
import dev.runpilot.sdk.ArchiveException.Reason;
import dev.runpilot.sdk.internal.archive.KeyFiles;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.EdECPrivateKey;
import java.security.spec.NamedParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Arrays;

/**
 * An Ed25519 private key that signs source bundles, with its {@link VerificationKey}.
 *
 * <p>Stored as a PEM file holding PKCS#8 ({@code -----BEGIN PRIVATE KEY-----}), the form
 * {@code openssl genpkey -algorithm ed25519} writes, created with mode 0600 on POSIX file systems.
 * {@link #load(Path)} refuses a file that group or others can read. The public half is derived
 * from the private key, so the private file alone is enough.
 *
 * <pre>{@code
 * SigningKey key = SigningKey.generate();
 * key.save(home.resolve("keys/runpilot.key"));                     // 0600
 * key.verificationKey().save(home.resolve("keys/runpilot.pub"));   // give this to agents
 * }</pre>
 *
 * <p>Immutable and thread-safe. {@link #toString()} shows the key id only.
 */
public final class SigningKey {
    private static final String PEM_LABEL = "PRIVATE KEY";

    private final PrivateKey privateKey;
    private final VerificationKey verificationKey;

    private SigningKey(KeyPair pair) {
        this.privateKey = pair.getPrivate();
        this.verificationKey = new VerificationKey(pair.getPublic());
    }

    /**
     * Generates a new key from the JDK's strong random source.
     *
     * @return the key
     */
    public static SigningKey generate() {
        try {
            return new SigningKey(KeyPairGenerator.getInstance("Ed25519").generateKeyPair());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Ed25519 is not available in this JDK", e);
        }
    }

    /**
     * Reads a key from a PKCS#8 PEM file.
     *
     * @param file the file
     * @return the key
     * @throws ArchiveException with {@link Reason#INVALID_KEY} if the file is missing, readable by
     *     group or others, or holds no Ed25519 private key
     */
    public static SigningKey load(Path file) {
        return fromPem(KeyFiles.readSecret(file), file.toString());
    }

    /**
     * Reads a key from PKCS#8 PEM text, such as the value of a CI secret.
     *
     * @param pem the text, holding a {@code PRIVATE KEY} block
     * @return the key
     * @throws ArchiveException with {@link Reason#INVALID_KEY} if it holds no Ed25519 private key
     */
    public static SigningKey fromPem(String pem) {
        return fromPem(pem, "the PEM text");
    }

    private static SigningKey fromPem(String pem, String source) {
        byte[] der = KeyFiles.fromPem(pem, PEM_LABEL, source);
        try {
            PrivateKey key = KeyFactory.getInstance("Ed25519").generatePrivate(new PKCS8EncodedKeySpec(der));
            byte[] seed = ((EdECPrivateKey) key).getBytes().orElseThrow();
            return new SigningKey(derivePair(seed));
        } catch (GeneralSecurityException | ClassCastException | java.util.NoSuchElementException e) {
            throw new ArchiveException(Reason.INVALID_KEY, source + " does not hold an Ed25519 private key: "
                    + e.getMessage(), e);
        }
    }

    /**
     * Rebuilds the key pair from the 32-byte private seed: the JDK's generator draws exactly the
     * seed from its random source and derives the public key from it (RFC 8032), so a source that
     * returns the seed yields the pair. The result is checked, so a JDK that draws differently
     * fails loudly instead of producing a wrong public key.
     */
    private static KeyPair derivePair(byte[] seed) throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("Ed25519");
        generator.initialize(NamedParameterSpec.ED25519, new SeedRandom(seed));
        KeyPair pair = generator.generateKeyPair();
        byte[] derived = ((EdECPrivateKey) pair.getPrivate()).getBytes().orElseThrow();
        if (!Arrays.equals(derived, seed)) {
            throw new GeneralSecurityException("this JDK cannot derive an Ed25519 public key from a private key");
        }
        return pair;
    }

    /**
     * Writes the private key to a new PEM file with mode 0600.
     *
     * @param file the file; must not exist
     * @throws ArchiveException with {@link Reason#IO_ERROR} if it exists or cannot be written
     */
    public void save(Path file) {
        KeyFiles.writeSecret(file, KeyFiles.toPem(PEM_LABEL, privateKey.getEncoded()));
    }

    /** @return the public half, to give to agents */
    public VerificationKey verificationKey() {
        return verificationKey;
    }

    /** @return the key id of the public half */
    public String keyId() {
        return verificationKey.keyId();
    }

    /**
     * Signs bytes with Ed25519. The same bytes always give the same signature.
     *
     * @param message the bytes to sign
     * @return the 64-byte signature
     */
    public byte[] sign(byte[] message) {
        try {
            Signature signer = Signature.getInstance("Ed25519");
            signer.initSign(privateKey);
            signer.update(message);
            return signer.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Ed25519 is not available in this JDK", e);
        }
    }

    @Override
    public String toString() {
        return "SigningKey[ed25519 " + keyId() + "]";
    }

    /** A random source that returns one fixed seed, used only to rebuild a key pair. */
    private static final class SeedRandom extends SecureRandom {
        private static final long serialVersionUID = 1L;
        private final byte[] seed;

        SeedRandom(byte[] seed) {
            this.seed = seed.clone();
        }

        @Override
        public void nextBytes(byte[] bytes) {
            if (bytes.length != seed.length) {
                throw new IllegalStateException("unexpected draw of " + bytes.length + " bytes");
            }
            System.arraycopy(seed, 0, bytes, 0, bytes.length);
        }
    }
}
