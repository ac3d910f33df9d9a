package dev.runpilot.sdk;

/**
 * Thrown when a {@link dev.runpilot.sdk.spi.StorageBackend} cannot read or write an object.
 *
 * <p>The message names the storage URI and key involved.
 */
public class StorageException extends RunPilotException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what went wrong and what to do
     */
    public StorageException(String message) {
        super(message);
    }

    /**
     * Creates the exception with its underlying cause.
     *
     * @param message what went wrong and what to do
     * @param cause the underlying failure
     */
    public StorageException(String message, Throwable cause) {
        super(message, cause);
    }
}
