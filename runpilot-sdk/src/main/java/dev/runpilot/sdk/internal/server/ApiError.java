package dev.runpilot.sdk.internal.server;

/**
 * A refusal the API answers with a status, a stable error code and a message meant for the caller.
 * Anything else thrown by a handler becomes a 500 with no detail.
 */
final class ApiError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    final int status;
    final String code;

    ApiError(int status, String code, String message) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
    }

    static ApiError badRequest(String message) {
        return new ApiError(400, "bad_request", message);
    }

    static ApiError unauthorized(String message) {
        return new ApiError(401, "unauthorized", message);
    }

    static ApiError forbidden(String message) {
        return new ApiError(403, "forbidden", message);
    }

    static ApiError notFound(String message) {
        return new ApiError(404, "not_found", message);
    }

    static ApiError leaseLost(String runId, String agentId) {
        return new ApiError(409, "lease_lost", "agent " + agentId + " does not hold run " + runId + " (its lease lapsed or the run moved on)");
    }
}
