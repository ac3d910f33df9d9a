package dev.runpilot.sdk.config;

import dev.runpilot.sdk.RunPilotException;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The credentials file: named profiles, each an endpoint and the credentials to call it with.
 *
 * <p>The file ({@code ~/.runpilot/config} by default) is INI-like, one section per profile:
 * <pre>
 * [default]
 * endpoint = https://runpilot.example.com
 * token = rpu_...
 *
 * [staging]
 * endpoint = https://staging.runpilot.example.com
 * token = ...
 * refresh_token = ...
 * token_endpoint = https://auth.example.com/oauth2/token
 * client_id = runpilot-cli
 * </pre>
 * Keys: {@code endpoint} (required), {@code token}, {@code ca_certificate} (a PEM file of the CA
 * certificates to trust for the endpoint, instead of the JDK's trust store), and for OAuth2
 * {@code refresh_token}, {@code token_endpoint}, {@code client_id}, {@code client_secret}. A profile with a refresh token and
 * a token endpoint gets a new access token when the server answers 401, and the file is updated.
 *
 * <p>The file holds secrets, so it must be readable by its owner only: a file that the group or
 * others can read or write is refused, with the {@code chmod} that fixes it. Files written here are
 * created {@code 0600}. Not thread-safe across processes: the last writer wins.
 */
public final class Profiles {
    /** The profile used when none is named. */
    public static final String DEFAULT = "default";

    private final Path file;

    private Profiles(Path file) {
        this.file = file;
    }

    /**
     * Returns the credentials file at its default location: {@code $RUNPILOT_CONFIG} if set, else
     * {@code config} in {@code $RUNPILOT_HOME}, else {@code ~/.runpilot/config}.
     *
     * @return the profiles
     */
    public static Profiles atDefaultLocation() {
        String override = System.getenv("RUNPILOT_CONFIG");
        if (override != null && !override.isBlank()) {
            return new Profiles(Path.of(override));
        }
        String home = System.getenv("RUNPILOT_HOME");
        Path dir = home != null && !home.isBlank() ? Path.of(home) : Path.of(System.getProperty("user.home"), ".runpilot");
        return new Profiles(dir.resolve("config"));
    }

    /**
     * Returns the credentials file at a path.
     *
     * @param file the file; need not exist yet
     * @return the profiles
     */
    public static Profiles at(Path file) {
        return new Profiles(Objects.requireNonNull(file, "file").toAbsolutePath());
    }

    /**
     * Returns the file's path.
     *
     * @return the path
     */
    public Path file() {
        return file;
    }

    /**
     * Returns the names of the profiles in the file.
     *
     * @return the names, in file order; empty if the file does not exist
     * @throws RunPilotException if the file can be read by others or cannot be read
     */
    public List<String> names() {
        return List.copyOf(read().keySet());
    }

    /**
     * Returns one profile's settings.
     *
     * @param profile the profile name
     * @return its keys and values, or empty if the file has no such profile
     * @throws RunPilotException if the file can be read by others or cannot be read
     */
    public Optional<Map<String, String>> profile(String profile) {
        return Optional.ofNullable(read().get(profile)).map(Map::copyOf);
    }

    /**
     * Stores an endpoint and token under a profile, replacing what it held.
     *
     * @param profile the profile name, such as {@code default}
     * @param endpoint the server's base URI
     * @param token the bearer token
     * @throws RunPilotException if the file cannot be written
     */
    public void save(String profile, URI endpoint, String token) {
        Map<String, String> values = new LinkedHashMap<>();
        values.put("endpoint", endpoint.toString());
        values.put("token", token);
        put(profile, values);
    }

    /**
     * Replaces a profile's settings.
     *
     * @param profile the profile name
     * @param values its keys and values
     * @throws RunPilotException if the file cannot be written
     */
    public synchronized void put(String profile, Map<String, String> values) {
        checkName(profile);
        Map<String, Map<String, String>> all = Files.exists(file) ? read() : new LinkedHashMap<>();
        all.put(profile, new LinkedHashMap<>(values));
        write(all);
    }

    /**
     * Removes the stored tokens (access and refresh) of a profile, keeping its endpoint: what logout does.
     *
     * @param profile the profile name
     * @return true if the profile held a token
     * @throws RunPilotException if the file cannot be rewritten
     */
    public synchronized boolean logout(String profile) {
        if (!Files.exists(file)) {
            return false;
        }
        Map<String, Map<String, String>> all = read();
        Map<String, String> values = all.get(profile);
        if (values == null) {
            return false;
        }
        boolean had = values.remove("token") != null;
        had |= values.remove("refresh_token") != null;
        write(all);
        return had;
    }

    private Map<String, Map<String, String>> read() {
        Map<String, Map<String, String>> result = new LinkedHashMap<>();
        if (!Files.exists(file)) {
            return result;
        }
        checkPermissions();
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new RunPilotException("Cannot read the RunPilot credentials file " + file + ": " + e, e);
        }
        Map<String, String> current = null;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#") || line.startsWith(";")) {
                continue;
            }
            if (line.startsWith("[") && line.endsWith("]")) {
                current = result.computeIfAbsent(line.substring(1, line.length() - 1).strip(), k -> new LinkedHashMap<>());
                continue;
            }
            int eq = line.indexOf('=');
            if (current == null || eq < 1) {
                throw new RunPilotException("The RunPilot credentials file " + file + " line " + (i + 1)
                        + " is not 'key = value' inside a [profile] section: " + (eq < 1 ? "missing '='" : "no section yet"));
            }
            current.put(line.substring(0, eq).strip(), line.substring(eq + 1).strip());
        }
        return result;
    }

    private void checkPermissions() {
        if (!FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            return;
        }
        try {
            Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(file);
            boolean shared = permissions.stream().anyMatch(p -> p.name().startsWith("GROUP_") || p.name().startsWith("OTHERS_"));
            if (shared) {
                throw new RunPilotException("The RunPilot credentials file " + file + " can be read or changed by other users (mode "
                        + PosixFilePermissions.toString(permissions) + "), so its tokens are refused. Make it private with: chmod 600 "
                        + file);
            }
        } catch (IOException e) {
            throw new RunPilotException("Cannot check the permissions of " + file + ": " + e, e);
        }
    }

    private void write(Map<String, Map<String, String>> all) {
        StringBuilder text = new StringBuilder("# RunPilot credentials: keep this file private (chmod 600).\n");
        all.forEach((name, values) -> {
            text.append('\n').append('[').append(name).append("]\n");
            values.forEach((k, v) -> text.append(k).append(" = ").append(v).append('\n'));
        });
        try {
            Path dir = file.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            Path temp = Files.createTempFile(dir, ".config-", ".tmp");
            if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
                Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rw-------"));
            }
            Files.writeString(temp, text, StandardCharsets.UTF_8);
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new RunPilotException("Cannot write the RunPilot credentials file " + file + ": " + e, e);
        }
    }

    private static void checkName(String profile) {
        Objects.requireNonNull(profile, "profile");
        if (!profile.matches("[A-Za-z0-9._-]+")) {
            throw new IllegalArgumentException("Profile name '" + profile + "' must be letters, digits, '.', '_' or '-'");
        }
    }

    @Override
    public String toString() {
        return "Profiles{" + file + '}';
    }
}
