package dev.runpilot.sdk.spi;

import java.io.InputStream;
import java.net.URI;
import java.time.Duration;
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
     * Stores an object as {@code application/octet-stream}.
     *
     * @param key the key
     * @param content the bytes, read to the end; not closed
     * @return what was stored
     * @see #put(String, InputStream, String)
     */
    default ObjectInfo put(String key, InputStream content) {
        return put(key, content, DEFAULT_CONTENT_TYPE);
    }

    /** The content type of objects stored without one. */
    String DEFAULT_CONTENT_TYPE = "application/octet-stream";

    /**
     * Stores an object, replacing any object with the same key. Readers see either the old object or
     * the whole new one, never a part. The content is streamed: implementations never hold the whole
     * object in memory. The object's SHA-256 is computed while it is written and kept with it, so
     * that {@link #stat} reports it and {@link #get} verifies it.
     *
     * @param key the key
     * @param content the bytes, read to the end; not closed
     * @param contentType the content type to keep with the object, such as {@code application/gzip}
     * @return what was stored
     * @since 0.2.0
     */
    ObjectInfo put(String key, InputStream content, String contentType);

    /**
     * Opens an object for reading. The stream verifies the object's stored SHA-256 as it is read:
     * when the bytes do not match, the read that reaches the end throws a
     * {@link ChecksumMismatchException} instead of reporting end of stream, so a caller that writes
     * to a temporary file and keeps it only after a clean end never keeps corrupted bytes.
     *
     * @param key the key
     * @return the bytes (the caller closes the stream), or empty if there is no such object
     */
    Optional<InputStream> get(String key);

    /**
     * Tells whether an object exists.
     *
     * @param key the key
     * @return true if there is an object under the key
     * @since 0.2.0
     */
    default boolean exists(String key) {
        return stat(key).isPresent();
    }

    /**
     * Returns a URL through which anyone holding it may read or write one object over plain HTTP
     * until it expires: an S3 presigned URL, a GCS signed URL, an Azure SAS URL. Reading is an HTTP
     * {@code GET}; writing is an HTTP {@code PUT} of the whole object (Azure also needs the header
     * {@code x-ms-blob-type: BlockBlob}, which {@link PresignedUrl#requiredHeaders()} lists).
     *
     * @param key the key
     * @param access whether the URL reads or writes
     * @param validFor how long the URL stays valid, at least one second
     * @return the URL, or empty when this backend has no URL form (the {@code file} backend)
     * @since 0.2.0
     */
    default Optional<PresignedUrl> presign(String key, PresignedUrl.Access access, Duration validFor) {
        return Optional.empty();
    }

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
     * <p>The default lists the prefix a page of 1,000 keys at a time ({@link #list}) and deletes each
     * object on the page ({@link #delete}), so it makes one call per object; backends with a batch
     * delete (such as S3's {@code DeleteObjects}) override it. It is not atomic: when it fails part
     * way, the objects deleted so far stay deleted and calling it again finishes the job. Objects
     * written under the prefix while it runs may or may not be deleted.
     *
     * @param prefix a non-empty key prefix
     * @return how many objects were deleted (objects another caller deleted first are not counted)
     * @throws IllegalArgumentException if {@code prefix} is empty: deleting everything is refused
     * @throws dev.runpilot.sdk.StorageException if listing or deleting fails
     * @since 0.2.0 (a default method; before, every backend implemented it)
     */
    default long deletePrefix(String prefix) {
        if (prefix.isEmpty()) {
            throw new IllegalArgumentException("deletePrefix needs a non-empty prefix; refusing to delete everything in " + uri());
        }
        long deleted = 0;
        String token = null;
        do {
            ObjectPage page = list(prefix, token, 1000);
            for (ObjectInfo object : page.objects()) {
                if (delete(object.key())) {
                    deleted++;
                }
            }
            token = page.nextPageToken().orElse(null);
        } while (token != null);
        return deleted;
    }

    /** Releases the backend's resources. The default does nothing. */
    @Override
    default void close() {
    }
}
