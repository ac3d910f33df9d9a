package dev.runpilot.sdk;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * A command a container runtime runs inside a job's container to tell whether it is healthy. A job
 * whose check fails {@code retries} times in a row ends FAILED with reason {@code unhealthy}.
 *
 * @param command the command, run without a shell
 * @param interval the time between checks
 * @param timeout how long one check may take
 * @param retries how many failures in a row make the job unhealthy
 * @param startPeriod time after start during which failures do not count
 */
public record HealthCheck(List<String> command, Duration interval, Duration timeout, int retries, Duration startPeriod) {
    /** Checks and copies the values. */
    public HealthCheck {
        command = List.copyOf(command);
        if (command.isEmpty()) {
            throw new IllegalArgumentException("a health check needs a command");
        }
        Objects.requireNonNull(interval, "interval");
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(startPeriod, "startPeriod");
        if (retries < 1) {
            throw new IllegalArgumentException("retries must be at least 1, was " + retries);
        }
    }

    /**
     * Returns a check running {@code command} every 30 s, with a 30 s timeout, 3 retries and no start period.
     *
     * @param command the command and its arguments
     * @return the check
     */
    public static HealthCheck of(String... command) {
        return new HealthCheck(List.of(command), Duration.ofSeconds(30), Duration.ofSeconds(30), 3, Duration.ZERO);
    }
}
