package dev.runpilot.sdk.internal.server;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The v1 HTTP API on the JDK's HTTP server: authenticates each request, routes it to its handler,
 * and turns every failure into a JSON error with a code and a message, never a stack trace.
 */
public final class ApiServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ApiServer.class);
    private static final String NODELAY = "sun.net.httpserver.nodelay";

    static {
        // The JDK server leaves Nagle's algorithm on unless told otherwise (a process-wide setting it
        // reads once): a response written in two parts then waits for the client's delayed ACK, about
        // 40 ms per request. Set only if the application did not choose.
        if (System.getProperty(NODELAY) == null) {
            System.setProperty(NODELAY, "true");
        }
    }

    private final ServerEngine engine;
    private final long maxBody;
    private final HttpServer http;
    private final ExecutorService executor;
    private final RunRoutes runRoutes;
    private final AgentRoutes agentRoutes;
    private final StreamRoutes streamRoutes;
    private final SourceRoutes sourceRoutes;
    private volatile boolean closing;

    public ApiServer(ServerEngine engine, InetSocketAddress address, Optional<SSLContext> tls, long maxBody, int threads)
            throws IOException {
        this.engine = engine;
        this.maxBody = maxBody;
        if (tls.isPresent()) {
            HttpsServer https = HttpsServer.create(address, 128);
            https.setHttpsConfigurator(new HttpsConfigurator(tls.get()));
            this.http = https;
        } else {
            this.http = HttpServer.create(address, 128);
        }
        AtomicInteger count = new AtomicInteger();
        this.executor = new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, "runpilot-http-" + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.runRoutes = new RunRoutes(engine);
        this.agentRoutes = new AgentRoutes(engine);
        this.streamRoutes = new StreamRoutes(engine, () -> closing);
        this.sourceRoutes = new SourceRoutes(engine, runRoutes);
        http.setExecutor(executor);
        http.createContext("/", this::handle);
    }

    public void start() {
        http.start();
    }

    /** The port the server listens on. */
    public int port() {
        return http.getAddress().getPort();
    }

    private void handle(HttpExchange raw) {
        ApiExchange ex = new ApiExchange(raw, maxBody);
        try {
            route(ex);
        } catch (ApiError e) {
            log.debug("{} {} -> {} {}", ex.method, raw.getRequestURI().getPath(), e.status, e.code);
            reply(ex, e);
        } catch (RuntimeException | IOException e) {
            String reference = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
            log.warn("{} {} failed (reference {}): {}", ex.method, raw.getRequestURI().getPath(), reference, e.toString(), e);
            reply(ex, new ApiError(500, "internal", "the server failed on this request; its log has the details under reference "
                    + reference));
        } finally {
            raw.close();
        }
    }

    private static void reply(ApiExchange ex, ApiError error) {
        try {
            ex.sendError(error);
        } catch (IOException | RuntimeException e) {
            log.debug("Could not send the error response: {}", e.toString());
        }
    }

    private void route(ApiExchange ex) throws IOException {
        List<String> p = ex.path;
        if (p.isEmpty() || !p.get(0).equals("v1")) {
            throw ApiError.notFound("no such API path; every path starts with /v1 (see docs/api.md)");
        }
        String area = p.size() > 1 ? p.get(1) : "";
        if (area.equals("health") && p.size() == 2) {
            method(ex, "GET");
            runRoutes.health(ex);
            return;
        }
        if (area.equals("auth") && p.size() == 3 && p.get(2).equals("login")) {
            method(ex, "POST");
            runRoutes.login(ex);
            return;
        }
        ex.principal = authenticate(ex);
        switch (area) {
            case "auth" -> {
                if (p.size() == 3 && p.get(2).equals("me")) {
                    method(ex, "GET");
                    runRoutes.me(ex);
                    return;
                }
            }
            case "projects" -> {
                if (p.size() == 2) {
                    method(ex, "GET");
                    runRoutes.projects(ex);
                    return;
                }
            }
            case "events" -> {
                if (p.size() == 2) {
                    method(ex, "GET");
                    streamRoutes.events(ex);
                    return;
                }
            }
            case "agents" -> {
                agentRoutes.agents(ex, p.subList(2, p.size()));
                return;
            }
            case "estimate" -> {
                if (p.size() == 2) {
                    method(ex, "POST");
                    runRoutes.estimate(ex);
                    return;
                }
            }
            case "runs" -> {
                routeRuns(ex, p.subList(2, p.size()));
                return;
            }
            default -> {
            }
        }
        throw ApiError.notFound("no such API path: " + ex.http.getRequestURI().getPath() + " (see docs/api.md)");
    }

    private void routeRuns(ApiExchange ex, List<String> p) throws IOException {
        if (p.isEmpty()) {
            method(ex, "GET", "POST");
            if (ex.method.equals("POST")) {
                runRoutes.submit(ex);
            } else {
                runRoutes.list(ex);
            }
            return;
        }
        if (p.size() == 1 && p.get(0).equals("acquire")) {
            method(ex, "POST");
            agentRoutes.acquire(ex);
            return;
        }
        String runId = p.get(0);
        String rest = String.join("/", p.subList(1, p.size()));
        switch (rest) {
            case "" -> {
                method(ex, "GET", "PATCH");
                if (ex.method.equals("GET")) {
                    runRoutes.get(ex, runId);
                } else {
                    agentRoutes.patch(ex, runId);
                }
            }
            case "cancel" -> {
                method(ex, "POST");
                runRoutes.cancel(ex, runId);
            }
            case "metrics" -> {
                method(ex, "GET", "PUT");
                if (ex.method.equals("PUT")) {
                    agentRoutes.putMetrics(ex, runId);
                } else {
                    runRoutes.detail(ex, runId, rest);
                }
            }
            case "job", "attempts", "events" -> {
                method(ex, "GET");
                runRoutes.detail(ex, runId, rest);
            }
            case "logs" -> {
                method(ex, "GET", "PUT");
                if (ex.method.equals("PUT")) {
                    agentRoutes.putLogs(ex, runId);
                } else {
                    runRoutes.logs(ex, runId);
                }
            }
            case "logs/follow" -> {
                method(ex, "GET");
                streamRoutes.followLogs(ex, runId);
            }
            case "artifacts/code/upload-url" -> {
                method(ex, "POST");
                sourceRoutes.uploadUrl(ex, runId);
            }
            case "artifacts/code/download-url" -> {
                method(ex, "GET");
                agentRoutes.codeDownloadUrl(ex, runId);
            }
            case "artifacts/code" -> {
                method(ex, "GET", "PUT");
                if (ex.method.equals("PUT")) {
                    sourceRoutes.upload(ex, runId);
                } else {
                    agentRoutes.code(ex, runId);
                }
            }
            case "artifacts" -> {
                method(ex, "GET");
                runRoutes.artifacts(ex, runId);
            }
            case "artifacts/upload" -> {
                method(ex, "PUT");
                agentRoutes.uploadArtifact(ex, runId);
            }
            case "instance/shutdown" -> {
                method(ex, "POST");
                agentRoutes.shutdown(ex, runId);
            }
            default -> {
                // GET /v1/runs/{id}/artifacts/{attempt}/{path...}: one artifact's bytes.
                if (p.size() >= 4 && p.get(1).equals("artifacts")) {
                    method(ex, "GET");
                    runRoutes.downloadArtifact(ex, runId, p.get(2), String.join("/", p.subList(3, p.size())));
                    return;
                }
                throw ApiError.notFound("no such API path: " + ex.http.getRequestURI().getPath() + " (see docs/api.md)");
            }
        }
    }

    private static void method(ApiExchange ex, String... allowed) {
        for (String m : allowed) {
            if (m.equals(ex.method)) {
                return;
            }
        }
        ex.http.getResponseHeaders().set("Allow", String.join(", ", allowed));
        throw new ApiError(405, "method_not_allowed", ex.method + " is not allowed on " + ex.http.getRequestURI().getPath()
                + "; use " + String.join(" or ", allowed));
    }

    private Principal authenticate(ApiExchange ex) {
        String header = ex.header("Authorization").orElseThrow(() -> ApiError.unauthorized(
                "this API needs a bearer token: send 'Authorization: Bearer <token>' (create tokens with RunPilotServer.tokens())"));
        if (!header.regionMatches(true, 0, "Bearer ", 0, 7) || header.length() <= 7) {
            throw ApiError.unauthorized("the Authorization header must be 'Bearer <token>'");
        }
        return engine.tokens().authenticate(header.substring(7).trim())
                .orElseThrow(() -> ApiError.unauthorized("the bearer token is unknown or revoked"));
    }

    @Override
    public void close() {
        closing = true;
        http.stop(0);
        executor.shutdownNow();
    }
}
