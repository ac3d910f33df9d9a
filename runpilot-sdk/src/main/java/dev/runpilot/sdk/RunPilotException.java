package dev.runpilot.sdk;

/**
 * The root of every exception RunPilot throws.
 *
 * <p>All RunPilot exceptions are unchecked. Each subclass names one cause; the message says what was
 * wrong, where (run id, file, field) and what to do about it. Third-party exceptions never escape
 * except as the {@linkplain #getCause() cause}.
 */
public class RunPilotException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates an exception with a message.
     *
     * @param message what went wrong and what to do
     */
    public RunPilotException(String message) {
        super(message);
    }

    /**
     * Creates an exception with a message and the underlying cause.
     *
     * @param message what went wrong and what to do
     * @param cause the underlying failure
     */
    public RunPilotException(String message, Throwable cause) {
        super(message, cause);
    }
}
