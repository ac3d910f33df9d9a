package dev.runpilot.sdk.internal.agent;

import dev.runpilot.sdk.archive.BundleExtractor;
import dev.runpilot.sdk.internal.engine.ChangeSignal;
import dev.runpilot.sdk.internal.store.AttemptStore;
import dev.runpilot.sdk.internal.store.Claim;
import dev.runpilot.sdk.internal.store.ClaimFilter;
import dev.runpilot.sdk.internal.store.LeaseState;
import dev.runpilot.sdk.internal.store.OutputStore;
import dev.runpilot.sdk.spi.AgentHandle;
import dev.runpilot.sdk.spi.ContainerRuntime;
import dev.runpilot.sdk.spi.StorageBackend;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An agent loop in this JVM: {@code slots} worker threads that claim runs through an
 * {@link AgentPlane} and run them, and one heartbeat thread that renews their leases and carries
 * cancellation. The plane is the store for the embedded engine's agents and the HTTP API for
 * remote ones.
 */
public final class LocalAgent implements AgentHandle {
    private static final Logger log = LoggerFactory.getLogger(LocalAgent.class);
    private static final long IDLE_WAIT_MILLIS = 250;

    private final AgentSettings settings;
    private final AgentPlane plane;
    private final ChangeSignal signal;
    private final AttemptRunner runner;
    private final ClaimCoalescer claims;
    private final Map<String, ActiveAttempt> active = new ConcurrentHashMap<>();
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean stopping;
    private volatile boolean draining;
    private volatile boolean evacuating;
    private volatile long lastBusyNanos = System.nanoTime();
    private Semaphore claimsLeft;
    private Duration idleTimeout;
    private Thread heartbeat;

    /** An agent of the embedded engine, working straight on its store and storage. */
    public LocalAgent(AgentSettings settings, ContainerRuntime runtime, AttemptStore attempts, OutputStore outputs,
                      StorageBackend storage, BundleExtractor extractor, ChangeSignal signal, Clock clock) {
        this(settings, runtime, new StoreAgentPlane(attempts, outputs, storage, settings.workRoot(), ClaimFilter.ANY), extractor,
                signal, clock);
    }

    /** An agent working through any control plane. */
    public LocalAgent(AgentSettings settings, ContainerRuntime runtime, AgentPlane plane, BundleExtractor extractor,
                      ChangeSignal signal, Clock clock) {
        this.settings = settings;
        this.plane = plane;
        this.signal = signal;
        this.runner = new AttemptRunner(settings, runtime, plane, new SourceFetcher(plane, extractor), clock, signal::changed);
        this.claims = new ClaimCoalescer(plane);
    }

    /**
     * Limits the agent before {@link #start()}: it drains after claiming {@code maxRuns} runs (0: no
     * limit), and after {@code idleTimeout} without a run (null: never).
     */
    public LocalAgent limits(int maxRuns, Duration idleTimeout) {
        this.claimsLeft = maxRuns > 0 ? new Semaphore(maxRuns) : null;
        this.idleTimeout = idleTimeout;
        return this;
    }

    /** Starts the worker and heartbeat threads. */
    public LocalAgent start() {
        for (int i = 1; i <= settings.slots(); i++) {
            threads.add(daemon(this::work, "runpilot-worker-" + i));
        }
        heartbeat = daemon(this::heartbeat, "runpilot-heartbeat");
        threads.add(heartbeat);
        threads.forEach(Thread::start);
        log.debug("Agent {} started with {} slot(s)", settings.agentId(), settings.slots());
        return this;
    }

    @Override
    public String id() {
        return settings.agentId();
    }

    /** Returns how many runs the agent holds now. */
    public int activeRuns() {
        return active.size();
    }

    /** Stops a run this agent holds at once, without waiting for the next heartbeat. */
    public void cancel(String runId) {
        ActiveAttempt attempt = active.get(runId);
        if (attempt != null) {
            attempt.requestStop(ActiveAttempt.StopReason.CANCEL);
        }
    }

    /** Claims nothing more; the runs it holds go on to their end, then its threads finish. */
    public void drain() {
        if (!draining) {
            draining = true;
            log.info("Agent {} draining: finishing {} run(s), claiming no more", settings.agentId(), active.size());
            signal.changed();
        }
    }

    /**
     * Drains the agent because its machine is about to go (a spot interruption notice): claims nothing
     * more and stops the runs it holds gracefully (SIGTERM, grace period, SIGKILL); their logs are
     * saved and their attempts end as {@code lease_lost}, so their retry policy queues them again.
     */
    public void evacuate(String why) {
        evacuating = true;
        log.warn("Agent {} evacuating {} run(s): {}", settings.agentId(), active.size(), why);
        active.values().forEach(a -> a.requestStop(ActiveAttempt.StopReason.INSTANCE_INTERRUPTED));
        drain();
    }

    /**
     * Waits until every thread of the agent has finished (after a drain, a close, or its limits).
     *
     * @return true if it finished within the timeout
     */
    public boolean awaitTermination(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (Thread thread : threads) {
            long left = (deadline - System.nanoTime()) / 1_000_000;
            if (left <= 0) {
                return threads.stream().noneMatch(Thread::isAlive);
            }
            thread.join(left);
        }
        return threads.stream().noneMatch(Thread::isAlive);
    }

    private boolean claiming() {
        return !stopping && !draining;
    }

    private void work() {
        while (claiming()) {
            long seen = signal.version();
            if (claimsLeft != null && !claimsLeft.tryAcquire()) {
                drain();
                return;
            }
            try {
                // Workers woken together (a submit, a run ending) claim together: one batch claim, not one each.
                Optional<Claim> claim = claims.claim(settings.agentId(), settings.host(), settings.lease());
                if (claim.isEmpty()) {
                    if (claimsLeft != null) {
                        claimsLeft.release();
                    }
                    signal.awaitChange(seen, IDLE_WAIT_MILLIS);
                    continue;
                }
                runClaim(claim.get());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                if (stopping) {
                    return;
                }
                log.warn("Agent {} could not claim or run a run: {}", settings.agentId(), e.getMessage(), e);
                sleepQuietly(IDLE_WAIT_MILLIS);
            }
        }
    }

    private void runClaim(Claim claim) throws InterruptedException {
        ActiveAttempt attempt = new ActiveAttempt(claim.runId(), claim.attempt());
        active.put(claim.runId(), attempt);
        if (stopping) {
            attempt.requestStop(ActiveAttempt.StopReason.AGENT_STOPPING);
        } else if (evacuating) {
            attempt.requestStop(ActiveAttempt.StopReason.INSTANCE_INTERRUPTED);
        }
        try {
            runner.run(claim, attempt);
        } finally {
            active.remove(claim.runId());
            lastBusyNanos = System.nanoTime();
        }
    }

    private void heartbeat() {
        long lastRenewal = System.nanoTime();
        while (claiming() || !active.isEmpty()) {
            try {
                Thread.sleep(AgentSettings.CANCEL_CHECK.toMillis());
                if (!active.isEmpty()) {
                    lastBusyNanos = System.nanoTime();
                } else if (idleTimeout != null && System.nanoTime() - lastBusyNanos >= idleTimeout.toNanos()) {
                    log.info("Agent {} idle for {}; stopping", settings.agentId(), idleTimeout);
                    drain();
                    continue;
                }
                boolean renew = System.nanoTime() - lastRenewal >= settings.renewEvery().toNanos();
                Map<String, Integer> held = new LinkedHashMap<>();
                active.values().forEach(a -> held.put(a.runId, a.attempt));
                if (renew) {
                    lastRenewal = System.nanoTime();
                    plane.heartbeat(settings.agentId(), held, settings.lease()).forEach(this::apply);
                } else if (!held.isEmpty()) {
                    plane.cancelRequested(held.keySet()).forEach(runId -> apply(runId, LeaseState.CANCEL_REQUESTED));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                log.warn("Agent {} heartbeat failed: {}", settings.agentId(), e.getMessage());
            }
        }
    }

    private void apply(String runId, LeaseState state) {
        ActiveAttempt attempt = active.get(runId);
        if (attempt == null || state == LeaseState.HELD) {
            return;
        }
        attempt.requestStop(state == LeaseState.LOST ? ActiveAttempt.StopReason.LEASE_LOST : ActiveAttempt.StopReason.CANCEL);
    }

    /**
     * Stops the agent: claims nothing more, stops the runs it holds (grace period applies; their logs
     * are saved and their attempts reported), then waits for its threads.
     */
    @Override
    public void close() {
        if (stopping) {
            return;
        }
        stopping = true;
        active.values().forEach(a -> a.requestStop(ActiveAttempt.StopReason.AGENT_STOPPING));
        signal.changed();
        long waitMillis = settings.grace().toMillis() + 30_000;
        try {
            for (Thread thread : threads) {
                if (thread != heartbeat) {
                    thread.join(waitMillis);
                }
            }
            // Every run is reported: the heartbeat has nothing left to renew, so it need not finish its sleep.
            if (heartbeat != null) {
                heartbeat.interrupt();
                heartbeat.join(waitMillis);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        log.debug("Agent {} stopped", settings.agentId());
    }

    private static Thread daemon(Runnable body, String name) {
        Thread thread = new Thread(body, name);
        thread.setDaemon(true);
        return thread;
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
