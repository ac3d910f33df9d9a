package dev.runpilot.sdk;

/**
 * Thrown when the control plane (the run database or the API server) cannot be opened or used.
 *
 * <p>Examples: a home directory that cannot be written, a database file that is not a RunPilot
 * database or is corrupt, a database written by a newer RunPilot version. The message names the
 * file or address involved.
 */
public class ControlPlaneException extends RunPilotException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what went wrong and what to do
     */
    public ControlPlaneException(String message) {
        super(message);
    }

    /**
     * Creates the exception with its underlying cause.
     *
     * @param message what went wrong and what to do
     * @param cause the underlying failure
     */
    public ControlPlaneException(String message, Throwable cause) {
        super(message, cause);
    }
}
