package dev.runpilot.sdk.internal.store;

import static dev.runpilot.sdk.RunStatus.ASSIGNED;
import static dev.runpilot.sdk.RunStatus.CANCELLED;
import static dev.runpilot.sdk.RunStatus.CANCELLING;
import static dev.runpilot.sdk.RunStatus.FAILED;
import static dev.runpilot.sdk.RunStatus.PENDING;
import static dev.runpilot.sdk.RunStatus.QUEUED;
import static dev.runpilot.sdk.RunStatus.RUNNING;
import static dev.runpilot.sdk.RunStatus.SUCCEEDED;
import static dev.runpilot.sdk.RunStatus.TIMED_OUT;

import dev.runpilot.sdk.RunStatus;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * The one table of legal status changes, and the one place that applies them: every change is
 * checked here and written together with its event row, in the caller's transaction.
 */
public final class RunLifecycle {
    private static final Map<RunStatus, Set<RunStatus>> ALLOWED = new EnumMap<>(RunStatus.class);

    static {
        ALLOWED.put(PENDING, EnumSet.of(QUEUED, FAILED, CANCELLING));
        ALLOWED.put(QUEUED, EnumSet.of(ASSIGNED, CANCELLING));
        // ASSIGNED -> QUEUED/FAILED: the lease lapsed before the process started.
        ALLOWED.put(ASSIGNED, EnumSet.of(RUNNING, QUEUED, FAILED, CANCELLING));
        // RUNNING -> QUEUED: the attempt failed and the retry policy allows another.
        ALLOWED.put(RUNNING, EnumSet.of(SUCCEEDED, FAILED, TIMED_OUT, QUEUED, CANCELLING));
        ALLOWED.put(CANCELLING, EnumSet.of(CANCELLED));
        for (RunStatus terminal : EnumSet.of(SUCCEEDED, FAILED, TIMED_OUT, CANCELLED)) {
            ALLOWED.put(terminal, EnumSet.noneOf(RunStatus.class));
        }
    }

    private RunLifecycle() {
    }

    /** Returns whether the table allows moving from one status to another. */
    public static boolean isAllowed(RunStatus from, RunStatus to) {
        return ALLOWED.get(from).contains(to);
    }

    /** Returns the statuses a run may move to from {@code from}. */
    public static Set<RunStatus> next(RunStatus from) {
        return Set.copyOf(ALLOWED.get(from));
    }

    /**
     * Moves a run from {@code from} to {@code to} and records the event. The caller has read
     * {@code from} in the same transaction, under a row lock where the dialect has them. A run that reaches a terminal status loses its stored
     * secrets and releases (or fails) the pending runs that depend on it.
     *
     * @throws IllegalStateException if the table does not allow the move
     */
    static void move(Connection c, Dialect dialect, String runId, RunStatus from, RunStatus to, int attempt, String message,
                     long now) throws SQLException {
        move(c, dialect, runId, from, to, attempt, message, now, RunChanges.none());
    }

    /**
     * Like {@link #move(Connection, Dialect, String, RunStatus, RunStatus, int, String, long)}, setting
     * other columns of the run in the same statement.
     */
    static void move(Connection c, Dialect dialect, String runId, RunStatus from, RunStatus to, int attempt, String message,
                     long now, RunChanges changes) throws SQLException {
        if (!isAllowed(from, to)) {
            throw new IllegalStateException("Illegal transition of run " + runId + " from " + from + " to " + to
                    + " (allowed from " + from + ": " + ALLOWED.get(from) + ")");
        }
        try (PreparedStatement p = c.prepareStatement(
                "UPDATE runs SET status = ?, updated_at = ?, message = ?"
                        + (to.isTerminal() ? ", finished_at = ?, agent_id = NULL, lease_expires_at = NULL" : "")
                        + changes.assignments() + " WHERE id = ? AND status = ?")) {
            int i = 1;
            p.setString(i++, to.name());
            p.setLong(i++, now);
            p.setString(i++, message);
            if (to.isTerminal()) {
                p.setLong(i++, now);
            }
            i = changes.bind(p, i);
            p.setString(i++, runId);
            p.setString(i, from.name());
            if (p.executeUpdate() != 1) {
                throw new IllegalStateException("Run " + runId + " was not " + from + " when moving it to " + to);
            }
        }
        recordEvent(c, runId, from, to, attempt, message, now);
        if (to.isTerminal()) {
            try (PreparedStatement p = c.prepareStatement("DELETE FROM run_secrets WHERE run_id = ?")) {
                p.setString(1, runId);
                p.executeUpdate();
            }
            Dependencies.afterTerminal(c, dialect, runId, now);
        }
    }

    static void recordEvent(Connection c, String runId, RunStatus from, RunStatus to, int attempt, String message, long now)
            throws SQLException {
        try (PreparedStatement p = c.prepareStatement(
                "INSERT INTO events (run_id, at, from_status, to_status, attempt, message) VALUES (?, ?, ?, ?, ?, ?)")) {
            p.setString(1, runId);
            p.setLong(2, now);
            p.setString(3, from == null ? null : from.name());
            p.setString(4, to.name());
            p.setInt(5, attempt);
            p.setString(6, message);
            p.executeUpdate();
        }
    }
}
