package dev.runpilot.sdk;

/**
 * Thrown when a job is malformed, or asks for something this client cannot do.
 *
 * <p>Thrown by {@link Job.Builder#build()} for a job that can never run (no command, a negative
 * timeout), and by {@link RunPilotClient#submit(Job)} for a job that uses a feature the configured
 * runtime or engine does not support. Nothing is submitted when it is thrown.
 */
public class InvalidJobException extends RunPilotException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what went wrong and what to do
     */
    public InvalidJobException(String message) {
        super(message);
    }

    /**
     * Creates the exception with its underlying cause.
     *
     * @param message what went wrong and what to do
     * @param cause the underlying failure
     */
    public InvalidJobException(String message, Throwable cause) {
        super(message, cause);
    }
}
