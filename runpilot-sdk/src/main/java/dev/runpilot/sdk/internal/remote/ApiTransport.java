package dev.runpilot.sdk.internal.remote;

import com.fasterxml.jackson.databind.JsonNode;
import dev.runpilot.sdk.ApiException;
import dev.runpilot.sdk.ControlPlaneException;
import dev.runpilot.sdk.RetryPolicy;
import dev.runpilot.sdk.RunPilotException;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.core.functions.CheckedSupplier;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends requests to the v1 API: bearer token, per-call timeout, retries with exponential backoff
 * and jitter on connection errors, 429 and 502/503/504 (a {@code Retry-After} header wins), and a
 * circuit breaker that fails fast while the server keeps failing. Callers make POSTs safe to retry
 * by sending an idempotency key.
 */
final class ApiTransport implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ApiTransport.class);
    private static final Set<Integer> RETRIED_STATUSES = Set.of(429, 502, 503, 504);
    private static final long MAX_RETRY_AFTER_MILLIS = 60_000;

    private final URI base;
    private final Credentials credentials;
    private final Duration requestTimeout;
    private final HttpClient http;
    private final ExecutorService executor;
    private final Retry retry;
    private final CircuitBreaker breaker;
    private final String trustAdvice;

    ApiTransport(URI base, Credentials credentials, RetryPolicy policy, Duration connectTimeout, Duration requestTimeout) {
        this(base, credentials, policy, connectTimeout, requestTimeout, Optional.empty(), BreakerSettings.DEFAULT);
    }

    /**
     * How the circuit breaker trips: the calls it looks at, the failure rate that opens it, and how
     * long it stays open before letting trial calls through.
     */
    record BreakerSettings(int slidingWindowSize, int minimumNumberOfCalls, float failureRateThreshold, Duration openFor) {
        /** 80 % of the last 20 calls (at least 10) failed: fail fast for 5 s. */
        static final BreakerSettings DEFAULT = new BreakerSettings(20, 10, 80, Duration.ofSeconds(5));
    }

    ApiTransport(URI base, Credentials credentials, RetryPolicy policy, Duration connectTimeout, Duration requestTimeout,
                 Optional<javax.net.ssl.SSLContext> tls, BreakerSettings breakerSettings) {
        this(base, credentials, policy, connectTimeout, requestTimeout, tls, breakerSettings, PemTrust.CLIENT_ADVICE);
    }

    /**
     * @param trustAdvice how the user of this transport trusts a private CA, for the error of a failed TLS
     *     handshake (the client's builder and profile, or the agent's builder and options)
     */
    ApiTransport(URI base, Credentials credentials, RetryPolicy policy, Duration connectTimeout, Duration requestTimeout,
                 Optional<javax.net.ssl.SSLContext> tls, BreakerSettings breakerSettings, String trustAdvice) {
        this.trustAdvice = trustAdvice;
        this.base = base;
        this.credentials = credentials;
        this.requestTimeout = requestTimeout;
        this.executor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "runpilot-http-client");
            t.setDaemon(true);
            return t;
        });
        HttpClient.Builder httpBuilder = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(connectTimeout)
                .executor(executor);
        tls.ifPresent(httpBuilder::sslContext);
        this.http = httpBuilder.build();
        Random random = new Random();
        RetryConfig config = RetryConfig.<ApiResponse>custom()
                .maxAttempts(policy.maxAttempts())
                .retryOnException(e -> e instanceof IOException && !(e instanceof javax.net.ssl.SSLException))
                .retryOnResult(r -> RETRIED_STATUSES.contains(r.status()))
                .failAfterMaxAttempts(false)
                .intervalBiFunction((Integer attempt, io.github.resilience4j.core.functions.Either<Throwable, ApiResponse> outcome) -> {
                    if (outcome != null && outcome.isRight()) {
                        Optional<Long> after = retryAfterMillis(outcome.get());
                        if (after.isPresent()) {
                            return after.get();
                        }
                    }
                    return policy.delayBefore(attempt + 1, random).toMillis();
                })
                .build();
        this.retry = Retry.of("runpilot-api", config);
        this.breaker = CircuitBreaker.of("runpilot-api", CircuitBreakerConfig.custom()
                .slidingWindowSize(breakerSettings.slidingWindowSize())
                .minimumNumberOfCalls(breakerSettings.minimumNumberOfCalls())
                .failureRateThreshold(breakerSettings.failureRateThreshold())
                .waitDurationInOpenState(breakerSettings.openFor())
                .recordException(e -> e instanceof IOException)
                .recordResult(r -> r instanceof ApiResponse response && response.status() >= 500)
                .build());
    }

    URI base() {
        return base;
    }

    ApiResponse get(String path) {
        return call("GET", path, null, Map.of());
    }

    ApiResponse send(String method, String path, JsonNode body) {
        return call(method, path, body == null ? null : body.toString(), Map.of());
    }

    ApiResponse send(String method, String path, JsonNode body, Map<String, String> headers) {
        return call(method, path, body == null ? null : body.toString(), headers);
    }

    /** Sends one logical call (retried as configured) and returns the last response. */
    ApiResponse call(String method, String path, String body, Map<String, String> headers) {
        return call(method, path, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body),
                body == null ? null : "application/json", headers);
    }

    /**
     * Sends a file as the raw body of one logical call (retried as configured; each try reads the
     * file again, streamed, never held whole in memory).
     */
    ApiResponse sendFile(String method, String path, java.nio.file.Path file, String contentType) {
        HttpRequest.BodyPublisher publisher;
        try {
            publisher = HttpRequest.BodyPublishers.ofFile(file);
        } catch (java.io.FileNotFoundException e) {
            throw new java.io.UncheckedIOException("Cannot read " + file + ": " + e.getMessage(), e);
        }
        return call(method, path, publisher, contentType, Map.of());
    }

    /**
     * Sends a stream of known length as the raw body of one logical call (retried as configured;
     * each try opens a new stream, so the body is never held whole in memory).
     */
    ApiResponse sendStream(String method, String path, java.util.function.Supplier<InputStream> body, long length, String contentType) {
        HttpRequest.BodyPublisher publisher = HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofInputStream(body), length);
        return call(method, path, publisher, contentType, Map.of());
    }

    private ApiResponse call(String method, String path, HttpRequest.BodyPublisher body, String contentType,
                             Map<String, String> headers) {
        CheckedSupplier<ApiResponse> once = () -> attempt(method, path, body, contentType, headers);
        CheckedSupplier<ApiResponse> guarded = Retry.decorateCheckedSupplier(retry, CircuitBreaker.decorateCheckedSupplier(breaker, once));
        try {
            ApiResponse response = guarded.get();
            if (response.status() == 401 && credentials.canRefresh()) {
                credentials.refresh();
                response = Retry.decorateCheckedSupplier(retry, CircuitBreaker.decorateCheckedSupplier(breaker, once)).get();
            }
            return response;
        } catch (CallNotPermittedException e) {
            throw new ControlPlaneException("The RunPilot server " + base + " failed too often recently; calls are paused for a few"
                    + " seconds (circuit breaker open). Check the server's health at " + base.resolve("/v1/health"), e);
        } catch (javax.net.ssl.SSLException e) {
            throw untrusted(e);
        } catch (IOException e) {
            if (e.getCause() instanceof javax.net.ssl.SSLException tls) {
                throw untrusted(tls);
            }
            throw new ControlPlaneException("Cannot reach the RunPilot server " + base + " (" + method + " " + path + "): " + e
                    + ". Check that it runs and that the endpoint is right.", e);
        } catch (RunPilotException e) {
            throw e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RunPilotException("Interrupted while calling " + base + path, e);
        } catch (Throwable e) {
            if (e instanceof Error error) {
                throw error;
            }
            throw new ControlPlaneException("Calling " + method + " " + base + path + " failed: " + e, e);
        }
    }

    private ApiResponse attempt(String method, String path, HttpRequest.BodyPublisher body, String contentType,
                                Map<String, String> headers) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path)).timeout(requestTimeout)
                .header("Accept", "application/json")
                .method(method, body);
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        credentials.token().ifPresent(token -> request.header("Authorization", "Bearer " + token));
        headers.forEach(request::header);
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        log.debug("{} {} -> {}", method, path, response.statusCode());
        return new ApiResponse(response.statusCode(), response.headers(), response.body());
    }

    /**
     * Opens a streaming GET (server-sent events) whose lines are read with {@link LineStream#next()},
     * which an interrupt stops. A status other than 200 surfaces as an {@link ApiException} from
     * {@code next()}; no per-call timeout, no retry here: the caller resumes.
     */
    LineStream openLines(String path) {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path)).header("Accept", "text/event-stream").GET();
        credentials.token().ifPresent(token -> request.header("Authorization", "Bearer " + token));
        LineStream lines = new LineStream();
        HttpResponse.BodyHandler<Void> handler = info -> {
            if (info.statusCode() == 200) {
                return HttpResponse.BodySubscribers.fromLineSubscriber(lines.subscriber());
            }
            return HttpResponse.BodySubscribers.mapping(HttpResponse.BodySubscribers.ofString(StandardCharsets.UTF_8), text -> {
                lines.fail(error("GET", path, new ApiResponse(info.statusCode(), info.headers(), text)));
                return null;
            });
        };
        lines.attach(http.sendAsync(request.build(), handler));
        return lines;
    }

    /** Opens a binary GET (a source bundle). */
    Optional<InputStream> download(String path) {
        return fetch(path).map(HttpResponse::body);
    }

    /**
     * Opens a binary GET and returns the response whose body is still to be read (an artifact, a
     * source bundle); empty on 404, an {@link ApiException} for any other failure.
     */
    Optional<HttpResponse<InputStream>> fetch(String path) {
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path)).GET();
            credentials.token().ifPresent(token -> request.header("Authorization", "Bearer " + token));
            HttpResponse<InputStream> response = http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
            if (response.statusCode() == 404) {
                response.body().close();
                return Optional.empty();
            }
            if (response.statusCode() != 200) {
                String text;
                try (InputStream in = response.body()) {
                    text = new String(in.readNBytes(64 * 1024), StandardCharsets.UTF_8);
                }
                throw error("GET", path, new ApiResponse(response.statusCode(), response.headers(), text));
            }
            return Optional.of(response);
        } catch (IOException e) {
            throw new ControlPlaneException("Cannot download " + base.resolve(path) + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RunPilotException("Interrupted while downloading " + base.resolve(path), e);
        }
    }

    /** The error of a TLS handshake that failed, most often a certificate signed by a CA this client does not trust. */
    private ControlPlaneException untrusted(javax.net.ssl.SSLException e) {
        return new ControlPlaneException("Cannot open a TLS connection to the RunPilot server " + base + ": " + e.getMessage()
                + ". If the server's certificate is signed by a private CA, trust that CA: " + trustAdvice + ".", e);
    }

    /** Whether the circuit breaker is open now (calls fail fast), for tests and diagnostics. */
    CircuitBreaker.State circuitState() {
        return breaker.getState();
    }

    /** Turns an unsuccessful response into the exception the caller sees. */
    ApiException error(String method, String path, ApiResponse response) {
        String code = response.errorCode();
        String message = response.errorMessage();
        String advice = switch (response.status()) {
            case 401 -> " Check the token (RunPilot.client().token(...) or the profile in ~/.runpilot/config).";
            case 403 -> " The token's scope does not allow this.";
            case 429, 502, 503, 504 -> " The server stayed unavailable after retries.";
            default -> "";
        };
        return new ApiException(response.status(), code.isEmpty() ? "http_" + response.status() : code,
                method + " " + base.resolve(path) + " failed with HTTP " + response.status() + ": " + message + "." + advice);
    }

    static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private static Optional<Long> retryAfterMillis(ApiResponse response) {
        Optional<String> header = response.headers().firstValue("Retry-After");
        if (header.isEmpty()) {
            return Optional.empty();
        }
        try {
            long seconds = Long.parseLong(header.get().trim());
            return Optional.of(Math.min(MAX_RETRY_AFTER_MILLIS, Math.max(0, seconds * 1000)));
        } catch (NumberFormatException e) {
            try {
                long at = java.time.ZonedDateTime.parse(header.get().trim(), java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME)
                        .toInstant().toEpochMilli();
                return Optional.of(Math.min(MAX_RETRY_AFTER_MILLIS, Math.max(0, at - System.currentTimeMillis())));
            } catch (java.time.format.DateTimeParseException notADate) {
                return Optional.empty();
            }
        }
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
