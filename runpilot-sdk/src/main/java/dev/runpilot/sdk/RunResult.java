package dev.runpilot.sdk;

import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeMap;

/**
 * How a finished run ended.
 *
 * @param runId the run id
 * @param status the terminal status
 * @param exitCode the exit code of the last attempt, if it exited
 * @param reason why it did not succeed, empty if it did
 * @param message a human-readable account of the end
 * @param attempts every attempt, oldest first
 * @param duration from submission to the end
 * @param metrics the final value of each metric the job printed, sorted by name
 */
public record RunResult(String runId, RunStatus status, OptionalInt exitCode, Optional<FailureReason> reason,
                        String message, List<Attempt> attempts, Duration duration, Map<String, Double> metrics) {
    /** Checks and copies the values. */
    public RunResult {
        Objects.requireNonNull(runId, "runId");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(exitCode, "exitCode");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(message, "message");
        attempts = List.copyOf(attempts);
        Objects.requireNonNull(duration, "duration");
        metrics = Collections.unmodifiableMap(new TreeMap<>(metrics));
    }

    /**
     * Returns whether the run succeeded.
     *
     * @return true if the status is {@link RunStatus#SUCCEEDED}
     */
    public boolean isSuccess() {
        return status == RunStatus.SUCCEEDED;
    }

    /**
     * Returns this result if the run succeeded, or throws.
     *
     * @return this result
     * @throws RunFailedException if the run failed, timed out or was cancelled
     */
    public RunResult requireSuccess() {
        if (!isSuccess()) {
            throw new RunFailedException(this);
        }
        return this;
    }
}
