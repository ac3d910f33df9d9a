package dev.runpilot.sdk.spi;

import java.io.InputStream;
import java.net.URI;
import java.util.Optional;

/**
 * A place to keep bytes by key: code bundles, logs, metrics and artifacts.
 *
 * <p>Keys are {@code /}-separated relative paths such as {@code runs/r-1/logs/attempt-1.log}; they
 * never start with {@code /} and never contain {@code ..} segments. Implementations stream: no
 * method holds a whole object in memory. Implementations are thread-safe.
 *
 * <p>Failures are reported as {@link dev.runpilot.sdk.StorageException}s whose message names
 * {@link #uri()} and the key.
 *
 * @since 0.1.0
 */
public interface StorageBackend extends AutoCloseable {
    /**
     * Returns the URI this backend stores under, such as {@code file:///home/me/.runpilot/storage}.
     *
     * @return the base URI
     */
    URI uri();

    /**
     * Stores an object, replacing any object with the same key. Readers see either the old object or
     * the whole new one, never a part.
     *
     * @param key the key
     * @param content the bytes, read to the end; not closed
     * @return what was stored
     */
    ObjectInfo put(String key, InputStream content);

    /**
     * Opens an object for reading.
     *
     * @param key the key
     * @return the bytes (the caller closes the stream), or empty if there is no such object
     */
    Optional<InputStream> get(String key);

    /**
     * Describes an object.
     *
     * @param key the key
     * @return what is known of it, or empty if there is no such object
     */
    Optional<ObjectInfo> stat(String key);

    /**
     * Lists objects whose key starts with {@code prefix}, sorted by key.
     *
     * @param prefix the key prefix; empty for all
     * @param pageToken the token of the page to return, or {@code null} for the first
     * @param limit the most objects to return, at least 1
     * @return the page
     */
    ObjectPage list(String prefix, String pageToken, int limit);

    /**
     * Deletes an object.
     *
     * @param key the key
     * @return true if it existed
     */
    boolean delete(String key);

    /**
     * Deletes every object whose key starts with {@code prefix}.
     *
     * @param prefix a non-empty key prefix
     * @return how many objects were deleted
     */
    long deletePrefix(String prefix);

    /** Releases the backend's resources. The default does nothing. */
    @Override
    default void close() {
    }
}
