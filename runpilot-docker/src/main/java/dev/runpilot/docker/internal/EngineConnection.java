package dev.runpilot.docker.internal;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import com.github.dockerjava.transport.DockerHttpClient;
import dev.runpilot.sdk.RunPilotException;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/** Opens docker-java clients on an endpoint and checks that an engine answers there. */
final class EngineConnection {
    /** How long a connection attempt may take. Streams (logs, wait, stats) have no response timeout. */
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    /** How long an availability probe may take in all. */
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(3);

    private EngineConnection() {
    }

    /** A client for long use: streams may stay open as long as a job runs. */
    static DockerClient open(EngineEndpoint endpoint, Optional<Path> tlsCertPath) {
        return open(endpoint, tlsCertPath, null);
    }

    /**
     * Returns why no engine answers at the endpoint, or an empty string if one does. Fast when a unix socket file is
     * missing; at most a few seconds otherwise.
     */
    static String unavailableReason(EngineEndpoint endpoint, Optional<Path> tlsCertPath) {
        Optional<Path> socket = endpoint.socketPath();
        if (socket.isPresent() && !Files.exists(socket.get())) {
            return "no Docker engine at " + endpoint.describe() + ": " + socket.get() + " does not exist";
        }
        try (DockerClient probe = open(endpoint, tlsCertPath, PROBE_TIMEOUT)) {
            probe.pingCmd().exec();
            return "";
        } catch (IOException | RuntimeException e) {
            return "no Docker engine answers at " + endpoint.describe() + ": " + rootMessage(e);
        }
    }

    /** Pings the engine, or throws an error naming the endpoint and what to do. */
    static void ping(DockerClient client, EngineEndpoint endpoint) {
        try {
            client.pingCmd().exec();
        } catch (RuntimeException e) {
            throw unreachable(endpoint, e);
        }
    }

    static RunPilotException unreachable(EngineEndpoint endpoint, Exception cause) {
        return new RunPilotException("Cannot reach a Docker engine at " + endpoint.describe() + ": " + rootMessage(cause)
                + ". Start the engine (dockerd, or 'podman system service' for Podman), or point RunPilot at a running one"
                + " with DOCKER_HOST, a docker context or DockerRuntime.builder().dockerHost(...).", cause);
    }

    /** The innermost message of a chain, which names the actual failure (refused, no such file, timed out). */
    static String rootMessage(Throwable error) {
        Throwable root = error;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage();
        return message == null || message.isBlank() ? root.getClass().getSimpleName() : message;
    }

    private static DockerClient open(EngineEndpoint endpoint, Optional<Path> tlsCertPath, Duration responseTimeout) {
        DefaultDockerClientConfig.Builder config = DefaultDockerClientConfig.createDefaultConfigBuilder()
                .withDockerHost(endpoint.host())
                .withDockerTlsVerify(tlsCertPath.isPresent());
        tlsCertPath.ifPresent(path -> config.withDockerCertPath(path.toString()));
        DefaultDockerClientConfig built = config.build();
        ApacheDockerHttpClient.Builder http = new ApacheDockerHttpClient.Builder()
                .dockerHost(URI.create(endpoint.host()))
                .sslConfig(built.getSSLConfig())
                .maxConnections(256)
                .connectionTimeout(responseTimeout != null ? responseTimeout : CONNECT_TIMEOUT);
        if (responseTimeout != null) {
            http.responseTimeout(responseTimeout);
        }
        DockerHttpClient transport = http.build();
        return DockerClientImpl.getInstance(built, transport);
    }
}
