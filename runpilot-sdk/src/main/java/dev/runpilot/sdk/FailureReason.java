package dev.runpilot.sdk;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * Why an attempt did not succeed. Retry decisions look at the reason (and, for {@link #EXIT_CODE},
 * the exit code).
 *
 * <p>Each reason has a stable lower-case {@linkplain #wireName() wire name}, used in the database,
 * the HTTP API and job files.
 */
public enum FailureReason {
    /** The command exited with a non-zero exit code. */
    EXIT_CODE,
    /** The run ran longer than its timeout. */
    TIMEOUT,
    /** The run was cancelled. Never retried. */
    CANCELLED,
    /** The agent holding the run stopped renewing its lease (it died or lost its connection). */
    LEASE_LOST,
    /** The container was killed for running out of memory. */
    OOM_KILLED,
    /** The code archive was unsigned or its signature did not verify. Never retried. */
    SIGNATURE_REJECTED,
    /** No compute capacity could be provisioned for the run. */
    CAPACITY,
    /** The runtime failed to start or supervise the command (missing executable, I/O error). */
    RUNTIME_ERROR,
    /** A run this one depends on failed or was cancelled. Never retried. */
    DEPENDENCY_FAILED,
    /** The container's health check reported it unhealthy. */
    UNHEALTHY,
    /**
     * The run was submitted to a RunPilot server with a source bundle that was never uploaded within
     * the server's source timeout; it never started. Never retried.
     *
     * @since 0.2.0
     */
    SOURCE_MISSING;

    /**
     * Returns the stable lower-case name used on the wire and in job files, such as {@code lease_lost}.
     *
     * @return the wire name
     */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Returns the reason with a wire name, if any.
     *
     * @param wireName a name such as {@code exit_code} (case-insensitive)
     * @return the reason, or empty for an unknown name
     */
    public static Optional<FailureReason> fromWireName(String wireName) {
        return Arrays.stream(values()).filter(r -> r.wireName().equalsIgnoreCase(wireName.trim())).findFirst();
    }
}
