package dev.runpilot.sdk;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * One try at running a run: which agent held it, when, and how it ended.
 *
 * @param number the attempt number, starting at 1
 * @param agentId the agent that claimed it
 * @param startedAt when the agent claimed it
 * @param endedAt when it ended, empty while it goes on
 * @param exitCode the command's exit code, if it exited
 * @param reason why it did not succeed, empty if it succeeded or goes on
 * @param message a human-readable account of the end, empty if none
 */
public record Attempt(int number, String agentId, Instant startedAt, Optional<Instant> endedAt,
                      OptionalInt exitCode, Optional<FailureReason> reason, String message) {
    /** Checks the values. */
    public Attempt {
        Objects.requireNonNull(agentId, "agentId");
        Objects.requireNonNull(startedAt, "startedAt");
        Objects.requireNonNull(endedAt, "endedAt");
        Objects.requireNonNull(exitCode, "exitCode");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(message, "message");
    }
}
