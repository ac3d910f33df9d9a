package dev.runpilot.sdk.agent;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.runpilot.sdk.RunPilotException;
import dev.runpilot.sdk.archive.BundleExtractor;
import dev.runpilot.sdk.archive.EncryptionKey;
import dev.runpilot.sdk.archive.TrustedKeys;
import dev.runpilot.sdk.internal.agent.AgentSettings;
import dev.runpilot.sdk.internal.agent.InstanceMetadata;
import dev.runpilot.sdk.internal.agent.LocalAgent;
import dev.runpilot.sdk.internal.api.ApiJson;
import dev.runpilot.sdk.internal.engine.ChangeSignal;
import dev.runpilot.sdk.internal.remote.HttpAgentPlane;
import dev.runpilot.sdk.internal.runtime.ImageRoutingRuntime;
import dev.runpilot.sdk.internal.runtime.ProcessRuntime;
import dev.runpilot.sdk.internal.spi.ProviderRegistry;
import dev.runpilot.sdk.spi.ContainerRuntime;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An agent that takes runs from a RunPilot server over HTTP and runs them on this machine.
 *
 * <p>It registers under a unique id with its labels and resources (CPUs, memory, and GPUs when
 * {@code nvidia-smi} answers), claims runs routed to it, renews their leases with heartbeats (which
 * also carry cancellation), ships log lines in order while a run goes, uploads them before it
 * reports the final status, and claims the next run. A run it stops renewing (the agent died or lost
 * the server) goes back on the queue when its lease lapses.
 *
 * <pre>{@code
 * Agent agent = Agent.builder()
 *         .endpoint(URI.create("https://runpilot.example.com"))
 *         .token(System.getenv("RUNPILOT_AGENT_TOKEN"))
 *         .label("gpu", "a100")
 *         .build()
 *         .start();
 * agent.awaitTermination(Duration.ofDays(365));
 * }</pre>
 *
 * <p>Routing: a run with a resource class goes only to agents whose {@code resource-class} label is
 * that class; a run label whose key the agent also has must carry the agent's value. Thread-safe.
 */
public final class Agent implements AutoCloseable {
    /**
     * The environment variable naming a PEM file of CA certificates that {@link #main(String[])} and
     * {@code runpilot agent} trust, when {@code --ca-certificate} is not given.
     *
     * @since 0.2.0
     */
    public static final String CA_CERTIFICATE_VARIABLE = "RUNPILOT_CA_CERTIFICATE";

    private static final Logger log = LoggerFactory.getLogger(Agent.class);

    private final Builder options;
    private final HttpAgentPlane plane;
    private final ContainerRuntime runtime;
    private final boolean ownsRuntime;
    private LocalAgent loop;
    private String id;
    private Thread spotWatch;

    private Agent(Builder options, HttpAgentPlane plane, ContainerRuntime runtime, boolean ownsRuntime) {
        this.options = options;
        this.plane = plane;
        this.runtime = runtime;
        this.ownsRuntime = ownsRuntime;
    }

    /**
     * Returns a builder. Defaults: one worker; no labels; keeps claiming until drained or closed; no
     * idle timeout; the {@code auto} runtime; work directory {@code ~/.runpilot/agent-work}; a 10 s
     * grace period between SIGTERM and SIGKILL.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Registers with the server and starts claiming runs.
     *
     * @return this agent
     * @throws dev.runpilot.sdk.ApiException if the server refuses the token
     * @throws dev.runpilot.sdk.ControlPlaneException if the server cannot be reached
     * @throws RunPilotException if {@linkplain Builder#instanceMetadata(URI) instance metadata} is on and cannot be read
     */
    public synchronized Agent start() {
        if (loop != null) {
            return this;
        }
        if (options.runId != null) {
            plane.shutdownInstanceAfter(options.runId);
        }
        String host = hostName();
        Map<String, String> labels = new TreeMap<>(options.labels);
        InstanceMetadata metadata = null;
        InstanceMetadata.Identity instance = null;
        if (options.metadataEndpoint != null) {
            metadata = new InstanceMetadata(options.metadataEndpoint, Duration.ofSeconds(1));
            try {
                instance = metadata.identity();
            } catch (IOException e) {
                throw new RunPilotException("Cannot read this instance's identity: " + e.getMessage()
                        + ". Run the agent on EC2 with IMDSv2 reachable, or leave instanceMetadata(...) / --imds off.", e);
            }
            // Labels set by hand win over what the instance says.
            instance.labels().forEach(labels::putIfAbsent);
            plane.attemptData(instance.labels());
        }
        HttpAgentPlane.Registration registration = plane.register(host, labels, resources(), options.workers);
        id = registration.agentId();
        AgentSettings settings = new AgentSettings(id, host, options.workers, registration.lease(), options.grace,
                options.workDir.toAbsolutePath());
        BundleExtractor.Builder extractor = BundleExtractor.builder().requireSignature(options.trustedKeys != null);
        if (options.trustedKeys != null) {
            extractor.trustedKeys(options.trustedKeys);
        }
        if (options.encryptionKey != null) {
            extractor.decryptionKey(options.encryptionKey);
        }
        loop = new LocalAgent(settings, runtime, plane, extractor.build(), new ChangeSignal(), Clock.systemUTC())
                .limits(options.once ? 1 : 0, options.idleTimeout);
        loop.start();
        if (instance != null && instance.lifecycle().equals("spot")) {
            LocalAgent started = loop;
            spotWatch = metadata.watchForInterruption(options.spotCheck,
                    notice -> started.evacuate("spot interruption notice " + notice + " from " + options.metadataEndpoint));
        }
        log.info("Agent {} started on {} with {} worker(s), labels {}, runtime '{}'", id, host, options.workers, labels,
                runtime.name());
        return this;
    }

    /**
     * Returns the id the server gave this agent.
     *
     * @return the id
     * @throws IllegalStateException if the agent is not started
     */
    public String id() {
        if (id == null) {
            throw new IllegalStateException("The agent is not started");
        }
        return id;
    }

    /**
     * Drains the agent: it claims nothing more and finishes the runs it holds; then
     * {@link #awaitTermination(Duration)} returns. What SIGTERM does to {@link #main(String[])}.
     */
    public void drain() {
        LocalAgent current = loop;
        if (current != null) {
            current.drain();
        }
    }

    /**
     * Waits until the agent stopped: drained, closed, done with its single run, or idle too long.
     *
     * @param timeout the longest wait
     * @return true if it stopped in time
     * @throws RunPilotException if the waiting thread is interrupted (its interrupt flag is set again)
     */
    public boolean awaitTermination(Duration timeout) {
        LocalAgent current = loop;
        if (current == null) {
            return true;
        }
        try {
            return current.awaitTermination(timeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RunPilotException("Interrupted while waiting for agent " + id + " to stop", e);
        }
    }

    /**
     * Stops the agent at once: claims nothing more, stops the runs it holds (grace period applies;
     * their logs are uploaded and their attempts reported so they can be retried), and releases its
     * connections. Idempotent.
     */
    @Override
    public synchronized void close() {
        if (spotWatch != null) {
            spotWatch.interrupt();
        }
        if (loop != null) {
            loop.close();
        }
        if (ownsRuntime) {
            runtime.close();
        }
        plane.close();
    }

    @Override
    public String toString() {
        return "Agent{" + (id != null ? id : "not started") + ", " + options.endpoint + '}';
    }

    private static ObjectNode resources() {
        ObjectNode node = ApiJson.object().put("cpus", Runtime.getRuntime().availableProcessors());
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            node.put("memoryBytes", os.getTotalMemorySize());
        }
        ArrayNode gpus = node.putArray("gpus");
        try {
            Process smi = new ProcessBuilder("nvidia-smi", "--query-gpu=name,memory.total", "--format=csv,noheader,nounits")
                    .redirectErrorStream(true).start();
            try (BufferedReader out = new BufferedReader(new InputStreamReader(smi.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = out.readLine()) != null) {
                    String[] parts = line.split(",");
                    if (parts.length == 2 && parts[1].trim().matches("\\d+")) {
                        gpus.addObject().put("name", parts[0].trim()).put("memoryMiB", Long.parseLong(parts[1].trim()));
                    }
                }
            }
            if (!smi.waitFor(5, TimeUnit.SECONDS)) {
                smi.destroyForcibly();
            }
        } catch (IOException e) {
            log.debug("No GPUs reported: nvidia-smi is not available ({})", e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return node;
    }

    private static String hostName() {
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

    /**
     * Runs an agent from the command line until it is drained:
     * {@code java -cp ... dev.runpilot.sdk.agent.Agent --endpoint URI [--token TOKEN] [--label K=V]...
     * [--workers N] [--once] [--run-id RUN] [--idle-timeout SECONDS] [--work-dir DIR] [--runtime NAME] [--grace SECONDS]
     * [--imds] [--imds-endpoint URI] [--spot-check SECONDS] [--ca-certificate PEM]}.
     * The token defaults to {@code $RUNPILOT_AGENT_TOKEN}; {@code --ca-certificate} (a private CA to trust, see
     * {@link Builder#trustCertificates(Path)}) to {@code $RUNPILOT_CA_CERTIFICATE}. {@code --imds} reads the EC2 instance metadata
     * (see {@link Builder#instanceMetadata()}); {@code --imds-endpoint} names its endpoint. SIGTERM (or Ctrl-C) drains the agent: the
     * current runs finish, nothing more is claimed, then the process exits.
     *
     * @param args the options
     */
    public static void main(String[] args) {
        Builder builder = builder();
        String token = System.getenv("RUNPILOT_AGENT_TOKEN");
        String caCertificate = System.getenv(CA_CERTIFICATE_VARIABLE);
        for (int i = 0; i < args.length; i++) {
            String value = i + 1 < args.length ? args[i + 1] : "";
            switch (args[i]) {
                case "--endpoint" -> builder.endpoint(URI.create(value));
                case "--token" -> token = value;
                case "--label" -> {
                    int eq = value.indexOf('=');
                    if (eq < 1) {
                        throw new IllegalArgumentException("--label takes KEY=VALUE, was '" + value + "'");
                    }
                    builder.label(value.substring(0, eq), value.substring(eq + 1));
                }
                case "--workers" -> builder.workers(Integer.parseInt(value));
                case "--run-id" -> builder.runId(value);
                case "--once" -> {
                    builder.once();
                    i--;
                }
                case "--idle-timeout" -> builder.idleTimeout(Duration.ofMillis((long) (Double.parseDouble(value) * 1000)));
                case "--work-dir" -> builder.workDir(Path.of(value));
                case "--runtime" -> builder.runtime(value);
                case "--grace" -> builder.gracePeriod(Duration.ofMillis((long) (Double.parseDouble(value) * 1000)));
                case "--imds" -> {
                    builder.instanceMetadata();
                    i--;
                }
                case "--imds-endpoint" -> builder.instanceMetadata(URI.create(value));
                case "--ca-certificate" -> caCertificate = value;
                case "--spot-check" -> builder.spotInterruptionCheck(Duration.ofMillis((long) (Double.parseDouble(value) * 1000)));
                default -> throw new IllegalArgumentException("Unknown option " + args[i] + "; see the Javadoc of Agent.main");
            }
            i++;
        }
        if (token == null || token.isBlank()) {
            throw new IllegalArgumentException("No agent token: pass --token or set RUNPILOT_AGENT_TOKEN");
        }
        if (caCertificate != null && !caCertificate.isBlank()) {
            builder.trustCertificates(Path.of(caCertificate.trim()));
        }
        Agent agent = builder.token(token).build().start();
        Thread hook = new Thread(() -> {
            agent.drain();
            agent.awaitTermination(Duration.ofDays(1));
        }, "runpilot-agent-drain");
        Runtime.getRuntime().addShutdownHook(hook);
        System.out.println("RunPilot agent " + agent.id() + " started");
        agent.awaitTermination(Duration.ofDays(36_500));
        agent.close();
    }

    /** Configures an {@link Agent}. Not thread-safe. */
    public static final class Builder {
        private URI endpoint;
        private String token;
        private final Map<String, String> labels = new TreeMap<>();
        private int workers = 1;
        private boolean once;
        private String runId;
        private Duration idleTimeout;
        private String runtimeName;
        private ContainerRuntime runtime;
        private Path workDir = Path.of(System.getProperty("user.home"), ".runpilot", "agent-work");
        private Duration grace = Duration.ofSeconds(10);
        private Duration requestTimeout = Duration.ofSeconds(30);
        private TrustedKeys trustedKeys;
        private EncryptionKey encryptionKey;
        private URI metadataEndpoint;
        private Duration spotCheck = Duration.ofSeconds(5);
        private javax.net.ssl.SSLContext sslContext;
        private Path caCertificates;

        private Builder() {
        }

        /**
         * Reads the EC2 instance metadata (IMDSv2) at the endpoint in {@code $AWS_EC2_METADATA_SERVICE_ENDPOINT},
         * else {@code http://169.254.169.254}. See {@link #instanceMetadata(URI)}. Default: off.
         *
         * @return this builder
         * @since 0.2.0
         */
        public Builder instanceMetadata() {
            String env = System.getenv(InstanceMetadata.ENDPOINT_VARIABLE);
            return instanceMetadata(URI.create(env != null && !env.isBlank() ? env.trim() : "http://169.254.169.254"));
        }

        /**
         * Reads the EC2 instance metadata service (IMDSv2) at this endpoint when the agent starts: the
         * instance id, type, availability zone and life cycle become labels ({@code ec2.instance-id},
         * {@code ec2.instance-type}, {@code ec2.availability-zone}, {@code ec2.lifecycle} = {@code spot}
         * or {@code on-demand}; labels set by hand win) and data of every attempt the agent starts. On a
         * spot instance the agent then asks for an interruption notice every
         * {@linkplain #spotInterruptionCheck(Duration) few seconds}; on one it claims nothing more, stops
         * its runs gracefully (SIGTERM, grace period, SIGKILL), uploads their logs and ends their attempts
         * as {@code lease_lost}, so their retry policy queues them again, and then stops. Each call waits
         * at most 1 s. Default: off.
         *
         * @param endpoint such as {@code http://169.254.169.254}
         * @return this builder
         * @since 0.2.0
         */
        public Builder instanceMetadata(URI endpoint) {
            this.metadataEndpoint = Objects.requireNonNull(endpoint, "endpoint");
            return this;
        }

        /**
         * Sets how often a spot agent asks for an interruption notice. Default 5 s (AWS gives two minutes' notice).
         *
         * @param every positive
         * @return this builder
         * @since 0.2.0
         */
        public Builder spotInterruptionCheck(Duration every) {
            Objects.requireNonNull(every, "every");
            if (every.isZero() || every.isNegative()) {
                throw new IllegalArgumentException("spotInterruptionCheck must be positive, was " + every);
            }
            this.spotCheck = every;
            return this;
        }

        /**
         * Sets the server to work for. Required.
         *
         * @param endpoint such as {@code https://runpilot.example.com}
         * @return this builder
         */
        public Builder endpoint(URI endpoint) {
            this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
            return this;
        }

        /**
         * Sets the agent token (created with {@code RunPilotServer.tokens().createAgentToken()}). Required.
         *
         * @param token the token
         * @return this builder
         */
        public Builder token(String token) {
            this.token = Objects.requireNonNull(token, "token");
            return this;
        }

        /**
         * Uses this TLS context for {@code https://} calls to the {@link #endpoint(URI) server}, such as
         * one that trusts a private CA or presents a client certificate. Wins over
         * {@link #trustCertificates(Path)}. Default: the JDK's default context (its trust store).
         *
         * @param context an initialised context
         * @return this builder
         * @since 0.2.0
         */
        public Builder sslContext(javax.net.ssl.SSLContext context) {
            this.sslContext = Objects.requireNonNull(context, "context");
            return this;
        }

        /**
         * Trusts the certificates of a PEM file, and only those, for {@code https://} calls to the
         * {@link #endpoint(URI) server}: for a server whose certificate a private CA signed. Read as
         * {@code RunPilotClient.Builder.trustCertificates} reads it. Default: the JDK's trust store.
         * Without it (or {@link #sslContext}), a server with such a certificate makes {@link Agent#start()}
         * fail at once, naming the endpoint and this option.
         *
         * @param pemFile one or more {@code -----BEGIN CERTIFICATE-----} blocks; read when the agent is built
         * @return this builder
         * @throws RunPilotException from {@link #build()} if the file cannot be read or holds no certificate (naming it)
         * @since 0.2.0
         */
        public Builder trustCertificates(Path pemFile) {
            this.caCertificates = Objects.requireNonNull(pemFile, "pemFile");
            return this;
        }

        /**
         * Adds a label runs are routed by, such as {@code gpu=a100} or {@code resource-class=gpu-large}.
         *
         * @param key the key
         * @param value the value
         * @return this builder
         */
        public Builder label(String key, String value) {
            labels.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
            return this;
        }

        /**
         * Adds labels.
         *
         * @param labels labels by key
         * @return this builder
         */
        public Builder labels(Map<String, String> labels) {
            labels.forEach(this::label);
            return this;
        }

        /**
         * Sets how many runs the agent runs at once. Default 1.
         *
         * @param workers at least 1
         * @return this builder
         */
        public Builder workers(int workers) {
            if (workers < 1) {
                throw new IllegalArgumentException("workers must be at least 1, was " + workers);
            }
            this.workers = workers;
            return this;
        }

        /**
         * Makes the agent run a single job, then stop (single-job mode, as on an instance launched for one run).
         *
         * @return this builder
         */
        public Builder once() {
            this.once = true;
            return this;
        }

        /**
         * Makes this the agent of a machine launched for one run: it claims that run only, once, and
         * after reporting it asks the server to shut its machine down
         * ({@code POST /v1/runs/{id}/instance/shutdown}). Default: any run the labels admit.
         *
         * @param runId the run
         * @return this builder
         * @since 0.2.0
         */
        public Builder runId(String runId) {
            this.runId = Objects.requireNonNull(runId, "runId");
            this.labels.put("runpilot.run-id", runId);
            this.once = true;
            return this;
        }

        /**
         * Stops the agent after this long without a run. Default: never.
         *
         * @param timeout positive
         * @return this builder
         */
        public Builder idleTimeout(Duration timeout) {
            Objects.requireNonNull(timeout, "timeout");
            if (timeout.isZero() || timeout.isNegative()) {
                throw new IllegalArgumentException("idleTimeout must be positive, was " + timeout);
            }
            this.idleTimeout = timeout;
            return this;
        }

        /**
         * Chooses the container runtime by name. Default {@code auto}.
         *
         * @param name such as {@code process} or {@code docker}
         * @return this builder
         */
        public Builder runtime(String name) {
            this.runtimeName = Objects.requireNonNull(name, "name");
            return this;
        }

        /**
         * Uses this container runtime; the agent does not close it.
         *
         * @param runtime the runtime
         * @return this builder
         */
        public Builder runtime(ContainerRuntime runtime) {
            this.runtime = Objects.requireNonNull(runtime, "runtime");
            return this;
        }

        /**
         * Sets where attempt work directories are made. Default {@code ~/.runpilot/agent-work}.
         *
         * @param dir a directory; created if missing
         * @return this builder
         */
        public Builder workDir(Path dir) {
            this.workDir = Objects.requireNonNull(dir, "dir");
            return this;
        }

        /**
         * Sets the time between SIGTERM and SIGKILL when a run is cancelled or times out. Default 10 s.
         *
         * @param grace zero or positive
         * @return this builder
         */
        public Builder gracePeriod(Duration grace) {
            Objects.requireNonNull(grace, "grace");
            if (grace.isNegative()) {
                throw new IllegalArgumentException("gracePeriod must not be negative, was " + grace);
            }
            this.grace = grace;
            return this;
        }

        /**
         * Sets the longest wait for one call to the server. Default 30 s.
         *
         * @param timeout positive
         * @return this builder
         */
        public Builder requestTimeout(Duration timeout) {
            this.requestTimeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        /**
         * Runs only source bundles signed by one of these keys. Default: signatures checked when present.
         *
         * @param keys the trusted keys
         * @return this builder
         */
        public Builder trustedKeys(TrustedKeys keys) {
            this.trustedKeys = Objects.requireNonNull(keys, "keys");
            return this;
        }

        /**
         * Decrypts encrypted source bundles with this key.
         *
         * @param key the key
         * @return this builder
         */
        public Builder encryptionKey(EncryptionKey key) {
            this.encryptionKey = Objects.requireNonNull(key, "key");
            return this;
        }

        /**
         * Checks the options and prepares the agent; {@link Agent#start()} registers it.
         *
         * @return the agent, not started
         * @throws IllegalStateException if the endpoint or token is missing
         * @throws RunPilotException if the {@linkplain #trustCertificates(Path) PEM file} cannot be read or holds no certificate
         */
        public Agent build() {
            if (endpoint == null || token == null) {
                throw new IllegalStateException("An agent needs endpoint(...) and token(...)");
            }
            HttpAgentPlane plane = HttpAgentPlane.open(endpoint, token, requestTimeout, java.util.Optional.ofNullable(sslContext),
                    java.util.Optional.ofNullable(caCertificates));
            ContainerRuntime chosen = runtime;
            boolean owns = false;
            if (chosen == null) {
                try {
                    chosen = resolveRuntime();
                } catch (RuntimeException e) {
                    plane.close();
                    throw e;
                }
                owns = true;
            }
            return new Agent(this, plane, chosen, owns);
        }

        private ContainerRuntime resolveRuntime() {
            ClassLoader loader = Thread.currentThread().getContextClassLoader() != null
                    ? Thread.currentThread().getContextClassLoader() : Agent.class.getClassLoader();
            ProviderRegistry registry = new ProviderRegistry(loader);
            dev.runpilot.sdk.spi.ProviderContext context = () -> workDir;
            boolean automatic = runtimeName == null || runtimeName.equalsIgnoreCase(ProviderRegistry.AUTO);
            ContainerRuntime picked = registry.runtime(runtimeName).create(context);
            if (!automatic || picked.name().equals(ProcessRuntime.NAME)) {
                return picked;
            }
            return new ImageRoutingRuntime(picked, registry.runtime(ProcessRuntime.NAME).create(context));
        }
    }
}
