package dev.runpilot.docker.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.runpilot.sdk.RunPilotException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;

/**
 * Where the engine is, and why there: the address to dial and a phrase naming its source, used in every message
 * about reaching it. Resolved as the docker CLI does: an explicit host, then {@code DOCKER_HOST}, then the current
 * docker context, then the default socket.
 *
 * @param host the address, such as {@code unix:///var/run/docker.sock}
 * @param source where it came from, such as {@code DOCKER_HOST} or {@code the default socket}
 */
record EngineEndpoint(String host, String source) {
    static final String DEFAULT_HOST = "unix:///var/run/docker.sock";
    private static final ObjectMapper JSON = new ObjectMapper();

    static EngineEndpoint resolve(Optional<String> configured, Map<String, String> env, Path configDir) {
        if (configured.isPresent()) {
            return new EngineEndpoint(configured.get(), "DockerRuntime.builder().dockerHost(...)");
        }
        String fromEnv = env.get("DOCKER_HOST");
        if (fromEnv != null && !fromEnv.isBlank()) {
            return new EngineEndpoint(fromEnv.trim(), "DOCKER_HOST");
        }
        String context = env.get("DOCKER_CONTEXT");
        String contextSource = "DOCKER_CONTEXT";
        if (context == null || context.isBlank()) {
            context = currentContext(configDir).orElse(null);
            contextSource = configDir.resolve("config.json") + " currentContext";
        }
        if (context != null && !context.isBlank() && !context.equals("default")) {
            Optional<String> host = contextHost(configDir, context);
            if (host.isPresent()) {
                return new EngineEndpoint(host.get(), "docker context '" + context + "' (" + contextSource + ")");
            }
        }
        return new EngineEndpoint(DEFAULT_HOST, "the default socket");
    }

    /** The unix socket file, when the host is one. */
    Optional<Path> socketPath() {
        return host.startsWith("unix://") ? Optional.of(Path.of(host.substring("unix://".length()))) : Optional.empty();
    }

    /** The phrase used in messages: the host and where it came from. */
    String describe() {
        return host + " (" + source + ")";
    }

    private static Optional<String> currentContext(Path configDir) {
        return readJson(configDir.resolve("config.json")).map(node -> node.path("currentContext").asText(""))
                .filter(name -> !name.isBlank());
    }

    /** Reads {@code contexts/meta/<sha256 of name>/meta.json}, as the docker CLI stores a context. */
    private static Optional<String> contextHost(Path configDir, String context) {
        Path meta = configDir.resolve("contexts").resolve("meta").resolve(sha256(context)).resolve("meta.json");
        return readJson(meta).map(node -> node.path("Endpoints").path("docker").path("Host").asText(""))
                .filter(host -> !host.isBlank());
    }

    private static Optional<JsonNode> readJson(Path file) {
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(JSON.readTree(file.toFile()));
        } catch (IOException e) {
            throw new RunPilotException("Cannot read " + file + ": " + e.getMessage()
                    + ". Fix or remove it, or set DOCKER_HOST to choose the engine.", e);
        }
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
