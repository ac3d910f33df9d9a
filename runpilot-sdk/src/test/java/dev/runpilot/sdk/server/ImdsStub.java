package dev.runpilot.sdk.server;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An EC2 instance metadata service (IMDSv2) on 127.0.0.1 for tests: a session token from
 * {@code PUT /latest/api/token}, then {@code GET /latest/...} answers only with that token (401
 * otherwise), 404 for paths it does not hold. A spot interruption notice is served once set.
 */
public final class ImdsStub implements AutoCloseable {
    private final HttpServer server;
    private final String token = UUID.randomUUID().toString();
    private final Map<String, String> paths = new ConcurrentHashMap<>();
    private final AtomicInteger noticeChecks = new AtomicInteger();
    private boolean closed;

    /** Serves an instance with this identity; {@code lifecycle} is {@code spot} or {@code on-demand}. */
    public ImdsStub(String instanceId, String instanceType, String availabilityZone, String lifecycle) throws IOException {
        paths.put("/latest/meta-data/instance-id", instanceId);
        paths.put("/latest/meta-data/instance-type", instanceType);
        paths.put("/latest/meta-data/placement/availability-zone", availabilityZone);
        paths.put("/latest/meta-data/instance-life-cycle", lifecycle);
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    /** Returns the endpoint, such as {@code http://127.0.0.1:PORT}. */
    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** Makes {@code meta-data/spot/instance-action} answer with a terminate notice from now on. */
    public void interrupt(String time) {
        paths.put("/latest/meta-data/spot/instance-action", "{\"action\": \"terminate\", \"time\": \"" + time + "\"}");
    }

    /** Returns how often a spot interruption notice was asked for. */
    public int noticeChecks() {
        return noticeChecks.get();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            if (path.equals("/latest/api/token")) {
                boolean ok = exchange.getRequestMethod().equals("PUT")
                        && exchange.getRequestHeaders().getFirst("X-aws-ec2-metadata-token-ttl-seconds") != null;
                respond(exchange, ok ? 200 : 400, ok ? token : "");
                return;
            }
            if (!token.equals(exchange.getRequestHeaders().getFirst("X-aws-ec2-metadata-token"))) {
                respond(exchange, 401, "");
                return;
            }
            if (path.equals("/latest/meta-data/spot/instance-action")) {
                noticeChecks.incrementAndGet();
            }
            String body = paths.get(path);
            respond(exchange, body == null ? 404 : 200, body == null ? "" : body);
        }
    }

    private static void respond(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            exchange.getResponseBody().write(bytes);
        }
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            server.stop(0);
        }
    }
}
