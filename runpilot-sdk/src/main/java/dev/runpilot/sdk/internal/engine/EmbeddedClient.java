package dev.runpilot.sdk.internal.engine;

import dev.runpilot.sdk.ArtifactRetention;
import dev.runpilot.sdk.CostLimitExceededException;
import dev.runpilot.sdk.Estimate;
import dev.runpilot.sdk.FailureReason;
import dev.runpilot.sdk.InvalidJobException;
import dev.runpilot.sdk.PrunedArtifacts;
import dev.runpilot.sdk.Job;
import dev.runpilot.sdk.Run;
import dev.runpilot.sdk.RunNotFoundException;
import dev.runpilot.sdk.RunPage;
import dev.runpilot.sdk.RunPilotClient;
import dev.runpilot.sdk.RunQuery;
import dev.runpilot.sdk.internal.agent.AgentSettings;
import dev.runpilot.sdk.internal.artifact.ArtifactCatalog;
import dev.runpilot.sdk.internal.agent.LocalAgent;
import dev.runpilot.sdk.internal.agent.StoreAgentPlane;
import dev.runpilot.sdk.internal.store.ClaimFilter;
import dev.runpilot.sdk.internal.runtime.ImageRoutingRuntime;
import dev.runpilot.sdk.internal.runtime.ProcessRuntime;
import dev.runpilot.sdk.internal.spi.ProviderRegistry;
import dev.runpilot.sdk.internal.store.AttemptStore;
import dev.runpilot.sdk.internal.store.Database;
import dev.runpilot.sdk.internal.store.OutputStore;
import dev.runpilot.sdk.internal.store.RunStore;
import dev.runpilot.sdk.internal.store.SourceRef;
import dev.runpilot.sdk.spi.AgentHandle;
import dev.runpilot.sdk.spi.ComputeContext;
import dev.runpilot.sdk.spi.ComputeProvider;
import dev.runpilot.sdk.spi.ComputeRun;
import dev.runpilot.sdk.spi.ContainerRuntime;
import dev.runpilot.sdk.spi.StorageBackend;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BiFunction;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded engine behind {@link RunPilotClient}: the control plane (SQLite, or a shared
 * PostgreSQL), the scheduler, and
 * the compute provider with its local agents, all owned by this client and released by close.
 */
public final class EmbeddedClient implements RunPilotClient {
    private static final Logger log = LoggerFactory.getLogger(EmbeddedClient.class);

    private volatile BiFunction<String, Duration, Optional<String>> agentTokenIssuer =
            (runId, validFor) -> Optional.empty();
    private final Path home;
    private final boolean temporaryHome;
    private final Database db;
    private final RunStore runs;
    private final AttemptStore attempts;
    private final OutputStore outputs;
    private final StorageBackend storage;
    private final boolean ownsStorage;
    private final ContainerRuntime runtime;
    private final boolean ownsRuntime;
    private final ComputeProvider compute;
    private final ChangeSignal signal = new ChangeSignal();
    private final List<LocalAgent> localAgents = new CopyOnWriteArrayList<>();
    private final String host = hostName();
    private final EmbeddedClientBuilder options;
    private final SourceUploader sources;
    private Scheduler scheduler;
    private volatile boolean closed;

    private EmbeddedClient(EmbeddedClientBuilder options, Path home, Database db, StorageBackend storage, boolean ownsStorage,
                           ContainerRuntime runtime, boolean ownsRuntime, ComputeProvider compute) {
        this.options = options;
        this.home = home;
        this.temporaryHome = options.inMemory;
        this.db = db;
        Clock clock = Clock.systemUTC();
        this.runs = new RunStore(db, clock);
        this.attempts = new AttemptStore(db, clock, new java.util.Random());
        this.outputs = new OutputStore(db);
        this.storage = storage;
        this.ownsStorage = ownsStorage;
        this.runtime = runtime;
        this.ownsRuntime = ownsRuntime;
        this.compute = compute;
        this.sources = new SourceUploader(storage, options.sourceBundler(home.resolve("tmp")));
    }

    static EmbeddedClient open(EmbeddedClientBuilder options) {
        Path home = options.resolveHome();
        List<AutoCloseable> opened = new ArrayList<>();
        try {
            Database db = options.databaseUrl != null ? Database.open(options.databaseUrl)
                    : options.inMemory ? Database.inMemory() : Database.open(home.resolve("runpilot.db"));
            opened.add(db);
            ProviderRegistry registry = new ProviderRegistry(options.resolveClassLoader());
            ProviderContextImpl context = new ProviderContextImpl(home);
            StorageBackend storage = options.storage;
            if (storage == null) {
                URI uri = options.storageUri != null ? options.storageUri : home.resolve("storage").toUri();
                if (uri.getScheme() == null) {
                    throw new IllegalArgumentException("Storage URI " + uri + " has no scheme; write it as file:///dir or s3://bucket/prefix");
                }
                storage = registry.storage(uri.getScheme()).create(uri, context);
                opened.add(storage);
            }
            ContainerRuntime runtime = options.runtime != null ? options.runtime : resolveRuntime(registry, options.runtimeName, context);
            if (options.runtime == null) {
                opened.add(runtime);
            }
            ComputeProvider compute = options.compute != null ? options.compute : registry.compute(options.computeName).create(context);
            EmbeddedClient client = new EmbeddedClient(options, home, db, storage, options.storage == null, runtime,
                    options.runtime == null, compute);
            client.start();
            return client;
        } catch (RuntimeException | Error e) {
            for (AutoCloseable resource : opened) {
                try {
                    resource.close();
                } catch (Exception suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            if (options.inMemory) {
                deleteTree(home);
            }
            throw e;
        }
    }

    /**
     * Resolves the runtime by name; with no name (or {@code auto}) the highest-priority available one,
     * which, when it is a container runtime, takes the jobs with an image while the process runtime
     * keeps the others.
     */
    private static ContainerRuntime resolveRuntime(ProviderRegistry registry, String name, ProviderContextImpl context) {
        boolean automatic = name == null || name.equalsIgnoreCase(ProviderRegistry.AUTO);
        ContainerRuntime chosen = registry.runtime(name).create(context);
        if (!automatic || chosen.name().equals(ProcessRuntime.NAME)) {
            return chosen;
        }
        ContainerRuntime routing = new ImageRoutingRuntime(chosen, registry.runtime(ProcessRuntime.NAME).create(context));
        log.info("Jobs with an image run in container runtime '{}'; jobs without one run as host processes", chosen.name());
        return routing;
    }

    private void start() {
        scheduler = new Scheduler(runs, attempts, compute, new OrphanReaper(host, options.grace), signal);
        scheduler.recover();
        compute.start(new ComputeContextImpl());
        scheduler.start();
        log.debug("RunPilot client open on {} (runtime '{}', compute '{}', storage {})", db.location(), runtime.name(),
                compute.name(), storage.uri());
    }

    @Override
    public Run submit(Job job) {
        Objects.requireNonNull(job, "job");
        ensureOpen();
        List<String> problems = new ArrayList<>(unsupportedByEngine(job));
        problems.addAll(runtime.unsupported(job));
        if (!problems.isEmpty()) {
            throw new InvalidJobException("Cannot submit job '" + job.name() + "': " + String.join("; ", problems) + ".");
        }
        if (options.maxCost != null) {
            Estimate estimate = compute.estimate(job);
            if (estimate.total().compareTo(options.maxCost) > 0) {
                throw new CostLimitExceededException(job.name(), estimate, options.maxCost);
            }
        }
        Optional<SourceRef> source = job.source().map(dir -> sources.upload(job));
        String id = runs.submit(job, source);
        signal.changed();
        return new EmbeddedRun(this, id);
    }

    @Override
    public Estimate estimate(Job job) {
        Objects.requireNonNull(job, "job");
        ensureOpen();
        return compute.estimate(job);
    }

    /** Fields whose features are not part of the embedded engine yet: refused rather than ignored. */
    private List<String> unsupportedByEngine(Job job) {
        List<String> problems = new ArrayList<>();
        job.resourceClass().filter(c -> !options.resourceClasses.contains(c)).ifPresent(c -> problems.add("resourceClass '" + c
                + "' is not offered by this client's workers (" + (options.resourceClasses.isEmpty() ? "none declared"
                : "they offer " + String.join(", ", options.resourceClasses)) + "); declare it with"
                + " RunPilotClient.Builder.resourceClasses(\"" + c + "\") if this machine has what it needs, or submit to a RunPilot"
                + " server whose agents offer it"));
        return problems;
    }

    @Override
    public Run run(String runId) {
        return findRun(runId).orElseThrow(() -> new RunNotFoundException(runId, db.location()));
    }

    @Override
    public Optional<Run> findRun(String runId) {
        Objects.requireNonNull(runId, "runId");
        ensureOpen();
        return runs.exists(runId) ? Optional.of(new EmbeddedRun(this, runId)) : Optional.empty();
    }

    @Override
    public RunPage list(RunQuery query) {
        Objects.requireNonNull(query, "query");
        ensureOpen();
        return runs.list(query);
    }

    @Override
    public void followEvents(long afterSequence, java.util.function.Consumer<dev.runpilot.sdk.RunEvent> consumer) {
        Objects.requireNonNull(consumer, "consumer");
        new StoreEventFollower(runs, signal, location()).followAll(afterSequence, consumer);
    }

    @Override
    public void followEvents(java.util.function.Consumer<dev.runpilot.sdk.RunEvent> consumer) {
        followEvents(runs.lastEventSeq(), consumer);
    }

    /** Lists the agents registered in this control plane's database by servers that share it, with every run they hold. */
    @Override
    public List<dev.runpilot.sdk.agent.AgentInfo> agents() {
        ensureOpen();
        return new dev.runpilot.sdk.internal.server.AgentRegistry(db, Clock.systemUTC()).describe(0, options.lease, (agent, runId) -> true);
    }

    @Override
    public PrunedArtifacts pruneArtifacts(ArtifactRetention retention) {
        Objects.requireNonNull(retention, "retention");
        ensureOpen();
        PrunedArtifacts pruned = artifacts().prune(retention, runs.finishedRuns(), Instant.now());
        log.debug("Pruned {} artifact files of {} runs from {} ({})", pruned.objects(), pruned.runIds().size(),
                storage.uri(), retention);
        return pruned;
    }

    ArtifactCatalog artifacts() {
        return new ArtifactCatalog(storage);
    }

    public RunStore runs() {
        return runs;
    }

    public AttemptStore attempts() {
        return attempts;
    }

    public OutputStore outputs() {
        return outputs;
    }

    public ChangeSignal signal() {
        return signal;
    }

    public String location() {
        return db.location();
    }

    /** The database, storage, compute and home, for the HTTP API server built on this engine. */
    public Database database() {
        return db;
    }

    public StorageBackend storage() {
        return storage;
    }

    public ComputeProvider compute() {
        return compute;
    }

    public Path home() {
        return home;
    }

    /**
     * Adds work the scheduler does on every pass (about every 200 ms), on its thread, after it took
     * back lapsed leases and dispatched events: the HTTP server's source timeout, for one.
     */
    public void addSchedulerTask(Runnable task) {
        scheduler.addTask(Objects.requireNonNull(task, "task"));
    }

    /** Tells this client's local agents at once that a run was cancelled (other processes learn it by heartbeat). */
    void cancelled(String runId) {
        localAgents.forEach(agent -> agent.cancel(runId));
        signal.changed();
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("This RunPilot client is closed; build a new one with RunPilot.client()");
        }
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        closeQuietly(compute, "compute provider");
        localAgents.forEach(LocalAgent::close);
        closeQuietly(scheduler, "scheduler");
        if (ownsRuntime) {
            closeQuietly(runtime, "runtime");
        }
        if (ownsStorage) {
            closeQuietly(storage, "storage");
        }
        db.close();
        signal.changed();
        if (temporaryHome) {
            deleteTree(home);
        }
    }

    private static void closeQuietly(AutoCloseable resource, String what) {
        try {
            resource.close();
        } catch (Exception e) {
            log.warn("Closing the {} failed: {}", what, e.toString());
        }
    }

    private static void deleteTree(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            log.debug("Could not delete {}: {}", root, e.toString());
        }
    }

    static String hostName() {
        String env = System.getenv("HOSTNAME");
        if (env != null && !env.isBlank()) {
            return env;
        }
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "localhost";
        }
    }

    @Override
    public String toString() {
        return "RunPilotClient{embedded, " + db.location() + ", runtime=" + runtime.name() + ", compute=" + compute.name()
                + ", storage=" + storage.uri() + '}';
    }

    private record ProviderContextImpl(Path home) implements dev.runpilot.sdk.spi.ProviderContext {
    }

    private final class ComputeContextImpl implements ComputeContext {
        @Override
        public Path home() {
            return home;
        }

        @Override
        public int workers() {
            return options.workers;
        }

        @Override
        public AgentHandle startLocalAgent(int slots) {
            if (slots < 1) {
                throw new IllegalArgumentException("slots must be at least 1, was " + slots);
            }
            LocalAgent agent = newAgent(slots, ClaimFilter.ANY).start();
            localAgents.add(agent);
            return agent;
        }

        @Override
        public AgentHandle startLocalAgent(String runId) {
            Objects.requireNonNull(runId, "runId");
            LocalAgent agent = newAgent(1, new ClaimFilter(" AND id = ?", List.of(runId))).limits(1, null).start();
            localAgents.add(agent);
            return agent;
        }

        private LocalAgent newAgent(int slots, ClaimFilter filter) {
            byte[] random = new byte[3];
            ThreadLocalRandom.current().nextBytes(random);
            String agentId = "local-" + host + "-" + ProcessHandle.current().pid() + "-" + HexFormat.of().formatHex(random);
            AgentSettings settings = new AgentSettings(agentId, host, slots, options.lease, options.grace, home.resolve("work"));
            StoreAgentPlane plane = new StoreAgentPlane(attempts, outputs, storage, settings.workRoot(), filter);
            return new LocalAgent(settings, runtime, plane, options.extractor(), signal, Clock.systemUTC());
        }

        @Override
        public Optional<ComputeRun> run(String runId) {
            return runs.info(runId).flatMap(info -> runs.job(runId).map(job -> new ComputeRun(runId, info.status(), info.attempts(), job)));
        }

        @Override
        public void failUnprovisioned(String runId, FailureReason reason, String message) {
            attempts.failUnclaimed(runId, "compute-" + compute.name(), host, reason, message);
            signal.changed();
        }

        @Override
        public void recordAttemptData(String runId, int attempt, Map<String, String> data) {
            attempts.recordData(runId, attempt, data);
        }

        @Override
        public Optional<String> issueAgentToken(String runId, Duration validFor) {
            return agentTokenIssuer.apply(runId, validFor);
        }
    }

    /**
     * Sets who issues the run-bound agent tokens the compute provider asks for: the server this engine
     * runs behind. Without one (an embedded client) none is issued.
     */
    public void agentTokenIssuer(BiFunction<String, Duration, Optional<String>> issuer) {
        this.agentTokenIssuer = Objects.requireNonNull(issuer, "issuer");
    }
}
