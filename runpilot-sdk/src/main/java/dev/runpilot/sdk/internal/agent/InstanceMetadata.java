package dev.runpilot.sdk.internal.agent;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A client of the EC2 instance metadata service, version 2 (IMDSv2): a session token from
 * {@code PUT /latest/api/token}, then {@code GET /latest/meta-data/...} with that token. It reads the
 * instance's identity and polls for a spot interruption notice. Only {@code java.net.http}: the core
 * carries no AWS SDK. Every call has a short timeout, so an agent off EC2 fails fast.
 */
public final class InstanceMetadata {
    /** The environment variable the AWS SDKs read for the endpoint; honoured the same way. */
    public static final String ENDPOINT_VARIABLE = "AWS_EC2_METADATA_SERVICE_ENDPOINT";
    private static final Logger log = LoggerFactory.getLogger(InstanceMetadata.class);
    private static final String TTL_HEADER = "X-aws-ec2-metadata-token-ttl-seconds";
    private static final String TOKEN_HEADER = "X-aws-ec2-metadata-token";
    private static final int TOKEN_TTL_SECONDS = 21_600;

    private final URI endpoint;
    private final Duration timeout;
    private final HttpClient http;
    private volatile String token;

    /**
     * A client of the service at {@code endpoint}, such as {@code http://169.254.169.254}.
     *
     * @param timeout the longest wait for one call (connect and response)
     */
    public InstanceMetadata(URI endpoint, Duration timeout) {
        String base = endpoint.toString();
        this.endpoint = URI.create(base.endsWith("/") ? base : base + "/");
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    /** What the service says of this instance. */
    public record Identity(String instanceId, String instanceType, String availabilityZone, String lifecycle) {
        /** The labels an agent registers with: {@code ec2.instance-id}, {@code ec2.instance-type}, {@code ec2.availability-zone}, {@code ec2.lifecycle}. */
        public Map<String, String> labels() {
            Map<String, String> labels = new LinkedHashMap<>();
            labels.put("ec2.instance-id", instanceId);
            labels.put("ec2.instance-type", instanceType);
            labels.put("ec2.availability-zone", availabilityZone);
            labels.put("ec2.lifecycle", lifecycle);
            return labels;
        }
    }

    /** Returns the service's endpoint. */
    public URI endpoint() {
        return endpoint;
    }

    /**
     * Reads the instance's id, type, availability zone and life cycle ({@code spot} or
     * {@code on-demand}; {@code on-demand} when the service does not say).
     *
     * @throws IOException naming the endpoint and path if the service does not answer as IMDSv2
     */
    public Identity identity() throws IOException {
        String lifecycle = optional("meta-data/instance-life-cycle").orElse("on-demand");
        return new Identity(required("meta-data/instance-id"), required("meta-data/instance-type"),
                required("meta-data/placement/availability-zone"), lifecycle.equals("normal") ? "on-demand" : lifecycle);
    }

    /**
     * Returns the spot interruption notice (the JSON of {@code meta-data/spot/instance-action}, such
     * as {@code {"action": "terminate", "time": "..."}}), or empty when there is none (404).
     *
     * @throws IOException if the service cannot be asked
     */
    public Optional<String> interruptionNotice() throws IOException {
        return optional("meta-data/spot/instance-action");
    }

    /**
     * Starts a daemon thread that asks for a spot interruption notice every {@code every} and hands the
     * first one to {@code onNotice}, then ends. Failures to ask are logged and retried. Interrupt the
     * thread to stop it.
     */
    public Thread watchForInterruption(Duration every, Consumer<String> onNotice) {
        Thread thread = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                try {
                    Optional<String> notice = interruptionNotice();
                    if (notice.isPresent()) {
                        onNotice.accept(notice.get());
                        return;
                    }
                } catch (IOException e) {
                    log.warn("Could not ask {} for a spot interruption notice: {}", endpoint, e.getMessage());
                }
                try {
                    Thread.sleep(every.toMillis());
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "runpilot-spot-watch");
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    private String required(String path) throws IOException {
        return optional(path).orElseThrow(() -> new IOException("The instance metadata service at " + endpoint
                + " has no latest/" + path + " (404); is this an EC2 instance, and is the endpoint right?"));
    }

    private Optional<String> optional(String path) throws IOException {
        HttpResponse<String> response = get(path, token());
        if (response.statusCode() == 401) {
            // The token expired or the service restarted: take a new one once.
            token = null;
            response = get(path, token());
        }
        if (response.statusCode() == 404) {
            return Optional.empty();
        }
        if (response.statusCode() != 200) {
            throw new IOException("The instance metadata service at " + endpoint + " answered GET latest/" + path + " with HTTP "
                    + response.statusCode());
        }
        return Optional.of(response.body().trim());
    }

    private String token() throws IOException {
        String current = token;
        if (current != null) {
            return current;
        }
        HttpRequest request = HttpRequest.newBuilder(endpoint.resolve("latest/api/token")).timeout(timeout)
                .header(TTL_HEADER, Integer.toString(TOKEN_TTL_SECONDS)).PUT(HttpRequest.BodyPublishers.noBody()).build();
        HttpResponse<String> response = send(request);
        if (response.statusCode() != 200 || response.body().isBlank()) {
            throw new IOException("The instance metadata service at " + endpoint + " refused an IMDSv2 token (PUT latest/api/token: HTTP "
                    + response.statusCode() + ")");
        }
        token = response.body().trim();
        return token;
    }

    private HttpResponse<String> get(String path, String sessionToken) throws IOException {
        return send(HttpRequest.newBuilder(endpoint.resolve("latest/" + path)).timeout(timeout).header(TOKEN_HEADER, sessionToken)
                .GET().build());
    }

    private HttpResponse<String> send(HttpRequest request) throws IOException {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("Interrupted while asking the instance metadata service at " + endpoint, e);
        } catch (IOException e) {
            throw new IOException("Cannot reach the instance metadata service at " + endpoint + ": " + e, e);
        }
    }
}
