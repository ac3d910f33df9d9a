package dev.runpilot.sdk;

import dev.runpilot.sdk.archive.EncryptionKey;
import dev.runpilot.sdk.archive.ProgressListener;
import dev.runpilot.sdk.archive.SigningKey;
import dev.runpilot.sdk.archive.TrustedKeys;
import dev.runpilot.sdk.spi.ComputeProvider;
import dev.runpilot.sdk.spi.ContainerRuntime;
import dev.runpilot.sdk.spi.StorageBackend;
import java.math.BigDecimal;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * The entry point to a RunPilot control plane: submits jobs and finds runs.
 *
 * <p>Built by {@link RunPilot#client()}. A client is thread-safe and meant to be shared; it owns
 * threads (the scheduler, local agents) and a database connection, all released by {@link #close()}.
 *
 * <pre>{@code
 * try (RunPilotClient client = RunPilot.client().build()) {
 *     Run run = client.submit(Job.builder().name("hello").command("echo", "hello").build());
 *     System.out.println(run.await().status());
 * }
 * }</pre>
 */
public interface RunPilotClient extends AutoCloseable {
    /**
     * Submits a job and returns at once with a handle on its run.
     *
     * @param job the job
     * @return the new run, {@link RunStatus#QUEUED} (or {@link RunStatus#PENDING} while it waits on
     *     {@link Job#dependsOn()})
     * @throws InvalidJobException if the job uses a feature this client cannot honour, or depends on an
     *     unknown run; nothing is submitted
     * @throws ControlPlaneException if the control plane cannot record it
     */
    Run submit(Job job);

    /**
     * Returns a handle on an existing run.
     *
     * @param runId the run id
     * @return the handle
     * @throws RunNotFoundException if no run has this id
     */
    Run run(String runId);

    /**
     * Returns a handle on a run if it exists.
     *
     * @param runId the run id
     * @return the handle, or empty if no run has this id
     */
    Optional<Run> findRun(String runId);

    /**
     * Lists runs, newest first.
     *
     * @param query filters and paging
     * @return one page
     */
    RunPage list(RunQuery query);

    /**
     * Lists the newest 50 runs.
     *
     * @return the first page of all runs
     */
    default RunPage list() {
        return list(RunQuery.all());
    }

    /**
     * Estimates what running a job once costs on this client's compute provider, without submitting
     * it: the price of the machine it would get times the job's timeout (one hour without one), plus
     * storage. The {@code local} provider costs nothing. A client of a RunPilot server asks the server,
     * whose compute provider would run the job ({@code POST /v1/estimate}).
     *
     * @param job the job
     * @return the estimate with its breakdown
     * @throws UnsupportedOperationException if this client cannot estimate (the default)
     * @since 0.2.0
     */
    default Estimate estimate(Job job) {
        throw new UnsupportedOperationException("This RunPilot client (" + getClass().getSimpleName() + ") cannot estimate costs");
    }

    /**
     * Deletes the stored artifacts of finished runs that the retention does not keep: runs that
     * finished longer ago than {@link ArtifactRetention#olderThan()}, except the
     * {@link ArtifactRetention#keepLast()} most recently finished. Runs, their logs and their
     * records stay; only their {@code runs/<id>/artifacts/} objects go.
     *
     * @param retention what to keep
     * @return what was deleted
     * @throws StorageException if the storage refuses a listing or a delete (what was deleted before stays deleted)
     * @throws UnsupportedOperationException if this kind of client does not manage storage
     * @since 0.2.0
     */
    default PrunedArtifacts pruneArtifacts(ArtifactRetention retention) {
        throw new UnsupportedOperationException(getClass().getName() + " does not prune artifacts");
    }

    /**
     * Delivers the events of every run this client can read (a server: the token's project) with a
     * sequence number above {@code afterSequence}, then each new one as it happens, until the calling
     * thread is interrupted. For one run's events until it ends, use {@link Run#followEvents}.
     *
     * <p>Blocks the calling thread; run it on a thread of your own and interrupt that thread (or
     * cancel its {@code Future}) to stop. Returns with the interrupt flag set. Events are delivered on
     * the calling thread, in sequence order, each exactly once; an exception the consumer throws ends
     * the call and propagates. A client of a RunPilot server reads {@code GET /v1/events} and
     * reconnects after the last event it delivered when the connection drops.
     *
     * @param afterSequence the sequence number of the last event already seen, 0 for the start of the log
     * @param consumer receives each event
     * @throws UnsupportedOperationException if this client cannot follow events (the default)
     * @throws ApiException if the server refuses the stream
     * @since 0.2.0
     */
    default void followEvents(long afterSequence, java.util.function.Consumer<RunEvent> consumer) {
        throw new UnsupportedOperationException("This RunPilot client (" + getClass().getSimpleName() + ") cannot follow events");
    }

    /**
     * Like {@link #followEvents(long, java.util.function.Consumer)}, starting with the events that
     * happen after the call: nothing from the past is delivered.
     *
     * @param consumer receives each event
     * @throws UnsupportedOperationException if this client cannot follow events (the default)
     * @since 0.2.0
     */
    default void followEvents(java.util.function.Consumer<RunEvent> consumer) {
        throw new UnsupportedOperationException("This RunPilot client (" + getClass().getSimpleName() + ") cannot follow events");
    }

    /**
     * Lists the agents registered with the control plane, newest registration first, with the runs
     * each holds now. A remote client asks its server ({@code GET /v1/agents}) and sees only the runs
     * of its own project. An embedded client reads the agents registered in its database by servers
     * that share it (the same home or PostgreSQL database) and sees every run they hold, as an
     * administrator would; its own in-process workers are not registered agents, so a client that
     * shares its database with no server returns an empty list.
     *
     * <p>An agent is {@linkplain dev.runpilot.sdk.agent.AgentInfo#online() online} when it was heard
     * from within three lease durations: the server's lease for a remote client, this client's
     * {@link Builder#leaseDuration(java.time.Duration) leaseDuration} for an embedded one.
     *
     * @return the agents heard from since they registered; empty when none registered
     * @throws UnsupportedOperationException if this client cannot list agents (the default of this
     *     interface; both built-in clients can)
     * @throws ApiException if the server refuses the call
     * @throws ControlPlaneException if the server or database cannot be reached
     * @since 0.2.0
     */
    default java.util.List<dev.runpilot.sdk.agent.AgentInfo> agents() {
        throw new UnsupportedOperationException("This RunPilot client (" + getClass().getSimpleName() + ") cannot list agents");
    }

    /**
     * Stops the client: its local agents claim nothing more, running runs are stopped (their grace
     * period applies, their logs are saved, and they are queued again for the next engine when their
     * retry policy allows), and the database is closed. Idempotent.
     */
    @Override
    void close();

    /**
     * Configures a {@link RunPilotClient}. Not thread-safe; the client it builds is.
     *
     * <p>Defaults: the embedded control plane in {@code $RUNPILOT_HOME}, else {@code ~/.runpilot};
     * storage {@code file:<home>/storage}; compute {@code local} with one worker per core (at least
     * 2); the available runtime with the highest priority ({@code process} when nothing else is on
     * the class path); a 30 s lease; a 10 s grace period between SIGTERM and SIGKILL.
     */
    interface Builder {
        /**
         * Keeps the control plane (database, storage, work directories) under this directory.
         *
         * @param home a directory; created if missing
         * @return this builder
         */
        Builder home(Path home);

        /**
         * Keeps everything in memory and a temporary directory removed on close. For tests and notebooks.
         *
         * @return this builder
         */
        Builder inMemory();

        /**
         * Keeps the control plane's database at this JDBC URL instead of {@code <home>/runpilot.db} (or
         * the in-memory database of {@link #inMemory()}); storage and work directories stay under the
         * home. {@code jdbc:postgresql://HOST:PORT/DATABASE?user=USER} lets several clients, servers and
         * agents on different machines share one queue: it needs {@code org.postgresql:postgresql} and
         * {@code com.zaxxer:HikariCP} on the class path, takes the password from a {@code password} URL
         * parameter or {@code PGPASSWORD} (never logged or shown), and opens at most 10 connections.
         * {@code jdbc:sqlite:PATH}, or a plain file path, names a SQLite file. The schema is created or
         * migrated when the client is built. Default: SQLite at {@code <home>/runpilot.db}.
         *
         * @param jdbcUrl such as {@code jdbc:postgresql://db.internal:5432/runpilot?user=runpilot}
         * @return this builder
         */
        Builder database(String jdbcUrl);

        /**
         * Stores bundles, logs and artifacts under a URI; its scheme picks the backend.
         *
         * @param uri such as {@code file:///data/runpilot} or {@code s3://bucket/prefix}
         * @return this builder
         */
        Builder storage(URI uri);

        /**
         * Stores bundles, logs and artifacts in this backend. Wins over {@link #storage(URI)}. The client
         * does not close it.
         *
         * @param backend the backend
         * @return this builder
         */
        Builder storage(StorageBackend backend);

        /**
         * Chooses the compute provider by name. Default {@code local}.
         *
         * @param name such as {@code local}
         * @return this builder
         */
        Builder compute(String name);

        /**
         * Uses this compute provider. Wins over {@link #compute(String)}. The client starts and closes it.
         *
         * @param provider the provider
         * @return this builder
         */
        Builder compute(ComputeProvider provider);

        /**
         * Chooses the container runtime by name. Default, and what {@code "auto"} asks for: the available runtime
         * with the highest priority, which is {@code docker} when {@code dev.runpilot:runpilot-docker} is on the
         * class path and a Docker engine answers, else {@code process}; the choice is logged once at INFO.
         *
         * @param name such as {@code process}, {@code docker} or {@code auto}
         * @return this builder
         */
        Builder runtime(String name);

        /**
         * Uses this container runtime. Wins over {@link #runtime(String)}. The client does not close it.
         *
         * @param runtime the runtime
         * @return this builder
         */
        Builder runtime(ContainerRuntime runtime);

        /**
         * Sets how many runs the local compute runs at once. Default: the number of cores, at least 2.
         * Zero starts no local agent: the client only submits and reads.
         *
         * @param workers zero or more
         * @return this builder
         */
        Builder workers(int workers);

        /**
         * Declares the resource classes (such as {@code gpu-large}) this client's in-process workers
         * offer. Default none: the embedded engine refuses a job naming a
         * {@link Job#resourceClass() resource class} rather than run it on hardware that may lack it.
         * Declaring a class says this machine has what such jobs need; every client on the same home
         * is assumed to have the same. (Agents of a RunPilot server are routed by their own labels.)
         *
         * @param classes the classes offered; none clears the list
         * @return this builder
         * @since 0.2.0
         */
        Builder resourceClasses(String... classes);

        /**
         * Sets how long a claim on a run lasts without a heartbeat. Default 30 s. A run whose agent died
         * is recovered this long after the agent's last heartbeat.
         *
         * @param lease at least 1 s
         * @return this builder
         */
        Builder leaseDuration(Duration lease);

        /**
         * Sets how long a cancelled or timed-out run gets between SIGTERM and SIGKILL. Default 10 s.
         *
         * @param grace zero or positive
         * @return this builder
         */
        Builder gracePeriod(Duration grace);

        /**
         * Signs the source bundles of jobs with a {@link Job#source() source} with this key. Default: unsigned.
         *
         * @param key an Ed25519 key, such as {@code SigningKey.load(path)}
         * @return this builder
         */
        Builder signingKey(SigningKey key);

        /**
         * Makes this client's local agents run only source bundles signed by one of these keys: an
         * unsigned, tampered or foreign bundle fails its run with reason {@code signature_rejected}
         * before a byte is extracted. Default: signatures are checked when present, not required.
         *
         * @param keys the trusted public keys, such as {@code TrustedKeys.load(dir)}
         * @return this builder
         */
        Builder trustedKeys(TrustedKeys keys);

        /**
         * Encrypts source bundles with this key (AES-256-GCM) before they reach storage, and lets this
         * client's local agents decrypt them. Default: not encrypted.
         *
         * @param key the key, such as {@code EncryptionKey.fromEnvironment("RUNPILOT_ENCRYPTION_KEY")}
         * @return this builder
         */
        Builder encryptionKey(EncryptionKey key);

        /**
         * Receives progress while source bundles are built and uploaded. Default: none.
         *
         * @param listener the listener, called on the submitting thread
         * @return this builder
         */
        Builder progress(ProgressListener listener);

        /**
         * Refuses to submit a job whose {@link RunPilotClient#estimate(Job) estimate} is above this many
         * US dollars: {@link RunPilotClient#submit(Job)} throws {@link CostLimitExceededException},
         * saying by how much. Default: no limit. On a client of a RunPilot server the estimate is the
         * server's, asked for before each submission.
         *
         * @param usd the maximum, zero or more
         * @return this builder
         * @since 0.2.0
         */
        Builder maxCost(BigDecimal usd);

        /**
         * Sets the class loader that providers are found with. Default: the thread's context class
         * loader, else this library's.
         *
         * @param classLoader the class loader
         * @return this builder
         */
        Builder classLoader(ClassLoader classLoader);

        /**
         * Uses the RunPilot server at this URI as the control plane instead of the embedded one: the
         * client then only submits and reads over HTTP (the server's agents run the jobs), and the
         * home, storage, compute, runtime and worker options do not apply.
         *
         * @param endpoint such as {@code https://runpilot.example.com}
         * @return this builder
         */
        default Builder endpoint(URI endpoint) {
            throw new UnsupportedOperationException("This builder has no remote control plane");
        }

        /**
         * Sets the bearer token for {@link #endpoint(URI)}. Default: the profile's token.
         *
         * @param token a user token created by the server's administrator
         * @return this builder
         */
        default Builder token(String token) {
            throw new UnsupportedOperationException("This builder has no remote control plane");
        }

        /**
         * Takes the endpoint and token from a profile of the credentials file
         * ({@link dev.runpilot.sdk.config.Profiles}; {@code ~/.runpilot/config} by default, or
         * {@code config} in the {@link #home(Path) home}). An explicit endpoint or token wins.
         *
         * @param profile such as {@code staging}
         * @return this builder
         */
        default Builder profile(String profile) {
            throw new UnsupportedOperationException("This builder has no remote control plane");
        }

        /**
         * Sets how calls to a RunPilot server are retried on connection errors, 429 and 502/503/504
         * (a {@code Retry-After} header sets the wait). Default: 5 attempts, 200 ms doubling up to 5 s,
         * with jitter. Submissions stay exactly-once across retries (idempotency keys).
         *
         * @param policy the attempts and backoff; its {@code retryOn} settings do not apply
         * @return this builder
         */
        default Builder retry(RetryPolicy policy) {
            throw new UnsupportedOperationException("This builder has no remote control plane");
        }

        /**
         * Sets the longest wait for one call to a RunPilot server (each retry gets its own). Default 30 s.
         *
         * @param timeout positive
         * @return this builder
         */
        default Builder requestTimeout(Duration timeout) {
            throw new UnsupportedOperationException("This builder has no remote control plane");
        }

        /**
         * Uses this TLS context for {@code https://} calls to the {@link #endpoint(URI) server}, such as
         * one that trusts a private CA or presents a client certificate. Wins over
         * {@link #trustCertificates(Path)} and the profile's {@code ca_certificate}. Default: the JDK's
         * default context (its trust store).
         *
         * @param context an initialised context
         * @return this builder
         * @since 0.2.0
         */
        default Builder sslContext(javax.net.ssl.SSLContext context) {
            throw new UnsupportedOperationException("This builder has no remote control plane");
        }

        /**
         * Trusts the certificates of a PEM file, and only those, for {@code https://} calls to the
         * {@link #endpoint(URI) server}: for a server whose certificate a private CA signed. Wins over
         * the profile's {@code ca_certificate = /path/ca.pem}. Default: the JDK's trust store.
         *
         * @param pemFile one or more {@code -----BEGIN CERTIFICATE-----} blocks; read when the client is built
         * @return this builder
         * @throws RunPilotException from {@link #build()} if the file cannot be read or holds no certificate
         * @since 0.2.0
         */
        default Builder trustCertificates(Path pemFile) {
            throw new UnsupportedOperationException("This builder has no remote control plane");
        }

        /**
         * Opens the control plane, recovers runs whose agent died, and starts the compute; or, with an
         * {@link #endpoint(URI) endpoint} or {@link #profile(String) profile}, opens a client of that
         * RunPilot server.
         *
         * @return the client
         * @throws ControlPlaneException if the home cannot be written or the database is unusable
         * @throws ProviderException if a named provider cannot be found
         * @throws IllegalStateException if an endpoint or profile is combined with options of the
         *     embedded engine ({@code inMemory}, {@code database}, {@code storage}, {@code compute},
         *     {@code runtime}, {@code workers}, {@code leaseDuration}, {@code gracePeriod},
         *     {@code trustedKeys}, {@code resourceClasses}), which a server's client has no use for; the
         *     message names them
         */
        RunPilotClient build();
    }
}
