package dev.runpilot.sdk.internal.engine;

import dev.runpilot.sdk.RunEvent;
import dev.runpilot.sdk.RunInfo;
import dev.runpilot.sdk.RunNotFoundException;
import dev.runpilot.sdk.internal.store.RunStore;
import java.util.List;
import java.util.function.Consumer;

/**
 * Follows the event log of an embedded control plane: reads the store after the last event
 * delivered, and waits on the engine's change signal in between (bounded, so that events written
 * by other processes sharing the database are noticed too).
 */
final class StoreEventFollower {
    private static final int PAGE = 1000;

    private final RunStore runs;
    private final ChangeSignal signal;
    private final String location;

    StoreEventFollower(RunStore runs, ChangeSignal signal, String location) {
        this.runs = runs;
        this.signal = signal;
        this.location = location;
    }

    /** Delivers every event after {@code after} until the thread is interrupted. */
    void followAll(long after, Consumer<RunEvent> consumer) {
        long last = after;
        while (!Thread.currentThread().isInterrupted()) {
            long seen = signal.version();
            List<RunEvent> page;
            while (!(page = runs.eventsAfter(last, PAGE)).isEmpty()) {
                for (RunEvent event : page) {
                    consumer.accept(event);
                    last = event.sequence();
                }
            }
            if (!await(seen)) {
                return;
            }
        }
    }

    /** Delivers one run's events from the start and returns once the run ended and its last event was delivered. */
    void followRun(String runId, Consumer<RunEvent> consumer) {
        long last = 0;
        while (!Thread.currentThread().isInterrupted()) {
            long seen = signal.version();
            RunInfo info = runs.info(runId).orElseThrow(() -> new RunNotFoundException(runId, location));
            // The status is read before the events, so every event written up to the end is delivered.
            for (RunEvent event : runs.events(runId)) {
                if (event.sequence() > last) {
                    consumer.accept(event);
                    last = event.sequence();
                }
            }
            if (info.status().isTerminal() || !await(seen)) {
                return;
            }
        }
    }

    /** Waits for a change; false if interrupted (the flag set again). */
    private boolean await(long seen) {
        try {
            signal.awaitChange(seen, EmbeddedRun.POLL_MILLIS);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
