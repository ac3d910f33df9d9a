package dev.runpilot.sdk;

/**
 * Thrown when a RunPilot API server refuses or fails a request: it carries the HTTP status and the
 * API's error code (such as {@code unauthorized}, {@code forbidden}, {@code not_found},
 * {@code payload_too_large}). The message says what the server said and what to check.
 */
public class ApiException extends ControlPlaneException {
    private static final long serialVersionUID = 1L;

    private final int statusCode;
    private final String errorCode;

    /**
     * Creates the exception.
     *
     * @param statusCode the HTTP status, such as 403
     * @param errorCode the API's error code, such as {@code forbidden}
     * @param message what went wrong and what to do
     */
    public ApiException(int statusCode, String errorCode, String message) {
        super(message);
        this.statusCode = statusCode;
        this.errorCode = errorCode;
    }

    /**
     * Returns the HTTP status of the refusal.
     *
     * @return such as 401, 403, 404, 413 or 503
     */
    public int statusCode() {
        return statusCode;
    }

    /**
     * Returns the API's error code.
     *
     * @return such as {@code unauthorized}
     */
    public String errorCode() {
        return errorCode;
    }
}
