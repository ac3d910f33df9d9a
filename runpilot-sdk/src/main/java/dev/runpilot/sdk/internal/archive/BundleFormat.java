package dev.runpilot.sdk.internal.archive;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.runpilot.sdk.ArchiveException;
import dev.runpilot.sdk.ArchiveException.Reason;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The fixed parts of the bundle format: the names of the metadata entries that open every archive,
 * the bytes a signature signs, and the signature entry's JSON.
 */
public final class BundleFormat {
    /** The first entry of every bundle: the canonical manifest. */
    public static final String MANIFEST_ENTRY = ".runpilot-bundle/manifest.json";
    /** The second entry of a signed bundle. */
    public static final String SIGNATURE_ENTRY = ".runpilot-bundle/signature.json";
    /** The largest manifest a reader accepts. */
    public static final int MAX_MANIFEST_BYTES = 64 * 1024 * 1024;
    /** The largest signature entry a reader accepts. */
    public static final int MAX_SIGNATURE_BYTES = 4096;

    private static final JsonMapper MAPPER = JsonMapper.builder().build();

    private BundleFormat() {
    }

    /** A decoded signature entry. @param keyId the signer's key id @param signature the Ed25519 signature */
    public record SignatureBlock(String keyId, byte[] signature) {
    }

    /**
     * Returns the bytes a signature signs: an ASCII line naming the format and the manifest digest.
     *
     * @param manifestDigest the manifest's SHA-256 in lower-case hex
     * @return the message
     */
    public static byte[] signedMessage(String manifestDigest) {
        return ("runpilot-bundle/1 manifest sha256:" + manifestDigest).getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * Encodes a signature entry.
     *
     * @param keyId the signer's key id
     * @param signature the signature
     * @return UTF-8 JSON
     */
    public static byte[] encodeSignature(String keyId, byte[] signature) {
        return ("{\"algorithm\":\"Ed25519\",\"keyId\":\"" + keyId + "\",\"signature\":\""
                + Base64.getEncoder().encodeToString(signature) + "\"}\n").getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * Decodes a signature entry.
     *
     * @param json the entry's bytes
     * @return the signature
     * @throws ArchiveException with {@link Reason#SIGNATURE_REJECTED} if it is malformed
     */
    public static SignatureBlock decodeSignature(byte[] json) {
        try {
            JsonNode node = MAPPER.readTree(json);
            if (node != null && "Ed25519".equals(node.path("algorithm").asText())
                    && node.path("keyId").isTextual() && node.path("signature").isTextual()) {
                return new SignatureBlock(node.get("keyId").asText(),
                        Base64.getDecoder().decode(node.get("signature").asText()));
            }
        } catch (IOException | IllegalArgumentException e) {
            throw malformed(e);
        }
        throw malformed(null);
    }

    private static ArchiveException malformed(Exception cause) {
        return new ArchiveException(Reason.SIGNATURE_REJECTED, "the archive's signature entry is malformed or uses"
                + " an algorithm other than Ed25519", cause);
    }
}
