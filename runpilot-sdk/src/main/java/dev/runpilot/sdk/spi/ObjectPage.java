package dev.runpilot.sdk.spi;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One page of a {@link StorageBackend#list(String, String, int)} listing.
 *
 * @param objects the objects, sorted by key
 * @param nextPageToken the token for the next page; empty on the last page
 * @since 0.1.0
 */
public record ObjectPage(List<ObjectInfo> objects, Optional<String> nextPageToken) {
    /** Checks and copies the values. */
    public ObjectPage {
        objects = List.copyOf(objects);
        Objects.requireNonNull(nextPageToken, "nextPageToken");
    }
}
