package dev.runpilot.docker.internal;

import dev.runpilot.docker.DockerRuntime;
import dev.runpilot.sdk.PullPolicy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/** The builder behind {@link DockerRuntime#builder()}; defaults are documented there. */
public final class DockerRuntimeBuilder implements DockerRuntime.Builder {
    static final String DEFAULT_MOUNT = "/workspace";
    static final long DEFAULT_LOG_LIMIT = 64L * 1024 * 1024;
    static final long DEFAULT_ENGINE_LOG_FILE = 10L * 1024 * 1024;
    static final int DEFAULT_ENGINE_LOG_FILES = 3;
    static final Duration DEFAULT_STATS_INTERVAL = Duration.ofSeconds(10);

    private final Map<String, String> env;
    private String dockerHost;
    private Path dockerConfig;
    private String workDirMount = DEFAULT_MOUNT;
    private boolean keepOnFailure;
    private PullPolicy defaultPullPolicy = PullPolicy.IF_NOT_PRESENT;
    private long logLimit = DEFAULT_LOG_LIMIT;
    private long engineLogMaxFileBytes = DEFAULT_ENGINE_LOG_FILE;
    private int engineLogMaxFiles = DEFAULT_ENGINE_LOG_FILES;
    private Duration statsInterval = DEFAULT_STATS_INTERVAL;

    public DockerRuntimeBuilder() {
        this(System.getenv());
    }

    /** A builder reading these variables in place of the process environment (tests). */
    DockerRuntimeBuilder(Map<String, String> env) {
        this.env = Map.copyOf(env);
    }

    @Override
    public DockerRuntime.Builder dockerHost(String dockerHost) {
        Objects.requireNonNull(dockerHost, "dockerHost");
        if (!dockerHost.matches("(unix|tcp|npipe)://.+")) {
            throw new IllegalArgumentException("dockerHost must look like unix:///var/run/docker.sock or tcp://host:2375, was '"
                    + dockerHost + "'");
        }
        this.dockerHost = dockerHost;
        return this;
    }

    @Override
    public DockerRuntime.Builder dockerConfig(Path directory) {
        this.dockerConfig = Objects.requireNonNull(directory, "directory").toAbsolutePath();
        return this;
    }

    @Override
    public DockerRuntime.Builder workDirMount(String containerPath) {
        Objects.requireNonNull(containerPath, "containerPath");
        if (!containerPath.startsWith("/") || containerPath.equals("/") || containerPath.contains(":")) {
            throw new IllegalArgumentException("workDirMount must be an absolute path inside the container other than /,"
                    + " without ':', was '" + containerPath + "'");
        }
        this.workDirMount = containerPath.endsWith("/") ? containerPath.substring(0, containerPath.length() - 1) : containerPath;
        return this;
    }

    @Override
    public DockerRuntime.Builder keepOnFailure(boolean keep) {
        this.keepOnFailure = keep;
        return this;
    }

    @Override
    public DockerRuntime.Builder defaultPullPolicy(PullPolicy policy) {
        this.defaultPullPolicy = Objects.requireNonNull(policy, "policy");
        return this;
    }

    @Override
    public DockerRuntime.Builder logLimit(long bytes) {
        if (bytes < 1) {
            throw new IllegalArgumentException("logLimit must be at least 1 byte, was " + bytes);
        }
        this.logLimit = bytes;
        return this;
    }

    @Override
    public DockerRuntime.Builder engineLogRotation(long maxFileBytes, int maxFiles) {
        if (maxFiles < 0 || (maxFiles > 0 && maxFileBytes < 1024)) {
            throw new IllegalArgumentException("engineLogRotation needs maxFiles >= 0 and, when rotating, maxFileBytes >= 1024;"
                    + " was " + maxFileBytes + " bytes and " + maxFiles + " files");
        }
        this.engineLogMaxFileBytes = maxFileBytes;
        this.engineLogMaxFiles = maxFiles;
        return this;
    }

    @Override
    public DockerRuntime.Builder statsInterval(Duration interval) {
        Objects.requireNonNull(interval, "interval");
        if (interval.isNegative()) {
            throw new IllegalArgumentException("statsInterval must not be negative, was " + interval);
        }
        this.statsInterval = interval;
        return this;
    }

    @Override
    public DockerRuntime build() {
        return DockerContainerRuntime.open(settings());
    }

    RuntimeSettings settings() {
        Path config = dockerConfig != null ? dockerConfig : defaultConfigDir(env);
        EngineEndpoint endpoint = EngineEndpoint.resolve(Optional.ofNullable(dockerHost), env, config);
        return new RuntimeSettings(endpoint, tlsCertPath(endpoint), config, workDirMount, keepOnFailure, defaultPullPolicy, logLimit,
                engineLogMaxFileBytes, engineLogMaxFiles, statsInterval);
    }

    /** The client certificates to use, when DOCKER_TLS_VERIFY asks for TLS to a tcp:// engine. */
    private Optional<Path> tlsCertPath(EngineEndpoint endpoint) {
        String verify = env.getOrDefault("DOCKER_TLS_VERIFY", "");
        if (!endpoint.host().startsWith("tcp://") || verify.isBlank() || verify.equals("0")) {
            return Optional.empty();
        }
        String certPath = env.get("DOCKER_CERT_PATH");
        return Optional.of(certPath != null && !certPath.isBlank() ? Path.of(certPath)
                : Path.of(System.getProperty("user.home"), ".docker"));
    }

    static Path defaultConfigDir(Map<String, String> env) {
        String fromEnv = env.get("DOCKER_CONFIG");
        if (fromEnv != null && !fromEnv.isBlank()) {
            return Path.of(fromEnv).toAbsolutePath();
        }
        return Path.of(System.getProperty("user.home"), ".docker");
    }
}
