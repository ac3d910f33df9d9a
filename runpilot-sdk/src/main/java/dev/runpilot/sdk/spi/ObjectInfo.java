package dev.runpilot.sdk.spi;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * What a {@link StorageBackend} knows of one stored object.
 *
 * @param key the object's key
 * @param size its size in bytes
 * @param sha256 its SHA-256 as lower-case hex, if the backend keeps it
 * @param contentType its content type, if known
 * @param lastModified when it was last written
 * @since 0.1.0
 */
public record ObjectInfo(String key, long size, Optional<String> sha256, Optional<String> contentType,
                         Instant lastModified) {
    /** Checks the values. */
    public ObjectInfo {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(sha256, "sha256");
        Objects.requireNonNull(contentType, "contentType");
        Objects.requireNonNull(lastModified, "lastModified");
    }
}
