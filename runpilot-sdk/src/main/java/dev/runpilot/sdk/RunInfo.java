package dev.runpilot.sdk;

import java.time.Instant;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeMap;

/**
 * A snapshot of a run's state, as listed by {@link RunPilotClient#list(RunQuery)}.
 *
 * @param id the run id
 * @param name the job's name
 * @param status the status when the snapshot was taken
 * @param priority the job's priority
 * @param labels the job's labels, sorted by key
 * @param createdAt when it was submitted
 * @param startedAt when its latest attempt started, if one has
 * @param finishedAt when it reached a terminal status, if it has
 * @param attempts how many attempts it has had
 * @param exitCode the exit code of the latest attempt, if it exited
 * @param reason why it did not succeed, if it did not
 * @param message a human-readable account of its latest change
 */
public record RunInfo(String id, String name, RunStatus status, int priority, Map<String, String> labels,
                      Instant createdAt, Optional<Instant> startedAt, Optional<Instant> finishedAt, int attempts,
                      OptionalInt exitCode, Optional<FailureReason> reason, String message) {
    /** Checks and copies the values. */
    public RunInfo {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(status, "status");
        labels = Collections.unmodifiableMap(new TreeMap<>(labels));
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(startedAt, "startedAt");
        Objects.requireNonNull(finishedAt, "finishedAt");
        Objects.requireNonNull(exitCode, "exitCode");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(message, "message");
    }
}
