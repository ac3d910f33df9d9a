package dev.runpilot.sdk.internal.agent;

import dev.runpilot.sdk.archive.BundleExtractor;
import dev.runpilot.sdk.internal.engine.ChangeSignal;
import dev.runpilot.sdk.internal.store.AttemptStore;
import dev.runpilot.sdk.internal.store.Claim;
import dev.runpilot.sdk.internal.store.LeaseState;
import dev.runpilot.sdk.internal.store.OutputStore;
import dev.runpilot.sdk.spi.AgentHandle;
import dev.runpilot.sdk.spi.ContainerRuntime;
import dev.runpilot.sdk.spi.StorageBackend;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An agent inside this JVM: {@code slots} worker threads that claim runs from the embedded control
 * plane and run them, and one heartbeat thread that renews their leases and carries cancellation.
 */
public final class LocalAgent implements AgentHandle {
    private static final Logger log = LoggerFactory.getLogger(LocalAgent.class);
    private static final long IDLE_WAIT_MILLIS = 250;

    private final AgentSettings settings;
    private final AttemptStore attempts;
    private final ChangeSignal signal;
    private final AttemptRunner runner;
    private final Map<String, ActiveAttempt> active = new ConcurrentHashMap<>();
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean stopping;
    private Thread heartbeat;
    private Optional<String> onlyRun = Optional.empty();

    public LocalAgent(AgentSettings settings, ContainerRuntime runtime, AttemptStore attempts, OutputStore outputs,
                      StorageBackend storage, BundleExtractor extractor, ChangeSignal signal, Clock clock) {
        this.settings = settings;
        this.attempts = attempts;
        this.signal = signal;
        this.runner = new AttemptRunner(settings, runtime, attempts, outputs, new SourceFetcher(storage, extractor), storage, clock,
                signal::changed);
    }

    /**
     * Binds this agent, before it starts, to one run: it claims that run and nothing else, and claims
     * nothing more once it has run it (the agent of an instance launched for one run).
     */
    public LocalAgent boundTo(String runId) {
        this.onlyRun = Optional.of(runId);
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

    /** Stops a run this agent holds at once, without waiting for the next heartbeat. */
    public void cancel(String runId) {
        ActiveAttempt attempt = active.get(runId);
        if (attempt != null) {
            attempt.requestStop(ActiveAttempt.StopReason.CANCEL);
        }
    }

    private void work() {
        while (!stopping) {
            long seen = signal.version();
            try {
                Optional<Claim> claim = attempts.claim(settings.agentId(), settings.host(), settings.lease(), onlyRun);
                if (claim.isEmpty()) {
                    signal.awaitChange(seen, IDLE_WAIT_MILLIS);
                    continue;
                }
                runClaim(claim.get());
                if (onlyRun.isPresent()) {
                    log.debug("Agent {} ran its one run {} and claims nothing more", settings.agentId(), onlyRun.get());
                    return;
                }
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
        }
        try {
            runner.run(claim, attempt);
        } finally {
            active.remove(claim.runId());
        }
    }

    private void heartbeat() {
        long lastRenewal = System.nanoTime();
        while (!stopping || !active.isEmpty()) {
            try {
                Thread.sleep(AgentSettings.CANCEL_CHECK.toMillis());
                if (active.isEmpty()) {
                    continue;
                }
                boolean renew = System.nanoTime() - lastRenewal >= settings.renewEvery().toNanos();
                Map<String, Integer> held = new LinkedHashMap<>();
                active.values().forEach(a -> held.put(a.runId, a.attempt));
                if (renew) {
                    lastRenewal = System.nanoTime();
                    attempts.heartbeat(settings.agentId(), held, settings.lease()).forEach(this::apply);
                } else {
                    attempts.cancelRequested(held.keySet()).forEach(runId -> apply(runId, LeaseState.CANCEL_REQUESTED));
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
            heartbeat.interrupt();
            heartbeat.join(waitMillis);
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
