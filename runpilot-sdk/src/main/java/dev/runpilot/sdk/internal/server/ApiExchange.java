package dev.runpilot.sdk.internal.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import dev.runpilot.sdk.internal.api.ApiJson;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** One request and its response: the body read under a size limit, query parameters, JSON out. */
final class ApiExchange {
    private static final long MAX_DISCARD_BYTES = 64L << 20;

    final HttpExchange http;
    final String method;
    final List<String> path;
    private final long maxBody;
    private Map<String, List<String>> query;
    Principal principal;

    ApiExchange(HttpExchange http, long maxBody) {
        this.http = http;
        this.method = http.getRequestMethod();
        this.maxBody = maxBody;
        List<String> segments = new ArrayList<>();
        for (String s : http.getRequestURI().getRawPath().split("/")) {
            if (!s.isEmpty()) {
                segments.add(URLDecoder.decode(s, StandardCharsets.UTF_8));
            }
        }
        this.path = segments;
    }

    Optional<String> header(String name) {
        return Optional.ofNullable(http.getRequestHeaders().getFirst(name));
    }

    /** Reads the request body as JSON, refusing more than the limit with 413. */
    JsonNode json() {
        String body = new String(bytes(maxBody), StandardCharsets.UTF_8);
        if (body.isBlank()) {
            throw ApiError.badRequest("the request needs a JSON body");
        }
        try {
            return ApiJson.parse(body, "the request body");
        } catch (IllegalArgumentException e) {
            throw ApiError.badRequest(e.getMessage());
        }
    }

    byte[] bytes(long limit) {
        Optional<String> length = header("Content-Length");
        if (length.isPresent()) {
            try {
                if (Long.parseLong(length.get().trim()) > limit) {
                    discardBody();
                    throw tooLarge(limit);
                }
            } catch (NumberFormatException e) {
                throw ApiError.badRequest("Content-Length '" + length.get() + "' is not a number");
            }
        }
        try (InputStream in = http.getRequestBody()) {
            byte[] data = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, limit + 1));
            if (data.length > limit) {
                discardBody();
                throw tooLarge(limit);
            }
            return data;
        } catch (IOException e) {
            throw ApiError.badRequest("could not read the request body: " + e.getMessage());
        }
    }

    /**
     * The request body as a stream that fails (and makes the call answer 413) once more than
     * {@code limit} bytes were read, for bodies too large to hold in memory.
     */
    InputStream body(long limit) {
        Optional<String> length = header("Content-Length");
        if (length.isPresent()) {
            try {
                if (Long.parseLong(length.get().trim()) > limit) {
                    discardBody();
                    throw tooLarge(limit);
                }
            } catch (NumberFormatException e) {
                throw ApiError.badRequest("Content-Length '" + length.get() + "' is not a number");
            }
        }
        return new java.io.FilterInputStream(http.getRequestBody()) {
            private long read;

            @Override
            public int read() throws IOException {
                int b = super.read();
                if (b >= 0) {
                    count(1);
                }
                return b;
            }

            @Override
            public int read(byte[] buffer, int offset, int length) throws IOException {
                int n = super.read(buffer, offset, length);
                if (n > 0) {
                    count(n);
                }
                return n;
            }

            private void count(int n) {
                read += n;
                if (read > limit) {
                    discardBody();
                    throw tooLarge(limit);
                }
            }
        };
    }

    /**
     * Reads and drops the rest of an oversized body (up to a bound), so that the client, still
     * sending, receives the 413 instead of a broken connection.
     */
    private void discardBody() {
        try (InputStream in = http.getRequestBody()) {
            byte[] sink = new byte[64 * 1024];
            long left = MAX_DISCARD_BYTES;
            int n;
            while (left > 0 && (n = in.read(sink, 0, (int) Math.min(sink.length, left))) >= 0) {
                left -= n;
            }
        } catch (IOException e) {
            // The client went away; nothing to answer.
        }
    }

    private static ApiError tooLarge(long limit) {
        return new ApiError(413, "payload_too_large", "the request body is larger than the server's limit of " + limit + " bytes");
    }

    Optional<String> param(String name) {
        List<String> values = params().get(name);
        return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
    }

    List<String> params(String name) {
        return params().getOrDefault(name, List.of());
    }

    int intParam(String name, int fallback) {
        Optional<String> value = param(name);
        try {
            return value.map(Integer::parseInt).orElse(fallback);
        } catch (NumberFormatException e) {
            throw ApiError.badRequest("query parameter '" + name + "' must be a whole number, was '" + value.get() + "'");
        }
    }

    long longParam(String name, long fallback) {
        Optional<String> value = param(name);
        try {
            return value.map(Long::parseLong).orElse(fallback);
        } catch (NumberFormatException e) {
            throw ApiError.badRequest("query parameter '" + name + "' must be a whole number, was '" + value.get() + "'");
        }
    }

    private Map<String, List<String>> params() {
        if (query == null) {
            query = new LinkedHashMap<>();
            String raw = http.getRequestURI().getRawQuery();
            if (raw != null) {
                for (String pair : raw.split("&")) {
                    if (pair.isEmpty()) {
                        continue;
                    }
                    int eq = pair.indexOf('=');
                    String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                    String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                    query.computeIfAbsent(key, k -> new ArrayList<>()).add(value);
                }
            }
        }
        return query;
    }

    void send(int status, JsonNode body) throws IOException {
        byte[] bytes = ApiJson.MAPPER.writeValueAsBytes(body);
        http.getResponseHeaders().set("Content-Type", "application/json");
        http.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = http.getResponseBody()) {
            out.write(bytes);
        }
    }

    void sendEmpty(int status) throws IOException {
        http.sendResponseHeaders(status, -1);
        http.close();
    }

    void sendError(ApiError error) throws IOException {
        if (error.status == 401) {
            http.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"runpilot\"");
        }
        ObjectNode body = ApiJson.object();
        body.putObject("error").put("code", error.code).put("message", error.getMessage());
        send(error.status, body);
    }
}
