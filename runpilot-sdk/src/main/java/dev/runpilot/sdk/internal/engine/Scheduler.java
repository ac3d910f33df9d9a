package dev.runpilot.sdk.internal.engine;

import dev.runpilot.sdk.RunEvent;
import dev.runpilot.sdk.RunStatus;
import dev.runpilot.sdk.internal.store.AttemptStore;
import dev.runpilot.sdk.internal.store.OrphanedAttempt;
import dev.runpilot.sdk.internal.store.RunStore;
import dev.runpilot.sdk.spi.ComputeProvider;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded engine's background loop: takes back runs whose lease lapsed (and stops what their
 * dead agent left running on this host), and follows the event log so that the compute provider
 * hears of queued and finished runs and local waiters wake up for changes made by other processes.
 */
final class Scheduler implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Scheduler.class);
    static final long TICK_MILLIS = 200;

    private final RunStore runs;
    private final AttemptStore attempts;
    private final ComputeProvider compute;
    private final OrphanReaper reaper;
    private final ChangeSignal signal;
    private final Thread thread;
    private final List<Runnable> tasks = new java.util.concurrent.CopyOnWriteArrayList<>();
    private long lastEvent;
    private volatile boolean stopping;

    Scheduler(RunStore runs, AttemptStore attempts, ComputeProvider compute, OrphanReaper reaper, ChangeSignal signal) {
        this.runs = runs;
        this.attempts = attempts;
        this.compute = compute;
        this.reaper = reaper;
        this.signal = signal;
        this.lastEvent = runs.lastEventSeq();
        this.thread = new Thread(this::loop, "runpilot-scheduler");
        this.thread.setDaemon(true);
    }

    /** Takes back lapsed leases once, synchronously: the recovery done when a client opens. */
    int recover() {
        List<OrphanedAttempt> expired = attempts.expireLeases();
        expired.forEach(reaper::reap);
        if (!expired.isEmpty()) {
            log.info("Recovered {} run(s) whose agent stopped renewing its lease", expired.size());
            signal.changed();
        }
        return expired.size();
    }

    /** Adds work done on every pass, after lease recovery and event dispatch; its failures are logged. */
    void addTask(Runnable task) {
        tasks.add(task);
    }

    void start() {
        thread.start();
    }

    private void loop() {
        replayQueued();
        while (!stopping) {
            try {
                Thread.sleep(TICK_MILLIS);
                recover();
                dispatchEvents();
                runTasks();
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                if (!stopping) {
                    log.warn("Scheduler pass failed: {}", e.getMessage());
                }
            }
        }
    }

    private void runTasks() {
        for (Runnable task : tasks) {
            try {
                task.run();
            } catch (RuntimeException e) {
                if (!stopping) {
                    log.warn("Scheduler task {} failed: {}", task, e.toString());
                }
            }
        }
    }

    /**
     * Tells the compute provider of every run already queued when this client opened: runs submitted
     * while no client was open, or by a client that has closed, whose QUEUED event came before this
     * scheduler started following the log. A provider that already launched for a run (say before a
     * restart) is expected to recognise its own machine rather than launch another.
     */
    private void replayQueued() {
        List<String> queued;
        try {
            queued = runs.queuedRunIds();
        } catch (RuntimeException e) {
            log.warn("Could not list the queued runs for compute provider '{}': {}", compute.name(), e.getMessage());
            return;
        }
        for (String runId : queued) {
            if (stopping) {
                return;
            }
            try {
                compute.runQueued(runId);
            } catch (RuntimeException e) {
                log.warn("Compute provider '{}' failed on queued run {}: {}", compute.name(), runId, e.getMessage());
            }
        }
        if (!queued.isEmpty()) {
            log.debug("Told compute provider '{}' of {} run(s) queued before this client opened", compute.name(), queued.size());
        }
    }

    private void dispatchEvents() {
        List<RunEvent> events = runs.eventsAfter(lastEvent, 1000);
        if (events.isEmpty()) {
            return;
        }
        for (RunEvent event : events) {
            lastEvent = event.sequence();
            try {
                if (event.to() == RunStatus.QUEUED) {
                    compute.runQueued(event.runId());
                } else if (event.to().isTerminal()) {
                    compute.runFinished(event.runId());
                }
            } catch (RuntimeException e) {
                log.warn("Compute provider '{}' failed on {} of run {}: {}", compute.name(), event.to(), event.runId(), e.getMessage());
            }
        }
        signal.changed();
    }

    @Override
    public void close() {
        stopping = true;
        thread.interrupt();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
