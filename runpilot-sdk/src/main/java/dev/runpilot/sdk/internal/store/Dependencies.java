package dev.runpilot.sdk.internal.store;

import dev.runpilot.sdk.FailureReason;
import dev.runpilot.sdk.RunStatus;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Moves runs out of {@link RunStatus#PENDING}: to QUEUED once every run they depend on has
 * succeeded and the source bundle they wait for (if any, column {@code source_awaiting}) has been
 * uploaded, or to FAILED with reason {@code dependency_failed} as soon as a dependency ended otherwise.
 */
final class Dependencies {
    private Dependencies() {
    }

    /**
     * Re-evaluates every pending run that depends on {@code finishedRunId}. The dependents are locked
     * first, so that when two of a run's dependencies finish at once on different connections the
     * second evaluation waits for the first and sees both outcomes.
     */
    static void afterTerminal(Connection c, Dialect dialect, String finishedRunId, long now) throws SQLException {
        List<String> dependents = new ArrayList<>();
        try (PreparedStatement p = c.prepareStatement(
                "SELECT d.run_id FROM run_dependencies d JOIN runs r ON r.id = d.run_id"
                        + " WHERE d.depends_on = ? AND r.status = 'PENDING' ORDER BY r.seq" + dialect.forUpdate())) {
            p.setString(1, finishedRunId);
            try (ResultSet rs = p.executeQuery()) {
                while (rs.next()) {
                    dependents.add(rs.getString(1));
                }
            }
        }
        for (String dependent : dependents) {
            evaluate(c, dialect, dependent, now);
        }
    }

    /** Re-evaluates one pending run, which the caller has locked or created. Returns its status afterwards. */
    static RunStatus evaluate(Connection c, Dialect dialect, String runId, long now) throws SQLException {
        return evaluate(c, dialect, runId, now, false);
    }

    /**
     * Re-evaluates one pending run, which the caller has locked or created; {@code sourceArrived}
     * says the caller has just cleared its {@code source_awaiting}. Returns its status afterwards.
     */
    static RunStatus evaluate(Connection c, Dialect dialect, String runId, long now, boolean sourceArrived) throws SQLException {
        String blocking = null;
        RunStatus blockingStatus = null;
        boolean allSucceeded = true;
        int dependencies = 0;
        try (PreparedStatement p = c.prepareStatement(
                "SELECT d.depends_on, r.status FROM run_dependencies d JOIN runs r ON r.id = d.depends_on"
                        + " WHERE d.run_id = ? ORDER BY r.seq")) {
            p.setString(1, runId);
            try (ResultSet rs = p.executeQuery()) {
                while (rs.next()) {
                    RunStatus status = RunStatus.valueOf(rs.getString(2));
                    if (status.isTerminal() && status != RunStatus.SUCCEEDED && blocking == null) {
                        blocking = rs.getString(1);
                        blockingStatus = status;
                    }
                    allSucceeded &= status == RunStatus.SUCCEEDED;
                    dependencies++;
                }
            }
        }
        if (blocking != null) {
            String message = "dependency " + blocking + " ended " + blockingStatus + "; this run will not start";
            RunLifecycle.move(c, dialect, runId, RunStatus.PENDING, RunStatus.FAILED, 0, message, now,
                    RunChanges.with("reason", FailureReason.DEPENDENCY_FAILED.wireName()));
            return RunStatus.FAILED;
        }
        if (allSucceeded && !awaitsSource(c, runId)) {
            RunLifecycle.move(c, dialect, runId, RunStatus.PENDING, RunStatus.QUEUED, 0, dependencies > 0
                    ? "every dependency succeeded" + (sourceArrived ? " and the source bundle arrived" : "")
                    : "source bundle arrived", now);
            return RunStatus.QUEUED;
        }
        return RunStatus.PENDING;
    }

    private static boolean awaitsSource(Connection c, String runId) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("SELECT source_awaiting FROM runs WHERE id = ?")) {
            p.setString(1, runId);
            try (ResultSet rs = p.executeQuery()) {
                return rs.next() && rs.getString(1) != null;
            }
        }
    }
}
