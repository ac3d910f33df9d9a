package dev.runpilot.sdk.server;

import dev.runpilot.sdk.ControlPlaneException;
import dev.runpilot.sdk.RunPilot;
import dev.runpilot.sdk.RunPilotClient;
import dev.runpilot.sdk.internal.agent.StoreAgentPlane;
import dev.runpilot.sdk.internal.engine.EmbeddedClient;
import dev.runpilot.sdk.internal.server.AgentRegistry;
import dev.runpilot.sdk.internal.server.ApiServer;
import dev.runpilot.sdk.internal.server.ServerEngine;
import dev.runpilot.sdk.internal.server.ServerRuns;
import dev.runpilot.sdk.internal.server.SourceIntake;
import dev.runpilot.sdk.internal.server.TokenStore;
import dev.runpilot.sdk.internal.store.ClaimFilter;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The RunPilot v1 HTTP API server: the engine's control plane (queue, scheduler, lease recovery)
 * behind the paths listed in {@code docs/api.md}, for clients built with
 * {@code RunPilot.client().endpoint(uri)} and for {@link dev.runpilot.sdk.agent.Agent}s on other
 * hosts. It runs no jobs itself.
 *
 * <pre>{@code
 * try (RunPilotServer server = RunPilotServer.builder().home(Path.of("/srv/runpilot")).port(8420).build()) {
 *     String token = server.tokens().createUserToken("ml-team");   // shown once
 *     server.start();
 *     server.awaitTermination();
 * }
 * }</pre>
 *
 * <p>Several server processes may share one control plane (one home's database, or one PostgreSQL
 * database): each accepts the tokens and serves the runs of all. Thread-safe. Built on the JDK's
 * HTTP server; it adds no dependency.
 */
public final class RunPilotServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RunPilotServer.class);

    private final Builder options;
    private final EmbeddedClient engine;
    private final Tokens tokens;
    private final ServerEngine serverEngine;
    private final ExecutorService background;
    private ApiServer api;
    private volatile boolean closed;

    private RunPilotServer(Builder options, EmbeddedClient engine) {
        this.options = options;
        this.engine = engine;
        Clock clock = Clock.systemUTC();
        TokenStore tokenStore = new TokenStore(engine.database(), clock);
        this.tokens = new Tokens(tokenStore, engine.runs()::exists, clock);
        engine.agentTokenIssuer((runId, validFor) -> Optional.of(tokens.createRunAgentToken(runId,
                validFor.compareTo(Tokens.MAX_RUN_TOKEN_LIFETIME) > 0 ? Tokens.MAX_RUN_TOKEN_LIFETIME : validFor)));
        this.background = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "runpilot-server-archive");
            t.setDaemon(true);
            return t;
        });
        StoreAgentPlane plane = new StoreAgentPlane(engine.attempts(), engine.outputs(), engine.storage(), engine.home().resolve("tmp"),
                ClaimFilter.ANY);
        SourceIntake sources = new SourceIntake(engine.runs(), engine.storage(), engine.signal(), engine.home().resolve("tmp"),
                options.maxSourceBundleBytes, options.sourceTimeout, clock);
        this.serverEngine = new ServerEngine(engine.runs(), engine.outputs(), new ServerRuns(engine.database(), engine.runs(), clock),
                tokenStore, new AgentRegistry(engine.database(), clock), plane, engine.storage(), engine.compute(), engine.signal(),
                options.lease, background, engine.location(), sources);
        engine.addSchedulerTask(sources::sweep);
    }

    /**
     * Returns a builder. Defaults: home {@code $RUNPILOT_HOME} else {@code ~/.runpilot}; bind address
     * {@code 127.0.0.1}; port 8420; plain HTTP; a 30 s lease for agents; request bodies up to 1 MiB;
     * 32 request threads; source bundles up to 1 GiB, awaited for 1 hour.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Returns the token administration of this server's database. Usable before {@link #start()}.
     *
     * @return the tokens
     */
    public Tokens tokens() {
        return tokens;
    }

    /**
     * Starts listening. Idempotent.
     *
     * @return this server
     * @throws ControlPlaneException if the address cannot be bound (the message names it)
     */
    public synchronized RunPilotServer start() {
        ensureOpen();
        if (api != null) {
            return this;
        }
        InetSocketAddress address = new InetSocketAddress(options.bindAddress, options.port);
        try {
            api = new ApiServer(serverEngine, address, Optional.ofNullable(options.sslContext), options.maxRequestBytes, options.threads);
        } catch (IOException e) {
            throw new ControlPlaneException("Cannot listen on " + options.bindAddress + ":" + options.port + " (" + e.getMessage()
                    + "). Choose another port with RunPilotServer.builder().port(...), or 0 for any free port.", e);
        }
        api.start();
        log.info("RunPilot server listening on {} (control plane {})", uri(), engine.location());
        return this;
    }

    /**
     * Returns the base URI clients and agents use, such as {@code http://127.0.0.1:8420}.
     *
     * @return the URI
     * @throws IllegalStateException if the server is not started
     */
    public URI uri() {
        if (api == null) {
            throw new IllegalStateException("The server is not started; call start() first");
        }
        String host = options.bindAddress.contains(":") ? "[" + options.bindAddress + "]" : options.bindAddress;
        if (host.equals("0.0.0.0")) {
            host = "127.0.0.1";
        }
        return URI.create((options.sslContext != null ? "https" : "http") + "://" + host + ":" + api.port());
    }

    /**
     * Blocks until {@link #close()} is called from another thread.
     *
     * @throws InterruptedException if the waiting thread is interrupted
     */
    public void awaitTermination() throws InterruptedException {
        synchronized (this) {
            while (!closed) {
                wait();
            }
        }
    }

    /**
     * Stops listening (open streams end), then closes the engine. Runs held by agents stay theirs; the
     * next server on the database serves them. Idempotent.
     */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            notifyAll();
        }
        if (api != null) {
            api.close();
        }
        background.shutdown();
        try {
            background.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        engine.close();
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("This RunPilot server is closed; build a new one");
        }
    }

    @Override
    public String toString() {
        return "RunPilotServer{" + (api != null ? uri() : "not started") + ", " + engine.location() + '}';
    }

    /**
     * Runs a server from the command line until SIGTERM or SIGINT:
     * {@code java -cp ... dev.runpilot.sdk.server.RunPilotServer [--home DIR] [--database JDBC_URL] [--bind ADDR] [--port N]
     * [--lease SECONDS] [--port-file FILE] [--source-timeout SECONDS]}. With {@code --port-file} the chosen port is written to
     * the file once the server listens.
     *
     * @param args the options
     * @throws Exception if the server cannot start
     */
    public static void main(String[] args) throws Exception {
        Builder builder = builder();
        Path portFile = null;
        for (int i = 0; i < args.length; i++) {
            String value = i + 1 < args.length ? args[i + 1] : "";
            switch (args[i]) {
                case "--home" -> builder.home(Path.of(value));
                case "--database" -> builder.database(value);
                case "--bind" -> builder.bindAddress(value);
                case "--port" -> builder.port(Integer.parseInt(value));
                case "--lease" -> builder.leaseDuration(Duration.ofMillis((long) (Double.parseDouble(value) * 1000)));
                case "--port-file" -> portFile = Path.of(value);
                case "--source-timeout" -> builder.sourceTimeout(Duration.ofMillis((long) (Double.parseDouble(value) * 1000)));
                default -> throw new IllegalArgumentException("Unknown option " + args[i]
                        + "; use --home DIR, --database JDBC_URL, --bind ADDR, --port N, --lease SECONDS, --port-file FILE,"
                        + " --source-timeout SECONDS");
            }
            i++;
        }
        RunPilotServer server = builder.build().start();
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "runpilot-server-shutdown"));
        if (portFile != null) {
            Path temp = Files.createTempFile(portFile.toAbsolutePath().getParent(), "port-", ".tmp");
            Files.writeString(temp, Integer.toString(server.uri().getPort()));
            Files.move(temp, portFile, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        }
        System.out.println("RunPilot server listening on " + server.uri());
        server.awaitTermination();
    }

    /** Configures a {@link RunPilotServer}. Not thread-safe. */
    public static final class Builder {
        private dev.runpilot.sdk.spi.ComputeProvider compute;
        private Path home;
        private String bindAddress = "127.0.0.1";
        private int port = 8420;
        private SSLContext sslContext;
        private Duration lease = Duration.ofSeconds(30);
        private long maxRequestBytes = 1 << 20;
        private int threads = 32;
        private URI storage;
        private String database;
        private long maxSourceBundleBytes = 1L << 30;
        private Duration sourceTimeout = Duration.ofHours(1);

        private Builder() {
        }

        /**
         * Keeps the control plane in the database at this JDBC URL instead of {@code <home>/runpilot.db}:
         * {@code jdbc:postgresql://HOST:PORT/DATABASE?user=USER} lets several server processes (and hosts)
         * serve one queue. Needs {@code org.postgresql:postgresql} and {@code com.zaxxer:HikariCP} on the
         * class path. Default: SQLite in the home.
         *
         * @param jdbcUrl the URL; a password comes from its {@code password} parameter or {@code PGPASSWORD}
         * @return this builder
         */
        public Builder database(String jdbcUrl) {
            this.database = Objects.requireNonNull(jdbcUrl, "jdbcUrl");
            return this;
        }

        /**
         * Keeps the control plane (database, storage) under this directory. Default {@code $RUNPILOT_HOME},
         * else {@code ~/.runpilot}.
         *
         * @param home a directory; created if missing
         * @return this builder
         */
        public Builder home(Path home) {
            this.home = Objects.requireNonNull(home, "home");
            return this;
        }

        /**
         * Stores source bundles, log archives and artifacts under a URI. Default {@code file:<home>/storage}.
         *
         * @param uri such as {@code s3://bucket/prefix}
         * @return this builder
         */
        public Builder storage(URI uri) {
            this.storage = Objects.requireNonNull(uri, "uri");
            return this;
        }

        /**
         * Sets the address to listen on. Default {@code 127.0.0.1}: only this machine can connect. Use
         * {@code 0.0.0.0} (with HTTPS) to serve other hosts.
         *
         * @param address an IP address or host name
         * @return this builder
         */
        public Builder bindAddress(String address) {
            this.bindAddress = Objects.requireNonNull(address, "address");
            return this;
        }

        /**
         * Sets the port. Default 8420; 0 picks a free one ({@link #uri()} tells which).
         *
         * @param port 0 to 65535
         * @return this builder
         */
        public Builder port(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port must be between 0 and 65535, was " + port);
            }
            this.port = port;
            return this;
        }

        /**
         * Serves HTTPS with this TLS context (its key manager holds the server's certificate). Default: plain HTTP.
         *
         * @param context an initialised SSL context
         * @return this builder
         */
        public Builder https(SSLContext context) {
            this.sslContext = Objects.requireNonNull(context, "context");
            return this;
        }

        /**
         * Sets how long an agent's claim lasts without a heartbeat. Default 30 s. Agents renew every
         * third of it; a run whose agent died is queued again this long after its last heartbeat.
         *
         * @param lease at least 1 s
         * @return this builder
         */
        public Builder leaseDuration(Duration lease) {
            Objects.requireNonNull(lease, "lease");
            if (lease.compareTo(Duration.ofSeconds(1)) < 0) {
                throw new IllegalArgumentException("leaseDuration must be at least 1 s, was " + lease);
            }
            this.lease = lease;
            return this;
        }

        /**
         * Sets the largest JSON request body accepted; larger ones get 413. Default 1 MiB.
         *
         * @param bytes at least 1 KiB
         * @return this builder
         */
        public Builder maxRequestBytes(long bytes) {
            if (bytes < 1024) {
                throw new IllegalArgumentException("maxRequestBytes must be at least 1024, was " + bytes);
            }
            this.maxRequestBytes = bytes;
            return this;
        }

        /**
         * Sets how many requests are served at once (open log and event streams each hold one). Default 32.
         *
         * @param threads at least 2
         * @return this builder
         */
        public Builder threads(int threads) {
            if (threads < 2) {
                throw new IllegalArgumentException("threads must be at least 2, was " + threads);
            }
            this.threads = threads;
            return this;
        }

        /**
         * Sets the largest source bundle a client may upload ({@code PUT /v1/runs/{id}/artifacts/code});
         * a submission declaring a larger one, or an upload running past it, gets 413 naming the limit.
         * Default 1 GiB.
         *
         * @param bytes at least 1 KiB
         * @return this builder
         * @since 0.2.0
         */
        public Builder maxSourceBundleBytes(long bytes) {
            if (bytes < 1024) {
                throw new IllegalArgumentException("maxSourceBundleBytes must be at least 1024, was " + bytes);
            }
            this.maxSourceBundleBytes = bytes;
            return this;
        }

        /**
         * Sets how long a run submitted with a source bundle the server's storage does not hold waits
         * (PENDING) for the client to upload it. A run whose bundle has not arrived by then fails with
         * reason {@code source_missing}; the server's scheduler checks about every tenth of this
         * (between 100 ms and 10 s). Default 1 hour.
         *
         * @param timeout at least 100 ms
         * @return this builder
         * @since 0.2.0
         */
        public Builder sourceTimeout(Duration timeout) {
            Objects.requireNonNull(timeout, "timeout");
            if (timeout.compareTo(Duration.ofMillis(100)) < 0) {
                throw new IllegalArgumentException("sourceTimeout must be at least 100 ms, was " + timeout);
            }
            this.sourceTimeout = timeout;
            return this;
        }

        /**
         * Uses this compute provider, which brings up machines for queued runs (such as {@code ec2}) and
         * hears agents' {@code instance/shutdown} requests. Default {@code local} with no workers: agents
         * connect by themselves. The server starts and closes it.
         *
         * @param provider the provider
         * @return this builder
         * @since 0.2.0
         */
        public Builder compute(dev.runpilot.sdk.spi.ComputeProvider provider) {
            this.compute = Objects.requireNonNull(provider, "provider");
            return this;
        }

        /**
         * Opens the control plane (migrating its database) and recovers lapsed leases; does not listen yet.
         *
         * @return the server; call {@link RunPilotServer#start()}
         * @throws ControlPlaneException if the home or database is unusable
         */
        public RunPilotServer build() {
            RunPilotClient.Builder client = RunPilot.client().workers(0).leaseDuration(lease).runtime("process");
            if (compute != null) {
                client.compute(compute);
            }
            if (home != null) {
                client.home(home);
            }
            if (storage != null) {
                client.storage(storage);
            }
            if (database != null) {
                client.database(database);
            }
            return new RunPilotServer(this, (EmbeddedClient) client.build());
        }
    }
}
