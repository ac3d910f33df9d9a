package dev.runpilot.sdk.internal.engine;

import dev.runpilot.sdk.ControlPlaneException;
import dev.runpilot.sdk.RunPilotClient;
import dev.runpilot.sdk.archive.BundleExtractor;
import dev.runpilot.sdk.archive.EncryptionKey;
import dev.runpilot.sdk.archive.ProgressListener;
import dev.runpilot.sdk.archive.SigningKey;
import dev.runpilot.sdk.archive.TrustedKeys;
import dev.runpilot.sdk.spi.ComputeProvider;
import dev.runpilot.sdk.spi.ContainerRuntime;
import dev.runpilot.sdk.spi.StorageBackend;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/** The builder behind {@code RunPilot.client()}. Holds options; {@link #build()} opens the engine. */
public final class EmbeddedClientBuilder implements RunPilotClient.Builder {
    static final Duration DEFAULT_LEASE = Duration.ofSeconds(30);
    static final Duration DEFAULT_GRACE = Duration.ofSeconds(10);

    Path home;
    boolean inMemory;
    String databaseUrl;
    URI storageUri;
    StorageBackend storage;
    String computeName;
    ComputeProvider compute;
    String runtimeName;
    ContainerRuntime runtime;
    int workers = Math.max(2, Runtime.getRuntime().availableProcessors());
    java.util.Set<String> resourceClasses = java.util.Set.of();
    Duration lease = DEFAULT_LEASE;
    Duration grace = DEFAULT_GRACE;
    ClassLoader classLoader;
    SigningKey signingKey;
    TrustedKeys trustedKeys;
    EncryptionKey encryptionKey;
    ProgressListener progress = ProgressListener.none();
    BigDecimal maxCost;
    /** The options set that configure the embedded engine, which a client of a remote server has not got. */
    private final java.util.Set<String> engineOnly = new java.util.TreeSet<>();
    URI endpoint;
    String token;
    String profile;
    dev.runpilot.sdk.RetryPolicy apiRetry = dev.runpilot.sdk.internal.remote.RemoteClients.DEFAULT_RETRY;
    Duration requestTimeout = Duration.ofSeconds(30);
    javax.net.ssl.SSLContext sslContext;
    Path caCertificates;

    @Override
    public RunPilotClient.Builder sslContext(javax.net.ssl.SSLContext context) {
        this.sslContext = Objects.requireNonNull(context, "context");
        return this;
    }

    @Override
    public RunPilotClient.Builder trustCertificates(Path pemFile) {
        this.caCertificates = Objects.requireNonNull(pemFile, "pemFile");
        return this;
    }

    @Override
    public RunPilotClient.Builder endpoint(URI endpoint) {
        this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
        return this;
    }

    @Override
    public RunPilotClient.Builder token(String token) {
        this.token = Objects.requireNonNull(token, "token");
        return this;
    }

    @Override
    public RunPilotClient.Builder profile(String profile) {
        this.profile = Objects.requireNonNull(profile, "profile");
        return this;
    }

    @Override
    public RunPilotClient.Builder retry(dev.runpilot.sdk.RetryPolicy policy) {
        this.apiRetry = Objects.requireNonNull(policy, "policy");
        return this;
    }

    @Override
    public RunPilotClient.Builder requestTimeout(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isZero() || timeout.isNegative()) {
            throw new IllegalArgumentException("requestTimeout must be positive, was " + timeout);
        }
        this.requestTimeout = timeout;
        return this;
    }

    @Override
    public RunPilotClient.Builder home(Path home) {
        this.home = Objects.requireNonNull(home, "home");
        this.inMemory = false;
        return this;
    }

    @Override
    public RunPilotClient.Builder inMemory() {
        this.inMemory = true;
        this.home = null;
        engineOnly.add("inMemory()");
        return this;
    }

    @Override
    public RunPilotClient.Builder database(String jdbcUrl) {
        Objects.requireNonNull(jdbcUrl, "jdbcUrl");
        if (jdbcUrl.isBlank()) {
            throw new IllegalArgumentException("database URL must not be blank; write jdbc:postgresql://HOST:PORT/DATABASE"
                    + " or jdbc:sqlite:PATH");
        }
        this.databaseUrl = jdbcUrl;
        engineOnly.add("database(...)");
        return this;
    }

    @Override
    public RunPilotClient.Builder storage(URI uri) {
        this.storageUri = Objects.requireNonNull(uri, "uri");
        engineOnly.add("storage(...)");
        return this;
    }

    @Override
    public RunPilotClient.Builder storage(StorageBackend backend) {
        this.storage = Objects.requireNonNull(backend, "backend");
        engineOnly.add("storage(...)");
        return this;
    }

    @Override
    public RunPilotClient.Builder compute(String name) {
        this.computeName = Objects.requireNonNull(name, "name");
        engineOnly.add("compute(...)");
        return this;
    }

    @Override
    public RunPilotClient.Builder compute(ComputeProvider provider) {
        this.compute = Objects.requireNonNull(provider, "provider");
        engineOnly.add("compute(...)");
        return this;
    }

    @Override
    public RunPilotClient.Builder runtime(String name) {
        this.runtimeName = Objects.requireNonNull(name, "name");
        engineOnly.add("runtime(...)");
        return this;
    }

    @Override
    public RunPilotClient.Builder runtime(ContainerRuntime runtime) {
        this.runtime = Objects.requireNonNull(runtime, "runtime");
        engineOnly.add("runtime(...)");
        return this;
    }

    @Override
    public RunPilotClient.Builder workers(int workers) {
        if (workers < 0) {
            throw new IllegalArgumentException("workers must be zero or more, was " + workers);
        }
        this.workers = workers;
        engineOnly.add("workers(...)");
        return this;
    }

    @Override
    public RunPilotClient.Builder leaseDuration(Duration lease) {
        Objects.requireNonNull(lease, "lease");
        if (lease.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalArgumentException("leaseDuration must be at least 1 s, was " + lease);
        }
        this.lease = lease;
        engineOnly.add("leaseDuration(...)");
        return this;
    }

    @Override
    public RunPilotClient.Builder gracePeriod(Duration grace) {
        Objects.requireNonNull(grace, "grace");
        if (grace.isNegative()) {
            throw new IllegalArgumentException("gracePeriod must not be negative, was " + grace);
        }
        this.grace = grace;
        engineOnly.add("gracePeriod(...)");
        return this;
    }

    @Override
    public RunPilotClient.Builder signingKey(SigningKey key) {
        this.signingKey = Objects.requireNonNull(key, "key");
        return this;
    }

    @Override
    public RunPilotClient.Builder trustedKeys(TrustedKeys keys) {
        this.trustedKeys = Objects.requireNonNull(keys, "keys");
        engineOnly.add("trustedKeys(...)");
        return this;
    }

    @Override
    public RunPilotClient.Builder encryptionKey(EncryptionKey key) {
        this.encryptionKey = Objects.requireNonNull(key, "key");
        return this;
    }

    @Override
    public RunPilotClient.Builder progress(ProgressListener listener) {
        this.progress = Objects.requireNonNull(listener, "listener");
        return this;
    }

    @Override
    public RunPilotClient.Builder maxCost(BigDecimal usd) {
        Objects.requireNonNull(usd, "usd");
        if (usd.signum() < 0) {
            throw new IllegalArgumentException("maxCost must be zero or more, was " + usd);
        }
        this.maxCost = usd;
        return this;
    }

    /** The extractor local agents verify and unpack source bundles with. */
    BundleExtractor extractor() {
        BundleExtractor.Builder extractor = BundleExtractor.builder().requireSignature(trustedKeys != null);
        if (trustedKeys != null) {
            extractor.trustedKeys(trustedKeys);
        }
        if (encryptionKey != null) {
            extractor.decryptionKey(encryptionKey);
        }
        return extractor.build();
    }

    /** The bundler of this client's job sources: its signing and encryption keys and progress listener. */
    dev.runpilot.sdk.internal.archive.JobSourceBundler sourceBundler(Path tempDir) {
        return new dev.runpilot.sdk.internal.archive.JobSourceBundler(tempDir, java.util.Optional.ofNullable(signingKey),
                java.util.Optional.ofNullable(encryptionKey), progress);
    }

    @Override
    public RunPilotClient.Builder resourceClasses(String... classes) {
        Objects.requireNonNull(classes, "classes");
        java.util.Set<String> set = new java.util.TreeSet<>();
        for (String c : classes) {
            if (c == null || c.isBlank()) {
                throw new IllegalArgumentException("A resource class must not be blank");
            }
            set.add(c.trim());
        }
        this.resourceClasses = java.util.Collections.unmodifiableSet(set);
        engineOnly.add("resourceClasses(...)");
        return this;
    }

    @Override
    public RunPilotClient.Builder classLoader(ClassLoader classLoader) {
        this.classLoader = Objects.requireNonNull(classLoader, "classLoader");
        return this;
    }

    @Override
    public RunPilotClient build() {
        if (endpoint != null || profile != null) {
            if (!engineOnly.isEmpty()) {
                throw new IllegalStateException(String.join(", ", engineOnly) + (engineOnly.size() == 1 ? " configures" : " configure")
                        + " the embedded engine, but this builder connects to a RunPilot server ("
                        + (endpoint != null ? "endpoint " + endpoint : "profile '" + profile + "'") + "), whose own storage,"
                        + " compute and agents run the jobs. Remove " + (engineOnly.size() == 1 ? "it" : "them")
                        + ", or drop endpoint(...)/profile(...) for an embedded client.");
            }
            dev.runpilot.sdk.config.Profiles profiles = home != null
                    ? dev.runpilot.sdk.config.Profiles.at(home.resolve("config")) : dev.runpilot.sdk.config.Profiles.atDefaultLocation();
            return dev.runpilot.sdk.internal.remote.RemoteClients.open(java.util.Optional.ofNullable(endpoint),
                    java.util.Optional.ofNullable(token), java.util.Optional.ofNullable(profile), profiles, apiRetry, requestTimeout,
                    java.util.Optional.ofNullable(sslContext), java.util.Optional.ofNullable(caCertificates),
                    sourceBundler(home != null ? home.toAbsolutePath().resolve("tmp") : Path.of(System.getProperty("java.io.tmpdir"))),
                    java.util.Optional.ofNullable(maxCost));
        }
        return EmbeddedClient.open(this);
    }

    /** The home directory to use: the one given, else $RUNPILOT_HOME, else ~/.runpilot. */
    Path resolveHome() {
        if (inMemory) {
            try {
                return Files.createTempDirectory("runpilot-");
            } catch (IOException e) {
                throw new ControlPlaneException("Cannot create a temporary directory for an in-memory client: " + e, e);
            }
        }
        if (home != null) {
            return home.toAbsolutePath();
        }
        String env = System.getenv("RUNPILOT_HOME");
        if (env != null && !env.isBlank()) {
            return Path.of(env).toAbsolutePath();
        }
        return Path.of(System.getProperty("user.home"), ".runpilot");
    }

    ClassLoader resolveClassLoader() {
        if (classLoader != null) {
            return classLoader;
        }
        ClassLoader context = Thread.currentThread().getContextClassLoader();
        return context != null ? context : EmbeddedClientBuilder.class.getClassLoader();
    }
}
