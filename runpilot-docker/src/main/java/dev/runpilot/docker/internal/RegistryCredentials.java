package dev.runpilot.docker.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.dockerjava.api.model.AuthConfig;
import dev.runpilot.sdk.RunPilotException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Finds the credentials for pulling an image: first the job's secrets {@value #USERNAME_SECRET} and
 * {@value #PASSWORD_SECRET} (for the registry named in the image), then the docker config directory's
 * {@code config.json} as {@code docker login} writes it: {@code credHelpers} for the registry, {@code credsStore},
 * then {@code auths}. A credential helper is run as {@code docker-credential-<name> get} from the PATH.
 */
final class RegistryCredentials {
    static final String USERNAME_SECRET = "RUNPILOT_REGISTRY_USERNAME";
    static final String PASSWORD_SECRET = "RUNPILOT_REGISTRY_PASSWORD";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Credentials and where they came from, for messages (never the values). */
    record Found(AuthConfig auth, String source) {
        @Override
        public String toString() {
            return "credentials from " + source;
        }
    }

    private final Path configDir;
    private final String helperPath;

    RegistryCredentials(Path configDir) {
        this(configDir, System.getenv("PATH"));
    }

    /** Looks credential helpers up on {@code helperPath} (a PATH-like list) instead of the process PATH. */
    RegistryCredentials(Path configDir, String helperPath) {
        this.configDir = configDir;
        this.helperPath = helperPath == null ? "" : helperPath;
    }

    Optional<Found> find(ImageReference image, Map<String, String> secrets) {
        String user = secrets.get(USERNAME_SECRET);
        String password = secrets.get(PASSWORD_SECRET);
        if (user != null || password != null) {
            if (user == null || password == null) {
                throw new RunPilotException("The job sets only one of the secrets " + USERNAME_SECRET + " and " + PASSWORD_SECRET
                        + "; set both to pull " + image.canonical() + " from " + image.registry() + " with them.");
            }
            return Optional.of(new Found(auth(image, user, password), "the job's secrets " + USERNAME_SECRET + "/" + PASSWORD_SECRET));
        }
        return fromConfigFile(image);
    }

    private Optional<Found> fromConfigFile(ImageReference image) {
        Path file = configDir.resolve("config.json");
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        JsonNode config;
        try {
            config = JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new RunPilotException("Cannot read registry credentials from " + file + ": " + e.getMessage()
                    + ". Fix the file (docker login rewrites it) or remove it.", e);
        }
        for (String key : image.credentialKeys()) {
            String helper = config.path("credHelpers").path(key).asText("");
            if (!helper.isBlank()) {
                return fromHelper(helper, key, image, file);
            }
        }
        String store = config.path("credsStore").asText("");
        if (!store.isBlank()) {
            Optional<Found> stored = fromHelper(store, image.credentialKeys().get(0), image, file);
            if (stored.isPresent()) {
                return stored;
            }
        }
        for (String key : image.credentialKeys()) {
            JsonNode entry = config.path("auths").path(key);
            if (entry.isMissingNode()) {
                continue;
            }
            Optional<Found> found = fromAuthsEntry(entry, image, file + " (auths \"" + key + "\")");
            if (found.isPresent()) {
                return found;
            }
        }
        return Optional.empty();
    }

    private static Optional<Found> fromAuthsEntry(JsonNode entry, ImageReference image, String source) {
        String token = entry.path("identitytoken").asText("");
        String encoded = entry.path("auth").asText("");
        String user = entry.path("username").asText("");
        String password = entry.path("password").asText("");
        if (!encoded.isBlank()) {
            String decoded = new String(Base64.getDecoder().decode(encoded.trim()), StandardCharsets.UTF_8);
            int colon = decoded.indexOf(':');
            if (colon < 0) {
                throw new RunPilotException("The \"auth\" value in " + source + " is not base64 of user:password;"
                        + " run docker login " + image.registry() + " again.");
            }
            user = decoded.substring(0, colon);
            password = decoded.substring(colon + 1);
        }
        if (!token.isBlank()) {
            return Optional.of(new Found(auth(image, user, null).withIdentityToken(token), source));
        }
        if (user.isBlank()) {
            return Optional.empty();
        }
        return Optional.of(new Found(auth(image, user, password), source));
    }

    /** Runs {@code docker-credential-<helper> get}, which answers {"Username": ..., "Secret": ...} or "not found". */
    private Optional<Found> fromHelper(String helper, String key, ImageReference image, Path file) {
        String program = "docker-credential-" + helper;
        Path executable = null;
        for (String dir : helperPath.split(java.io.File.pathSeparator)) {
            if (!dir.isBlank() && Files.isExecutable(Path.of(dir, program))) {
                executable = Path.of(dir, program);
                break;
            }
        }
        if (executable == null) {
            throw new RunPilotException(file + " names the credential helper '" + helper + "' for " + image.registry()
                    + ", but " + program + " is not on the PATH. Install it, or log in again without a helper.");
        }
        try {
            Process process = new ProcessBuilder(executable.toString(), "get").redirectErrorStream(true).start();
            try (OutputStream in = process.getOutputStream()) {
                in.write(key.getBytes(StandardCharsets.UTF_8));
            }
            byte[] out = process.getInputStream().readAllBytes();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new RunPilotException(program + " get did not answer within 30 s for " + image.registry() + ".");
            }
            String answer = new String(out, StandardCharsets.UTF_8).trim();
            if (process.exitValue() != 0) {
                if (answer.toLowerCase(java.util.Locale.ROOT).contains("credentials not found")) {
                    return Optional.empty();
                }
                throw new RunPilotException(program + " get failed for " + image.registry() + " (exit " + process.exitValue()
                        + "): " + answer);
            }
            JsonNode node = JSON.readTree(answer);
            String user = node.path("Username").asText("");
            String secret = node.path("Secret").asText("");
            String source = "credential helper " + program;
            if (user.equals("<token>")) {
                return Optional.of(new Found(auth(image, null, null).withIdentityToken(secret), source));
            }
            return Optional.of(new Found(auth(image, user, secret), source));
        } catch (IOException e) {
            throw new RunPilotException("Cannot run " + program + " for " + image.registry() + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RunPilotException("Interrupted while asking " + program + " for credentials", e);
        }
    }

    private static AuthConfig auth(ImageReference image, String user, String password) {
        String address = image.registry().equals(ImageReference.DOCKER_HUB) ? "https://index.docker.io/v1/" : image.registry();
        return new AuthConfig().withRegistryAddress(address).withUsername(user).withPassword(password);
    }
}
