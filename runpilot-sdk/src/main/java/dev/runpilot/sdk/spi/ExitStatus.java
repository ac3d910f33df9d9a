package dev.runpilot.sdk.spi;

import dev.runpilot.sdk.FailureReason;
import java.util.Objects;
import java.util.Optional;

/**
 * How an execution ended.
 *
 * @param exitCode the exit code (128 + signal number for a process killed by a signal)
 * @param reason a failure reason the runtime knows better than the exit code (such as
 *               {@link FailureReason#OOM_KILLED}); empty to let the exit code speak
 * @param message a human-readable account, empty if none
 * @since 0.1.0
 */
public record ExitStatus(int exitCode, Optional<FailureReason> reason, String message) {
    /** Checks the values. */
    public ExitStatus {
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(message, "message");
    }

    /**
     * Returns a plain exit.
     *
     * @param exitCode the exit code
     * @return the status
     */
    public static ExitStatus of(int exitCode) {
        return new ExitStatus(exitCode, Optional.empty(), "");
    }
}
