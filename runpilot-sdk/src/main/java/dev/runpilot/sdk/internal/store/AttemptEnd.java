package dev.runpilot.sdk.internal.store;

import dev.runpilot.sdk.FailureReason;
import java.util.Optional;
import java.util.OptionalInt;

/** How an agent saw one attempt end. An empty reason with exit code 0 is a success. */
public record AttemptEnd(OptionalInt exitCode, Optional<FailureReason> reason, String message) {
    public static AttemptEnd exited(int code) {
        return code == 0
                ? new AttemptEnd(OptionalInt.of(0), Optional.empty(), "exited with code 0")
                : new AttemptEnd(OptionalInt.of(code), Optional.of(FailureReason.EXIT_CODE), "exited with code " + code);
    }

    public static AttemptEnd failed(FailureReason reason, OptionalInt exitCode, String message) {
        return new AttemptEnd(exitCode, Optional.of(reason), message);
    }

    public boolean isSuccess() {
        return reason.isEmpty();
    }
}
