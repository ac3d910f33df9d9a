package dev.runpilot.sdk;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One entry of a run's audit log: a status change, with when and why.
 *
 * @param sequence the event's position in the control plane's log, increasing
 * @param runId the run
 * @param time when it happened
 * @param from the status before, empty for the submission
 * @param to the status after
 * @param attempt the attempt it concerns, 0 before the first
 * @param message why, in words (never contains secret values)
 */
public record RunEvent(long sequence, String runId, Instant time, Optional<RunStatus> from, RunStatus to,
                       int attempt, String message) {
    /** Checks the values. */
    public RunEvent {
        Objects.requireNonNull(runId, "runId");
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(message, "message");
    }
}
