package dev.runpilot.sdk.spi;

import java.net.URI;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * A URL that grants access to one stored object until it expires, from
 * {@link StorageBackend#presign}.
 *
 * @param url the URL
 * @param access what it grants
 * @param expiresAt when it stops working
 * @param requiredHeaders headers the HTTP request must carry for the URL to work, such as
 *     {@code x-ms-blob-type: BlockBlob} for an Azure upload; often empty
 * @since 0.2.0
 */
public record PresignedUrl(URI url, Access access, Instant expiresAt, Map<String, String> requiredHeaders) {
    /** What a presigned URL allows. */
    public enum Access {
        /** An HTTP {@code GET} of the object. */
        READ,
        /** An HTTP {@code PUT} of the whole object, replacing it. */
        WRITE
    }

    /** Checks and copies the values. */
    public PresignedUrl {
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(access, "access");
        Objects.requireNonNull(expiresAt, "expiresAt");
        requiredHeaders = Map.copyOf(requiredHeaders);
    }

    /** Hides the URL's signature: it is a credential. */
    @Override
    public String toString() {
        String text = url.toString();
        int query = text.indexOf('?');
        return "PresignedUrl[" + (query < 0 ? text : text.substring(0, query) + "?<signature>") + ", " + access
                + ", expires " + expiresAt + "]";
    }
}
