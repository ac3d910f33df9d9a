package dev.runpilot.sdk.internal.remote;

import com.fasterxml.jackson.databind.JsonNode;
import dev.runpilot.sdk.internal.api.ApiJson;
import java.net.http.HttpHeaders;

/** A response of the v1 API: status, headers and the body as text. */
record ApiResponse(int status, HttpHeaders headers, String body) {
    boolean isSuccess() {
        return status >= 200 && status < 300;
    }

    /** The body as JSON; a malformed body becomes an {@link IllegalArgumentException} naming it. */
    JsonNode json() {
        return ApiJson.parse(body, "the server's response (HTTP " + status + ")");
    }

    /** The error code of a JSON error body, or empty text if the body is not one. */
    String errorCode() {
        try {
            return json().path("error").path("code").asText("");
        } catch (IllegalArgumentException e) {
            return "";
        }
    }

    /** The error message of a JSON error body, else the start of the body. */
    String errorMessage() {
        try {
            String message = json().path("error").path("message").asText("");
            if (!message.isEmpty()) {
                return message;
            }
        } catch (IllegalArgumentException e) {
            // not JSON: fall through to the raw text
        }
        return body.length() > 200 ? body.substring(0, 200) + "..." : body;
    }
}
