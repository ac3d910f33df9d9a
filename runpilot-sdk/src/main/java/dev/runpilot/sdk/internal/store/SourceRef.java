package dev.runpilot.sdk.internal.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Optional;

/**
 * Where a run's source bundle is kept and what it is: the storage key, its content address, its
 * size, how many entries it holds, and which keys signed and encrypted it.
 */
public record SourceRef(String key, String sha256, long size, int entries, Optional<String> signerKeyId,
                        Optional<String> encryptionKeyId) {
    private static final ObjectMapper JSON = new ObjectMapper();

    public String toJson() {
        var node = JSON.createObjectNode().put("key", key).put("sha256", sha256).put("size", size).put("entries", entries);
        signerKeyId.ifPresent(id -> node.put("signerKeyId", id));
        encryptionKeyId.ifPresent(id -> node.put("encryptionKeyId", id));
        return node.toString();
    }

    public static SourceRef fromJson(String json) {
        try {
            JsonNode node = JSON.readTree(json);
            return new SourceRef(node.path("key").asText(), node.path("sha256").asText(), node.path("size").asLong(),
                    node.path("entries").asInt(), Optional.ofNullable(node.path("signerKeyId").textValue()),
                    Optional.ofNullable(node.path("encryptionKeyId").textValue()));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Stored source reference is not valid JSON: " + e.getOriginalMessage(), e);
        }
    }
}
