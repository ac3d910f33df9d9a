package dev.runpilot.aws.ec2;

import dev.runpilot.sdk.Estimate;
import dev.runpilot.sdk.Job;
import dev.runpilot.sdk.RunStatus;
import dev.runpilot.sdk.spi.ComputeContext;
import dev.runpilot.sdk.spi.ComputeProvider;
import dev.runpilot.sdk.spi.ComputeRun;
import dev.runpilot.sdk.spi.StorageBackend;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import software.amazon.awssdk.services.ec2.model.Instance;

/**
 * The ec2 provider with the instances played by this JVM: moto boots nothing, so for each instance
 * the provider launched that reaches running, this starts an agent bound to the instance's run (what
 * its user data would start), and, once that agent has stored the attempt's log and the attempt is
 * reported, asks for the instance to be shut down, as the agent does over HTTP. Records every call
 * that can terminate an instance, with whether the attempt's log was in storage at that moment.
 */
final class PlayedInstances implements ComputeProvider {
    /** One call that could terminate a run's instances. */
    record Termination(String trigger, String runId, int attempt, boolean logStored, int liveBefore, int liveAfter) {
    }

    private final Ec2ComputeProvider delegate;
    private final MotoEc2 moto;
    private final StorageBackend storage;
    private final Predicate<Instance> play;
    private final Map<String, Played> played = new ConcurrentHashMap<>();
    final List<Termination> terminations = new CopyOnWriteArrayList<>();
    private final java.util.function.BiFunction<ComputeContext, String, AutoCloseable> startAgent;
    private final boolean agentAsksForShutdown;
    private final String storagePrefix;
    private final List<AutoCloseable> started = new CopyOnWriteArrayList<>();
    private volatile ComputeContext context;
    private volatile boolean closed;
    private Thread poller;

    private record Played(String instanceId, String runId, int attempt, boolean[] asked) {
    }

    PlayedInstances(Ec2ComputeProvider delegate, MotoEc2 moto, StorageBackend storage, Predicate<Instance> play) {
        this(delegate, moto, storage, play, (context, runId) -> context.startLocalAgent(runId), false, "");
    }

    /**
     * @param startAgent starts the agent of an instance for its run
     * @param agentAsksForShutdown whether that agent asks for shutdown itself (the HTTP agent does);
     *     otherwise this asks for it once the attempt's log is stored, as the agent would
     * @param storagePrefix the key prefix the control plane's storage adds (an s3 URI's path)
     */
    PlayedInstances(Ec2ComputeProvider delegate, MotoEc2 moto, StorageBackend storage, Predicate<Instance> play,
                    java.util.function.BiFunction<ComputeContext, String, AutoCloseable> startAgent, boolean agentAsksForShutdown,
                    String storagePrefix) {
        this.delegate = delegate;
        this.moto = moto;
        this.storage = storage;
        this.play = play;
        this.startAgent = startAgent;
        this.agentAsksForShutdown = agentAsksForShutdown;
        this.storagePrefix = storagePrefix;
    }

    PlayedInstances(Ec2ComputeProvider delegate, MotoEc2 moto, StorageBackend storage) {
        this(delegate, moto, storage, instance -> true);
    }

    Ec2ComputeProvider ec2() {
        return delegate;
    }

    @Override
    public String name() {
        return delegate.name();
    }

    @Override
    public void start(ComputeContext context) {
        this.context = context;
        delegate.start(context);
        poller = new Thread(this::poll, "test-instance-player");
        poller.setDaemon(true);
        poller.start();
    }

    private void poll() {
        while (!closed) {
            try {
                for (Instance instance : moto.liveRunPilotInstances()) {
                    if (instance.state().nameAsString().equals("running") && !played.containsKey(instance.instanceId())
                            && play.test(instance)) {
                        String runId = MotoEc2.tag(instance, "runpilot:run-id");
                        int attempt = Integer.parseInt(MotoEc2.tag(instance, "runpilot:attempt"));
                        played.put(instance.instanceId(), new Played(instance.instanceId(), runId, attempt, new boolean[1]));
                        started.add(startAgent.apply(context, runId));
                    }
                }
                for (Played p : played.values()) {
                    if (!agentAsksForShutdown && !p.asked()[0] && attemptReported(p)
                            && storage.exists(storagePrefix + logKey(p.runId(), p.attempt()))) {
                        p.asked()[0] = true;
                        shutdownRequested(p.runId(), "played-agent");
                    }
                }
                Thread.sleep(100);
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                if (!closed) {
                    System.err.println("instance player: " + e);
                }
            }
        }
    }

    private boolean attemptReported(Played p) {
        Optional<ComputeRun> run = context.run(p.runId());
        return run.map(r -> r.status().isTerminal() || r.attempts() > p.attempt()
                || (r.status() == RunStatus.QUEUED && r.attempts() >= p.attempt())).orElse(true);
    }

    static String logKey(String runId, int attempt) {
        return "runs/" + runId + "/logs/attempt-" + attempt + ".log";
    }

    @Override
    public void runQueued(String runId) {
        delegate.runQueued(runId);
    }

    @Override
    public void runFinished(String runId) {
        record("runFinished", runId, () -> delegate.runFinished(runId));
    }

    @Override
    public void shutdownRequested(String runId, String agentId) {
        record("shutdownRequested", runId, () -> delegate.shutdownRequested(runId, agentId));
    }

    /** Serialised, so that each record sees only its own call's effect on the live instances. */
    private synchronized void record(String trigger, String runId, Runnable call) {
        int attempt = context.run(runId).map(ComputeRun::attempts).orElse(0);
        boolean logStored = attempt > 0 && storage.exists(storagePrefix + logKey(runId, attempt));
        int before = live(runId);
        call.run();
        terminations.add(new Termination(trigger, runId, attempt, logStored, before, live(runId)));
    }

    private int live(String runId) {
        return (int) moto.instancesOf(runId).stream().filter(i -> i.state().nameAsString().matches("pending|running")).count();
    }

    @Override
    public Estimate estimate(Job job) {
        return delegate.estimate(job);
    }

    @Override
    public void close() {
        closed = true;
        if (poller != null) {
            poller.interrupt();
        }
        for (AutoCloseable agent : started) {
            try {
                agent.close();
            } catch (Exception e) {
                System.err.println("closing a played agent: " + e);
            }
        }
        delegate.close();
    }
}
