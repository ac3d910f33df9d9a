package dev.runpilot.aws.ec2;

import dev.runpilot.aws.internal.ec2.CaCertificates;
import dev.runpilot.aws.internal.ec2.Ec2Instances;
import dev.runpilot.aws.internal.ec2.Ec2Settings;
import dev.runpilot.aws.internal.ec2.Ec2Tags;
import dev.runpilot.aws.internal.ec2.InstanceLauncher;
import dev.runpilot.aws.internal.ec2.InstanceLauncher.Launched;
import dev.runpilot.aws.internal.ec2.InstanceLauncher.NoCapacityException;
import dev.runpilot.aws.internal.ec2.LaunchTemplates;
import dev.runpilot.aws.internal.ec2.LaunchTemplates.TemplateVersion;
import dev.runpilot.aws.internal.ec2.UserDataScript;
import dev.runpilot.sdk.Estimate;
import dev.runpilot.sdk.FailureReason;
import dev.runpilot.sdk.Job;
import dev.runpilot.sdk.RunStatus;
import dev.runpilot.sdk.spi.ComputeContext;
import dev.runpilot.sdk.spi.ComputeProvider;
import dev.runpilot.sdk.spi.ComputeRun;
import dev.runpilot.sdk.spi.PresignedUrl;
import dev.runpilot.sdk.spi.StorageBackend;
import dev.runpilot.aws.internal.AwsClients;
import java.math.BigDecimal;
import java.math.MathContext;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Instance;
import software.amazon.awssdk.services.ssm.SsmClient;

/**
 * The {@code ec2} compute provider: one EC2 instance per run attempt, launched from the
 * {@code runpilot-cpu-template} launch template, whose agent runs that one run and whose instance is
 * terminated when the run no longer needs it.
 *
 * <pre>{@code
 * Ec2ComputeProvider ec2 = Ec2ComputeProvider.builder()
 *         .instanceProfile("runpilot-agent")
 *         .subnets(List.of("subnet-0a1", "subnet-0b2"))
 *         .fallbackInstanceTypes(List.of("t3a.small", "t3.medium"))
 *         .agentUrl(URI.create("https://example.com/runpilot-agent.jar"))
 *         .controlPlane(URI.create("https://runpilot.example.com"))
 *         .build();
 * try (RunPilotClient client = RunPilot.client().compute(ec2).maxCost(new BigDecimal("5")).build()) { ... }
 * }</pre>
 *
 * <p>When a run is queued, the provider launches an instance for it on a background thread (tagged
 * {@code runpilot:managed}, {@code runpilot:run-id}, {@code runpilot:attempt}, {@code runpilot:created-at}
 * and {@code owner}), waits until it runs, and records it on the attempt ({@code ec2.instance-id},
 * {@code ec2.instance-type}, {@code ec2.availability-zone}). Capacity and limit errors make it try
 * the fallback instance types and subnets in order; when none has room the attempt fails with reason
 * {@link FailureReason#CAPACITY}. The instance is terminated when its agent asks
 * ({@link #shutdownRequested(String, String)}) after uploading the logs and reporting; when the run finishes
 * any other way (cancel, timeout, failure) and the agent does not ask within the
 * {@link Builder#shutdownGrace(Duration) shutdown grace}; at once when the run is cancelled before
 * an agent on the instance claimed it (also while the instance is pending); and when the run is
 * queued again for a new attempt (its lease lapsed). A {@linkplain #reconcile() reconcile pass}, on demand and every
 * {@link Builder#reconcileInterval(Duration) reconcile interval}, terminates tagged instances of this
 * owner whose run is finished, unknown or on a later attempt, or that outlived the maximum lifetime.
 *
 * <p>Thread-safe. {@link #close()} stops the background threads and terminates the instances of the
 * runs it launched for that are still alive, unless {@link Builder#terminateOnClose(boolean)} is off.
 *
 * @since 0.2.0
 */
public final class Ec2ComputeProvider implements ComputeProvider {
    /** The provider's name. */
    public static final String NAME = "ec2";
    /** The public SSM parameter holding the current Ubuntu 22.04 amd64 AMI of each region. */
    public static final String UBUNTU_2204_PARAMETER = "/aws/service/canonical/ubuntu/server/22.04/stable/current/amd64/hvm/ebs-gp2/ami-id";
    /** The size of the root volume costed by {@link #estimate(Job)} (the Ubuntu AMI's default). */
    static final int ROOT_VOLUME_GIB = 8;

    private static final Logger log = LoggerFactory.getLogger(Ec2ComputeProvider.class);
    private static final BigDecimal HOURS_PER_MONTH = BigDecimal.valueOf(730);

    private final Ec2Settings settings;
    private final Ec2Client ec2;
    private final SsmClient ssm;
    private final boolean terminateOnClose;
    private final Ec2Instances instances;
    private final InstanceLauncher launcher;
    private final Map<String, Launch> launches = new ConcurrentHashMap<>();
    private volatile ComputeContext context;
    /** The CA certificates shipped to instances, as PEM, read at start. */
    private volatile Optional<String> caCertificates = Optional.empty();
    private final java.util.Set<String> awaitingShutdown = ConcurrentHashMap.newKeySet();
    private ExecutorService launchPool;
    private ScheduledExecutorService timer;
    private TemplateVersion template;
    private volatile boolean closed;

    private Ec2ComputeProvider(Builder builder) {
        this.settings = builder.settings();
        this.ec2 = builder.ec2();
        this.ssm = builder.ssm();
        this.terminateOnClose = builder.terminateOnClose;
        this.instances = new Ec2Instances(ec2, settings.owner());
        this.launcher = new InstanceLauncher(ec2, settings, instances);
    }

    /**
     * Returns a builder with every default described on its methods.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String name() {
        return NAME;
    }

    /**
     * Starts the background threads. With a {@linkplain Builder#caCertificate(Path) CA certificate},
     * first reads it and checks that the user data it goes into fits EC2's limit.
     *
     * @throws IllegalArgumentException naming the file and the setting if the CA certificate file is
     *     missing or holds no certificate, or if the user data with it would be over 16 KB
     */
    @Override
    public synchronized void start(ComputeContext context) {
        settings.caCertificate().ifPresent(file -> {
            String pem = CaCertificates.readPem(file);
            checkUserDataRoom(file, pem);
            caCertificates = Optional.of(pem);
            if (!settings.controlPlane().map(uri -> "https".equalsIgnoreCase(uri.getScheme())).orElse(false)) {
                log.warn("EC2 provider ships the CA certificates of {} to its instances, but its control plane is {}: agents use"
                        + " them only for an https:// control plane", file, settings.controlPlane().map(URI::toString).orElse("not set"));
            }
        });
        this.context = context;
        AtomicInteger threads = new AtomicInteger();
        launchPool = Executors.newFixedThreadPool(4, r -> daemon(r, "runpilot-ec2-launch-" + threads.incrementAndGet()));
        timer = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "runpilot-ec2-timer"));
        if (!settings.reconcileInterval().isZero()) {
            long every = settings.reconcileInterval().toMillis();
            timer.scheduleWithFixedDelay(this::reconcileQuietly, every, every, TimeUnit.MILLISECONDS);
        }
        if (settings.controlPlane().isEmpty()) {
            log.info("EC2 provider has no control plane URL: instances it launches cannot reach this client's embedded"
                    + " control plane, so their agents must be played from this JVM (as the tests do)");
        }
    }

    /** Launches an instance for the run's next attempt, replacing (terminating) one left from an earlier attempt. */
    @Override
    public void runQueued(String runId) {
        ComputeContext ctx = requireStarted();
        Optional<ComputeRun> run = ctx.run(runId);
        if (run.isEmpty() || run.get().status() != RunStatus.QUEUED || closed) {
            return;
        }
        int attempt = run.get().attempts() + 1;
        synchronized (this) {
            Launch previous = launches.get(runId);
            if (previous != null && previous.attempt == attempt) {
                return;
            }
            Launch launch = new Launch(attempt);
            launches.put(runId, launch);
            if (previous != null) {
                previous.wanted = false;
            }
            launchPool.execute(() -> {
                if (previous != null) {
                    releaseQuietly(runId, instance -> attemptOf(instance) < attempt, "run " + runId + " was queued again for attempt " + attempt);
                }
                launch(runId, launch);
            });
        }
    }

    /**
     * Terminates the run's instances: at once those whose agent never claimed the run (still pending,
     * say); the others after the {@linkplain Builder#shutdownGrace(Duration) shutdown grace}, unless
     * their agent asks first, so that it can upload the run's logs before its instance goes.
     */
    @Override
    public void runFinished(String runId) {
        // Marked first, so that a close() racing with this call still terminates what the run had.
        awaitingShutdown.add(runId);
        if (closed) {
            return;
        }
        Launch launch = launches.remove(runId);
        if (launch != null) {
            launch.wanted = false;
        }
        int claimed = requireStarted().run(runId).map(ComputeRun::attempts).orElse(0);
        releaseQuietly(runId, instance -> attemptOf(instance) > claimed, "run " + runId + " finished before an agent on it claimed it");
        if (closed) {
            return;
        }
        try {
            timer.schedule(() -> {
                if (awaitingShutdown.remove(runId)) {
                    releaseQuietly(runId, instance -> true, "run " + runId + " finished and its agent did not ask for shutdown"
                            + " within " + settings.shutdownGrace());
                }
            }, settings.shutdownGrace().toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            log.debug("Provider closing: run {}'s instances are terminated by close()", runId);
        }
    }

    /**
     * Terminates the instance whose agent asks to be shut down: every instance of the run, except one
     * already launched for a later attempt that is still to come.
     */
    @Override
    public void shutdownRequested(String runId, String agentId) {
        shutdownInstances(runId);
    }

    /**
     * Terminates the instances of a run as {@link #shutdownRequested(String, String)} does, and says
     * whether there were any.
     *
     * @param runId the run
     * @return whether an instance was terminated
     */
    public boolean shutdownInstances(String runId) {
        ComputeContext ctx = requireStarted();
        Optional<ComputeRun> run = ctx.run(runId);
        int live = run.map(Ec2ComputeProvider::liveAttempt).orElse(Integer.MAX_VALUE);
        boolean finished = run.map(r -> r.status().isTerminal()).orElse(true);
        List<String> ids = instances.forRun(runId).stream()
                .filter(i -> finished || attemptOf(i) < live).map(Instance::instanceId).toList();
        instances.terminate(ids, "the agent of run " + runId + " asked for its instance to be shut down");
        if (finished) {
            launches.remove(runId);
            awaitingShutdown.remove(runId);
        }
        return !ids.isEmpty();
    }

    /**
     * Estimates one attempt of a job: the instance type's on-demand price times the job's timeout (one
     * hour without one), plus its {@value #ROOT_VOLUME_GIB} GiB gp3 root volume for as long.
     *
     * @throws IllegalArgumentException if the price table does not list the instance type
     */
    @Override
    public Estimate estimate(Job job) {
        String type = settings.instanceType();
        BigDecimal hourly = settings.prices().hourly(type).orElseThrow(() -> new IllegalArgumentException(
                "The EC2 price table (as of " + settings.prices().asOf() + ") has no price for instance type " + type
                        + "; add it with Ec2Prices.shipped().with(\"" + type + "\", price) and Builder.prices(...)"));
        Duration timeout = job.timeout().orElse(Duration.ofHours(1));
        BigDecimal hours = BigDecimal.valueOf(timeout.toSeconds()).divide(BigDecimal.valueOf(3600), MathContext.DECIMAL64);
        String duration = hours.stripTrailingZeros().toPlainString() + " h" + (job.timeout().isEmpty() ? " (no timeout: 1 h assumed)" : "");
        BigDecimal storageHourly = settings.prices().ebsGbMonth().multiply(BigDecimal.valueOf(ROOT_VOLUME_GIB))
                .divide(HOURS_PER_MONTH, MathContext.DECIMAL64);
        return new Estimate(NAME, List.of(
                new Estimate.Item("instance " + type, hourly.multiply(hours), hourly.toPlainString() + " USD/h x " + duration
                        + " (on-demand, price table as of " + settings.prices().asOf() + ")"),
                new Estimate.Item("storage", storageHourly.multiply(hours), ROOT_VOLUME_GIB + " GiB gp3 root volume at "
                        + settings.prices().ebsGbMonth().toPlainString() + " USD/GB-month x " + duration)));
    }

    /**
     * Terminates now every live RunPilot-tagged instance of this owner whose run is finished, unknown
     * to the control plane or on a later attempt, or that is older than the maximum lifetime.
     *
     * @return what was examined and terminated
     * @throws IllegalStateException if the provider has not been started by a client
     * @throws SdkException if EC2 cannot be listed or asked to terminate
     */
    public ReconcileReport reconcile() {
        ComputeContext ctx = requireStarted();
        Instant now = Instant.now();
        List<Instance> live = instances.managed();
        List<ReconcileReport.Terminated> terminated = new ArrayList<>();
        for (Instance instance : live) {
            String runId = Ec2Instances.tag(instance, Ec2Tags.RUN_ID).orElse("");
            Optional<ComputeRun> run = runId.isEmpty() ? Optional.empty() : ctx.run(runId);
            ReconcileReport.Reason reason = null;
            if (run.isEmpty()) {
                reason = ReconcileReport.Reason.RUN_UNKNOWN;
            } else if (run.get().status().isTerminal()) {
                reason = ReconcileReport.Reason.RUN_FINISHED;
            } else if (attemptOf(instance) < liveAttempt(run.get())) {
                reason = ReconcileReport.Reason.ATTEMPT_SUPERSEDED;
            } else if (instance.launchTime() != null && instance.launchTime().plus(settings.maxLifetime()).isBefore(now)) {
                reason = ReconcileReport.Reason.MAX_LIFETIME;
            }
            if (reason != null) {
                terminated.add(new ReconcileReport.Terminated(instance.instanceId(), runId, reason));
            }
        }
        for (ReconcileReport.Terminated t : terminated) {
            instances.terminate(List.of(t.instanceId()), "reconcile: " + t.reason() + (t.runId().isEmpty() ? "" : " (run " + t.runId() + ")"));
        }
        ReconcileReport report = new ReconcileReport(now, live.size(), terminated);
        if (!terminated.isEmpty()) {
            log.info("EC2 reconcile examined {} instance(s) and terminated {}", live.size(), terminated);
        }
        return report;
    }

    private void reconcileQuietly() {
        try {
            reconcile();
        } catch (RuntimeException e) {
            log.warn("EC2 reconcile pass failed (it runs again in {}): {}", settings.reconcileInterval(), e.getMessage());
        }
    }

    /**
     * Fails now rather than at each launch when the CA certificates leave no room in the user data for
     * a long run id, agent token and (presigned) agent URL.
     */
    private void checkUserDataRoom(Path file, String pem) {
        String runId = "r".repeat(64);
        String token = "t".repeat(1024);
        URI agentUrl = settings.agentUrl().orElse(URI.create("https://presigned.example/" + "u".repeat(2048)));
        int size = UserDataScript.size(UserDataScript.render(runId, agentUrl, settings.controlPlane(), Optional.of(token),
                Optional.of(pem)));
        if (size > UserDataScript.MAX_BYTES) {
            throw new IllegalArgumentException("The CA certificate file " + file + " (caCertificate / RUNPILOT_EC2_CA_CERTIFICATE)"
                    + " holds " + pem.length() + " bytes of PEM, which would make the instance user data " + size + " bytes"
                    + " (with room for the run id, agent token and agent URL), over EC2's limit of " + UserDataScript.MAX_BYTES
                    + " bytes; keep only the CA that signed the control plane's certificate (and its intermediates)");
        }
    }

    /**
     * The token the instance's agent reports with: the builder's issuer when one was given, else a
     * token the control plane binds to this run, valid for the job's timeout (6 h without one) plus an
     * hour to boot and the shutdown grace, so a copy read from the user data is worth little.
     */
    private Optional<String> agentToken(ComputeContext ctx, String runId) {
        if (settings.agentTokens().isPresent()) {
            return settings.agentTokens().get().apply(runId);
        }
        if (settings.controlPlane().isEmpty()) {
            return Optional.empty();
        }
        Duration timeout = ctx.run(runId).flatMap(r -> r.job().timeout()).orElse(Duration.ofHours(6));
        Duration validFor = timeout.plus(Duration.ofHours(1)).plus(settings.shutdownGrace());
        return ctx.issueAgentToken(runId, validFor);
    }

    private void launch(String runId, Launch launch) {
        ComputeContext ctx = context;
        try {
            Optional<Instance> existing = instances.forRun(runId).stream()
                    .filter(i -> attemptOf(i) == launch.attempt).findFirst();
            if (existing.isPresent()) {
                // Launched for this attempt before this client opened (a restart with terminateOnClose(false)):
                // the same attempt's agent will claim the run; a second instance would only race it.
                launch.instanceId = existing.get().instanceId();
                log.info("Run {} attempt {} already has EC2 instance {} ({}); not launching another", runId, launch.attempt,
                        existing.get().instanceId(), existing.get().state().nameAsString());
                return;
            }
            TemplateVersion version = template();
            String script = UserDataScript.render(runId, agentUrl(runId), settings.controlPlane(), agentToken(ctx, runId),
                    caCertificates);
            if (UserDataScript.size(script) > UserDataScript.MAX_BYTES) {
                throw new IllegalStateException("The user data for run " + runId + " is " + UserDataScript.size(script)
                        + " bytes, over EC2's limit of " + UserDataScript.MAX_BYTES + " bytes (a long agent URL or token"
                        + (caCertificates.isPresent() ? ", or the CA certificates" : "") + ")");
            }
            String userData = UserDataScript.encode(script);
            Optional<Launched> launched = launcher.launch(version, runId, launch.attempt, userData,
                    () -> isWanted(runId, launch),
                    id -> {
                        launch.instanceId = id;
                        ctx.recordAttemptData(runId, launch.attempt, Map.of("ec2.instance-id", id));
                    });
            launched.ifPresent(l -> {
                Map<String, String> data = new LinkedHashMap<>();
                data.put("ec2.instance-id", l.instanceId());
                data.put("ec2.instance-type", l.instanceType());
                data.put("ec2.availability-zone", l.availabilityZone());
                data.put("ec2.lifecycle", "on-demand");
                l.subnetId().ifPresent(s -> data.put("ec2.subnet-id", s));
                ctx.recordAttemptData(runId, launch.attempt, data);
            });
            if (launched.isPresent() && !isWanted(runId, launch) && !isClaimed(runId, launch) && !(closed && !terminateOnClose)) {
                // Cancelled while the instance was starting: runFinished may have run before it existed.
                // (An instance whose agent already claimed the run is left to runFinished and its grace, and one
                // that finished starting as a client closed with terminateOnClose(false) is left to the next client.)
                releaseQuietly(runId, instance -> attemptOf(instance) == launch.attempt, "run " + runId + " no longer needs it");
            }
        } catch (NoCapacityException e) {
            log.warn("{}", e.getMessage());
            ctx.failUnprovisioned(runId, FailureReason.CAPACITY, e.getMessage());
        } catch (RuntimeException e) {
            if (!isWanted(runId, launch)) {
                log.debug("Launch for run {} stopped after the run stopped wanting it: {}", runId, e.toString());
                return;
            }
            log.warn("Could not launch an EC2 instance for run {}: {}", runId, e.toString());
            ctx.failUnprovisioned(runId, FailureReason.RUNTIME_ERROR, "Could not launch an EC2 instance for run " + runId
                    + ": " + e.getMessage());
        }
    }

    /** Whether the run still wants the instance being launched for this attempt. */
    private boolean isWanted(String runId, Launch launch) {
        if (!launch.wanted || closed) {
            return false;
        }
        return context.run(runId).map(r -> !r.status().isTerminal() && r.status() != RunStatus.CANCELLING
                && liveAttempt(r) == launch.attempt).orElse(false);
    }

    /** Whether an agent claimed the attempt this launch is for (the run has had that many attempts). */
    private boolean isClaimed(String runId, Launch launch) {
        return context.run(runId).map(r -> r.attempts() >= launch.attempt).orElse(false);
    }

    private synchronized TemplateVersion template() {
        if (template == null) {
            template = new LaunchTemplates(ec2).ensure(settings, resolveImage());
        }
        return template;
    }

    private String resolveImage() {
        if (settings.amiId().isPresent()) {
            return settings.amiId().get();
        }
        try {
            String ami = ssm.getParameter(r -> r.name(settings.amiParameter())).parameter().value();
            log.info("Resolved AMI {} from SSM parameter {}", ami, settings.amiParameter());
            return ami;
        } catch (SdkException e) {
            throw new IllegalStateException("Cannot resolve the instance image from SSM parameter " + settings.amiParameter()
                    + " (" + e.getMessage() + "); set the AMI explicitly with Ec2ComputeProvider.builder().amiId(...)"
                    + " or RUNPILOT_EC2_AMI_ID", e);
        }
    }

    private URI agentUrl(String runId) {
        if (settings.agentUrl().isPresent()) {
            return settings.agentUrl().get();
        }
        Ec2Settings.AgentJar jar = settings.agentJar().orElseThrow();
        Duration validFor = settings.launchTimeout().plus(Duration.ofHours(1));
        return jar.storage().presign(jar.key(), PresignedUrl.Access.READ, validFor).map(PresignedUrl::url)
                .orElseThrow(() -> new IllegalStateException("Storage " + jar.storage().uri() + " cannot presign URLs, so"
                        + " the instance for run " + runId + " cannot fetch the agent from it; use agentUrl(URI) instead"));
    }

    /** Terminates the run's live instances that match, logging rather than throwing. */
    private void releaseQuietly(String runId, java.util.function.Predicate<Instance> which, String why) {
        try {
            instances.terminate(instances.forRun(runId).stream().filter(which).map(Instance::instanceId).toList(), why);
        } catch (SdkException e) {
            log.warn("Could not terminate the EC2 instance(s) of run {} ({}); the reconcile pass will retry: {}", runId, why,
                    e.getMessage());
        }
    }

    /** The attempt an instance for this run should be serving now: the next one while queued. */
    private static int liveAttempt(ComputeRun run) {
        return run.status() == RunStatus.QUEUED ? run.attempts() + 1 : run.attempts();
    }

    private static int attemptOf(Instance instance) {
        return Ec2Instances.tag(instance, Ec2Tags.ATTEMPT).map(a -> {
            try {
                return Integer.parseInt(a);
            } catch (NumberFormatException e) {
                return 0;
            }
        }).orElse(0);
    }

    private ComputeContext requireStarted() {
        ComputeContext ctx = context;
        if (ctx == null) {
            throw new IllegalStateException("The ec2 compute provider has not been started; hand it to RunPilot.client().compute(...)");
        }
        return ctx;
    }

    /**
     * Stops launching and reconciling, terminates the instances of runs it launched for that are still
     * alive (unless {@link Builder#terminateOnClose(boolean)} is off), and closes its AWS clients.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (timer != null) {
            timer.shutdownNow();
        }
        if (launchPool != null) {
            launchPool.shutdown();
            try {
                // Launches see `closed` at their next step; one stuck in an AWS call is interrupted after
                // 10 s (an instance it still created is found by its run tag below, or by a later reconcile).
                if (!launchPool.awaitTermination(10, TimeUnit.SECONDS)) {
                    launchPool.shutdownNow();
                }
            } catch (InterruptedException e) {
                launchPool.shutdownNow();
                Thread.currentThread().interrupt();
            }
        }
        if (terminateOnClose) {
            java.util.Set<String> runIds = new java.util.TreeSet<>(launches.keySet());
            runIds.addAll(awaitingShutdown);
            for (String runId : runIds) {
                releaseQuietly(runId, instance -> true, "the RunPilot client closed");
            }
        }
        launches.clear();
        awaitingShutdown.clear();
        ec2.close();
        ssm.close();
    }

    @Override
    public String toString() {
        return "Ec2ComputeProvider{" + settings.instanceTypes() + ", template " + settings.templateName() + ", owner "
                + settings.owner() + '}';
    }

    private static Thread daemon(Runnable body, String name) {
        Thread thread = new Thread(body, name);
        thread.setDaemon(true);
        return thread;
    }

    /** One launch for one attempt of a run. */
    private static final class Launch {
        final int attempt;
        volatile boolean wanted = true;
        volatile String instanceId;

        Launch(int attempt) {
            this.attempt = attempt;
        }
    }
    /**
     * Configures an {@link Ec2ComputeProvider}. Not thread-safe; the provider it builds is. Every
     * default is given on its setter; {@link #agentUrl(URI)} or {@link #agentJar(StorageBackend, String)}
     * is required.
     */
    public static final class Builder {
        private String region;
        private URI endpoint;
        private AwsCredentialsProvider credentials;
        private String templateName = "runpilot-cpu-template";
        private String instanceType = "t3.small";
        private List<String> fallbackInstanceTypes = List.of();
        private List<String> subnets = List.of();
        private List<String> securityGroupIds = List.of();
        private String amiId;
        private String amiParameter = UBUNTU_2204_PARAMETER;
        private String instanceProfile;
        private Map<String, String> tags = Map.of();
        private String owner = "runpilot-" + System.getProperty("user.name", "user");
        private Duration launchTimeout = Duration.ofMinutes(5);
        private Duration pollInterval = Duration.ofSeconds(5);
        private Duration maxLifetime = Duration.ofHours(24);
        private Duration reconcileInterval = Duration.ofMinutes(5);
        private Duration shutdownGrace = Duration.ofMinutes(2);
        private URI agentUrl;
        private Ec2Settings.AgentJar agentJar;
        private URI controlPlane;
        private Function<String, Optional<String>> agentTokens;
        private Path caCertificate;
        private Ec2Prices prices;
        boolean terminateOnClose = true;

        private Builder() {
        }

        /**
         * Sets the AWS region. Default: the AWS SDK's region chain ({@code AWS_REGION}, profile), else
         * {@code us-east-1}.
         *
         * @param region such as {@code eu-west-1}
         * @return this builder
         */
        public Builder region(String region) {
            this.region = Objects.requireNonNull(region, "region");
            return this;
        }

        /**
         * Sends EC2 and SSM calls to this endpoint instead of AWS's (moto, LocalStack, a VPC endpoint).
         *
         * @param endpoint such as {@code http://127.0.0.1:5000}
         * @return this builder
         */
        public Builder endpointOverride(URI endpoint) {
            this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
            return this;
        }

        /**
         * Sets the credentials. Default: the AWS SDK's default credentials chain.
         *
         * @param credentials the credentials provider
         * @return this builder
         */
        public Builder credentials(AwsCredentialsProvider credentials) {
            this.credentials = Objects.requireNonNull(credentials, "credentials");
            return this;
        }

        /**
         * Names the launch template. Default {@code runpilot-cpu-template}. It is created on the first
         * launch, or given a new default version when the settings changed.
         *
         * @param name the template name
         * @return this builder
         */
        public Builder templateName(String name) {
            this.templateName = requireText(name, "templateName");
            return this;
        }

        /**
         * Sets the instance type tried first. Default {@code t3.small}.
         *
         * @param type such as {@code m6i.large}
         * @return this builder
         */
        public Builder instanceType(String type) {
            this.instanceType = requireText(type, "instanceType");
            return this;
        }

        /**
         * Sets the instance types tried, in order, when EC2 has no capacity for the ones before. Default none.
         *
         * @param types such as {@code [t3a.small, t3.medium]}
         * @return this builder
         */
        public Builder fallbackInstanceTypes(List<String> types) {
            this.fallbackInstanceTypes = List.copyOf(types);
            return this;
        }

        /**
         * Sets the subnets tried, in order, for each instance type. Default none: the default VPC's
         * choice.
         *
         * @param subnetIds such as {@code [subnet-0a1, subnet-0b2]}
         * @return this builder
         */
        public Builder subnets(List<String> subnetIds) {
            this.subnets = List.copyOf(subnetIds);
            return this;
        }

        /**
         * Sets the security groups of the instances. Default none: the VPC's default group.
         *
         * @param groupIds security group ids
         * @return this builder
         */
        public Builder securityGroupIds(List<String> groupIds) {
            this.securityGroupIds = List.copyOf(groupIds);
            return this;
        }

        /**
         * Uses this AMI. Default: the one in SSM parameter {@link #amiParameter(String)}.
         *
         * @param amiId such as {@code ami-0abcdef}
         * @return this builder
         */
        public Builder amiId(String amiId) {
            this.amiId = requireText(amiId, "amiId");
            return this;
        }

        /**
         * Names the SSM parameter the AMI is read from when no {@link #amiId(String)} is given. Default
         * {@value Ec2ComputeProvider#UBUNTU_2204_PARAMETER} (Ubuntu 22.04, amd64).
         *
         * @param name the parameter name
         * @return this builder
         */
        public Builder amiParameter(String name) {
            this.amiParameter = requireText(name, "amiParameter");
            return this;
        }

        /**
         * Gives instances this IAM instance profile (see {@link Ec2Setup}). Default none.
         *
         * @param name the instance profile name
         * @return this builder
         */
        public Builder instanceProfile(String name) {
            this.instanceProfile = requireText(name, "instanceProfile");
            return this;
        }

        /**
         * Adds these tags to every instance, besides RunPilot's own. Default none.
         *
         * @param tags keys and values
         * @return this builder
         */
        public Builder tags(Map<String, String> tags) {
            this.tags = Map.copyOf(tags);
            return this;
        }

        /**
         * Sets the {@code owner} tag. Default {@code runpilot-<user.name>}. Reconcile only touches
         * instances with this owner, so give each control plane its own.
         *
         * @param owner the owner value
         * @return this builder
         */
        public Builder owner(String owner) {
            this.owner = requireText(owner, "owner");
            return this;
        }

        /**
         * Sets how long an instance may take to reach running before it is terminated and the attempt
         * fails. Default 5 min.
         *
         * @param timeout positive
         * @return this builder
         */
        public Builder launchTimeout(Duration timeout) {
            this.launchTimeout = requirePositive(timeout, "launchTimeout");
            return this;
        }

        /**
         * Sets how often a launching instance's state is polled. Default 5 s.
         *
         * @param interval positive
         * @return this builder
         */
        public Builder pollInterval(Duration interval) {
            this.pollInterval = requirePositive(interval, "pollInterval");
            return this;
        }

        /**
         * Sets how long an instance may live before reconcile terminates it, whatever its run. Default 24 h.
         *
         * @param lifetime positive
         * @return this builder
         */
        public Builder maxLifetime(Duration lifetime) {
            this.maxLifetime = requirePositive(lifetime, "maxLifetime");
            return this;
        }

        /**
         * Sets how long, after its run finished, an instance whose agent claimed the run is kept for
         * that agent to upload the logs and ask for shutdown itself; then it is terminated anyway.
         * Default 2 min.
         *
         * @param grace zero or positive
         * @return this builder
         */
        public Builder shutdownGrace(Duration grace) {
            if (grace.isNegative()) {
                throw new IllegalArgumentException("shutdownGrace must not be negative, was " + grace);
            }
            this.shutdownGrace = grace;
            return this;
        }

        /**
         * Sets how often the reconcile pass runs in the background. Default 5 min; zero turns it off
         * ({@link Ec2ComputeProvider#reconcile()} still works).
         *
         * @param interval zero or positive
         * @return this builder
         */
        public Builder reconcileInterval(Duration interval) {
            if (interval.isNegative()) {
                throw new IllegalArgumentException("reconcileInterval must not be negative, was " + interval);
            }
            this.reconcileInterval = interval;
            return this;
        }

        /**
         * Instances download the agent jar from this URL.
         *
         * @param url an HTTPS URL the instances can reach
         * @return this builder
         */
        public Builder agentUrl(URI url) {
            this.agentUrl = Objects.requireNonNull(url, "url");
            return this;
        }

        /**
         * Instances download the agent jar from RunPilot storage through a presigned URL made for each launch.
         *
         * @param storage a backend that can presign reads (such as {@code s3})
         * @param key the jar's key
         * @return this builder
         */
        public Builder agentJar(StorageBackend storage, String key) {
            this.agentJar = new Ec2Settings.AgentJar(Objects.requireNonNull(storage, "storage"), requireText(key, "key"));
            return this;
        }

        /**
         * Sets the RunPilot API server the instances' agents report to. Default none: the agents can
         * reach no embedded control plane, so something else must play them (tests).
         *
         * @param url such as {@code https://runpilot.example.com}
         * @return this builder
         */
        public Builder controlPlane(URI url) {
            this.controlPlane = Objects.requireNonNull(url, "url");
            return this;
        }

        /**
         * Issues the agent token each instance gets. Default: with a {@link #controlPlane(URI) control
         * plane}, the token the {@code RunPilotServer} running this provider issues through
         * {@link ComputeContext#issueAgentToken}: bound to the run, so its agent can claim and report on
         * that run only, and expiring after the job's timeout (6 h without one) plus an hour and the
         * shutdown grace. The token travels in the instance's user data, which anyone allowed
         * {@code ec2:DescribeInstanceAttribute} can read: an issuer of your own should issue tokens as
         * narrow (see {@code Tokens.createRunAgentToken}). Without a control plane no token is issued.
         *
         * @param issuer run id to token
         * @return this builder
         */
        public Builder agentTokens(Function<String, Optional<String>> issuer) {
            this.agentTokens = Objects.requireNonNull(issuer, "issuer");
            return this;
        }

        /**
         * Ships these CA certificates to every instance, for a {@link #controlPlane(URI) control plane}
         * on {@code https://} whose certificate a private CA signed: the user data writes them to
         * {@code /etc/runpilot/ca.pem} (mode 0644) before the agent starts and sets
         * {@code RUNPILOT_CA_CERTIFICATE=/etc/runpilot/ca.pem} in {@code /etc/runpilot/agent.env}, so the
         * agent trusts those certificates (and only those) as {@code Agent.Builder.trustCertificates}
         * does. The file is read when the provider starts; its certificates are re-encoded as PEM, so
         * nothing else in the file (comments, a private key) reaches the instance. Default none: the
         * agent trusts the JDK's trust store. {@code RUNPILOT_EC2_CA_CERTIFICATE} for the
         * {@code ServiceLoader} provider.
         *
         * @param pemFile X.509 certificates as PEM ({@code -----BEGIN CERTIFICATE-----} blocks); a chain of
         *     a few certificates fits in EC2's 16 KB of user data
         * @return this builder
         */
        public Builder caCertificate(Path pemFile) {
            this.caCertificate = Objects.requireNonNull(pemFile, "pemFile");
            return this;
        }

        /**
         * Sets the price table estimates use. Default {@link Ec2Prices#shipped()}.
         *
         * @param prices the table
         * @return this builder
         */
        public Builder prices(Ec2Prices prices) {
            this.prices = Objects.requireNonNull(prices, "prices");
            return this;
        }

        /**
         * Sets whether {@link Ec2ComputeProvider#close()} terminates the instances of runs still going.
         * Default true (an embedded client that closes leaves nothing running); turn it off for a server
         * that restarts while its instances keep working.
         *
         * @param terminate whether to terminate on close
         * @return this builder
         */
        public Builder terminateOnClose(boolean terminate) {
            this.terminateOnClose = terminate;
            return this;
        }

        /**
         * Builds the provider and its AWS clients. Nothing is called on AWS until the first launch.
         *
         * @return the provider, to hand to {@code RunPilot.client().compute(...)}
         * @throws IllegalStateException if neither {@link #agentUrl(URI)} nor {@link #agentJar(StorageBackend, String)} is set
         */
        public Ec2ComputeProvider build() {
            if (agentUrl == null && agentJar == null) {
                throw new IllegalStateException("The ec2 compute provider needs to know where instances get the RunPilot agent:"
                        + " set agentUrl(URI) or agentJar(storage, key) (RUNPILOT_EC2_AGENT_URL for the ServiceLoader provider)");
            }
            return new Ec2ComputeProvider(this);
        }

        Ec2Settings settings() {
            return new Ec2Settings(templateName, instanceType, fallbackInstanceTypes, subnets, securityGroupIds,
                    Optional.ofNullable(amiId), amiParameter, Optional.ofNullable(instanceProfile), tags, owner, launchTimeout,
                    pollInterval, maxLifetime, reconcileInterval, shutdownGrace, Optional.ofNullable(agentUrl), Optional.ofNullable(agentJar),
                    Optional.ofNullable(controlPlane), Optional.ofNullable(agentTokens), Optional.ofNullable(caCertificate), prices != null ? prices : Ec2Prices.shipped());
        }

        Ec2Client ec2() {
            var builder = Ec2Client.builder();
            configure(builder);
            return builder.build();
        }

        SsmClient ssm() {
            var builder = SsmClient.builder();
            configure(builder);
            return builder.build();
        }

        private void configure(AwsClientBuilder<?, ?> builder) {
            builder.region(Region.of(region != null ? region : AwsClients.defaultRegion()));
            if (endpoint != null) {
                builder.endpointOverride(endpoint);
            }
            if (credentials != null) {
                builder.credentialsProvider(credentials);
            }
        }

        private static String requireText(String value, String what) {
            Objects.requireNonNull(value, what);
            if (value.isBlank()) {
                throw new IllegalArgumentException(what + " must not be blank");
            }
            return value;
        }

        private static Duration requirePositive(Duration value, String what) {
            Objects.requireNonNull(value, what);
            if (value.isNegative() || value.isZero()) {
                throw new IllegalArgumentException(what + " must be positive, was " + value);
            }
            return value;
        }
    }
}
