package dev.runpilot.sdk.internal.engine;

import dev.runpilot.sdk.internal.runtime.ProcessTree;
import dev.runpilot.sdk.internal.store.OrphanedAttempt;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stops the processes an attempt left behind when its agent died: when the attempt ran on this host
 * and its recorded process still lives with the recorded start time (so a reused pid is never
 * touched), its whole tree gets SIGTERM, a grace period, then SIGKILL.
 */
final class OrphanReaper {
    private static final Logger log = LoggerFactory.getLogger(OrphanReaper.class);

    private final String host;
    private final Duration grace;

    OrphanReaper(String host, Duration grace) {
        this.host = host;
        this.grace = grace;
    }

    void reap(OrphanedAttempt orphan) {
        if (!host.equals(orphan.host()) || orphan.pid().isEmpty() || orphan.pidStartedAt().isEmpty()) {
            return;
        }
        Optional<ProcessHandle> process = ProcessHandle.of(orphan.pid().getAsLong())
                .filter(p -> p.info().startInstant().map(i -> i.toEpochMilli() == orphan.pidStartedAt().getAsLong()).orElse(false));
        if (process.isEmpty()) {
            return;
        }
        log.info("Stopping pid {} left running by run {} attempt {} (agent {} lost its lease)", orphan.pid().getAsLong(),
                orphan.runId(), orphan.attempt(), orphan.agentId());
        Thread thread = new Thread(() -> {
            try {
                new ProcessTree(process.get()).terminate(grace);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "runpilot-reaper-" + orphan.runId());
        thread.setDaemon(true);
        thread.start();
    }
}
