package dev.runpilot.sdk;

/**
 * Thrown when a storage backend, compute provider or container runtime cannot be resolved.
 *
 * <p>Raised when no provider answers to a requested name or URI scheme (the message lists what was
 * found and which dependency to add), or when two providers claim the same name (the message says how
 * to choose one).
 */
public class ProviderException extends RunPilotException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what went wrong and what to do
     */
    public ProviderException(String message) {
        super(message);
    }

    /**
     * Creates the exception with its underlying cause.
     *
     * @param message what went wrong and what to do
     * @param cause the underlying failure
     */
    public ProviderException(String message, Throwable cause) {
        super(message, cause);
    }
}
