package dev.runpilot.sdk.spi;

import java.io.IOException;

/**
 * Thrown by a stream from {@link StorageBackend#get} when the bytes read do not match the SHA-256
 * stored with the object: the object was altered or damaged at rest or in transit.
 *
 * @since 0.2.0
 */
public class ChecksumMismatchException extends IOException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what was read, from where, and the two digests
     */
    public ChecksumMismatchException(String message) {
        super(message);
    }
}
