package dev.runpilot.sdk.internal.store;

import dev.runpilot.sdk.RunStatus;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The transitions of an agent's cycle (claim, start, success) as single chained statements, for a
 * dialect whose statements can update one table and insert into others ({@link Dialect#chainsWrites()}:
 * PostgreSQL). Each statement moves the run only if it is in the state the transition starts from,
 * which the UPDATE's row lock and re-check make safe against concurrent writers, so no locking read
 * comes first: a claim of n runs is one round trip, a start is one, a success two (with its commit).
 * The table of allowed transitions ({@link RunLifecycle}) is checked here as everywhere else.
 */
final class ChainedTransitions {
    /**
     * Takes up to n queued runs in one statement: locks them skipping rows others hold, moves them to
     * ASSIGNED under a lease, opens their attempts and records their events; returns them in claim
     * order with their stored secrets. The claim filter goes between the head and the tail.
     */
    private static final String CLAIM_HEAD = "WITH picked AS (SELECT id FROM runs WHERE status = 'QUEUED' AND not_before <= ?";
    private static final String CLAIM_TAIL = " ORDER BY priority DESC, seq LIMIT ? FOR UPDATE SKIP LOCKED),"
            + " moved AS (UPDATE runs SET status = 'ASSIGNED', updated_at = ?, message = ?, agent_id = ?, lease_expires_at = ?,"
            + " attempts = runs.attempts + 1, started_at = ?, exit_code = NULL, reason = NULL"
            + " FROM picked WHERE runs.id = picked.id AND runs.status = 'QUEUED'"
            + " RETURNING runs.id, runs.attempts, runs.priority, runs.seq, runs.job_json, runs.source_json),"
            + " opened AS (INSERT INTO attempts (run_id, number, agent_id, host, started_at) SELECT id, attempts, ?, ?, ? FROM moved),"
            + " recorded AS (INSERT INTO events (run_id, at, from_status, to_status, attempt, message)"
            + " SELECT id, ?, 'QUEUED', 'ASSIGNED', attempts, ? FROM moved ORDER BY priority DESC, seq)"
            + " SELECT m.id, m.attempts, m.job_json, m.source_json, s.secrets_json FROM moved m"
            + " LEFT JOIN run_secrets s ON s.run_id = m.id ORDER BY m.priority DESC, m.seq";

    /** ASSIGNED -> RUNNING for the agent holding the attempt, with the process on the attempt row and the event. */
    private static final String START = "WITH moved AS (UPDATE runs SET status = 'RUNNING', updated_at = ?, message = ?"
            + " WHERE id = ? AND agent_id = ? AND attempts = ? AND status = 'ASSIGNED' RETURNING id, attempts),"
            + " started AS (UPDATE attempts SET pid = ?, pid_started_at = ? FROM moved"
            + " WHERE attempts.run_id = moved.id AND attempts.number = moved.attempts)"
            + " INSERT INTO events (run_id, at, from_status, to_status, attempt, message)"
            + " SELECT id, ?, 'ASSIGNED', 'RUNNING', attempts, ? FROM moved";

    /**
     * RUNNING -> SUCCEEDED for the agent holding the attempt: the outcome on the run and the attempt,
     * the secrets forgotten, the event; then, in a second statement of the same round trip (a fresh
     * snapshot, taken after the first holds the run's row lock), the pending dependents, locked.
     */
    private static final String SUCCEED = "WITH moved AS (UPDATE runs SET status = 'SUCCEEDED', updated_at = ?, message = ?,"
            + " finished_at = ?, agent_id = NULL, lease_expires_at = NULL, exit_code = ?, reason = NULL"
            + " WHERE id = ? AND agent_id = ? AND attempts = ? AND status = 'RUNNING' RETURNING id),"
            + " ended AS (UPDATE attempts SET ended_at = ?, exit_code = ?, reason = NULL, message = ? FROM moved"
            + " WHERE attempts.run_id = moved.id AND attempts.number = ?),"
            + " forgotten AS (DELETE FROM run_secrets USING moved WHERE run_secrets.run_id = moved.id)"
            + " INSERT INTO events (run_id, at, from_status, to_status, attempt, message)"
            + " SELECT id, ?, 'RUNNING', 'SUCCEEDED', ?, ? FROM moved;"
            + " SELECT d.run_id FROM run_dependencies d JOIN runs r ON r.id = d.run_id"
            + " WHERE d.depends_on = ? AND r.status = 'PENDING'"
            + " AND EXISTS (SELECT 1 FROM runs f WHERE f.id = ? AND f.status = 'SUCCEEDED') ORDER BY r.seq FOR UPDATE";

    static {
        for (RunStatus[] move : new RunStatus[][] {{RunStatus.QUEUED, RunStatus.ASSIGNED}, {RunStatus.ASSIGNED, RunStatus.RUNNING},
                {RunStatus.RUNNING, RunStatus.SUCCEEDED}}) {
            if (!RunLifecycle.isAllowed(move[0], move[1])) {
                throw new IllegalStateException("The lifecycle no longer allows " + move[0] + " -> " + move[1]);
            }
        }
    }

    private ChainedTransitions() {
    }

    /** Claims up to {@code max} runs the filter admits for an agent, in one statement. */
    static List<Claim> claim(Connection c, String agentId, String host, long now, long leaseMillis, ClaimFilter filter, int max)
            throws SQLException {
        List<Claim> claims = new ArrayList<>();
        try (PreparedStatement p = c.prepareStatement(CLAIM_HEAD + filter.sql() + CLAIM_TAIL)) {
            int i = 1;
            p.setLong(i++, now);
            for (Object arg : filter.args()) {
                p.setObject(i++, arg);
            }
            p.setInt(i++, max);
            p.setLong(i++, now);
            p.setString(i++, "claimed by agent " + agentId);
            p.setString(i++, agentId);
            p.setLong(i++, now + leaseMillis);
            p.setLong(i++, now);
            p.setString(i++, agentId);
            p.setString(i++, host);
            p.setLong(i++, now);
            p.setLong(i++, now);
            p.setString(i, "claimed by agent " + agentId);
            try (ResultSet rs = p.executeQuery()) {
                while (rs.next()) {
                    String secretsJson = rs.getString(5);
                    Map<String, String> secrets = secretsJson == null ? Map.of() : JobCodec.secretsFromJson(secretsJson);
                    claims.add(new Claim(rs.getString(1), rs.getInt(2), JobCodec.fromJson(rs.getString(3), secrets),
                            Optional.ofNullable(rs.getString(4)).map(SourceRef::fromJson)));
                }
            }
        }
        return claims;
    }

    /** Moves a held run from ASSIGNED to RUNNING in one statement; false, changing nothing, if it was not so held. */
    static boolean start(Connection c, String runId, int attempt, String agentId, String message, OptionalLong pid,
                         OptionalLong pidStartedAt, long now) throws SQLException {
        try (PreparedStatement p = c.prepareStatement(START)) {
            p.setLong(1, now);
            p.setString(2, message);
            p.setString(3, runId);
            p.setString(4, agentId);
            p.setInt(5, attempt);
            setLong(p, 6, pid);
            setLong(p, 7, pidStartedAt);
            p.setLong(8, now);
            p.setString(9, message);
            return p.executeUpdate() == 1;
        }
    }

    /**
     * Moves a held RUNNING run to SUCCEEDED and releases its pending dependents, in the caller's
     * transaction. Returns false, changing nothing, if the run was not RUNNING under this agent and
     * attempt (assigned only, cancelling, or taken back): the caller then takes the general path.
     */
    static boolean succeed(Connection c, Dialect dialect, String runId, int attempt, String agentId, AttemptEnd end, long now)
            throws SQLException {
        List<String> dependents = new ArrayList<>();
        int moved;
        try (PreparedStatement p = c.prepareStatement(SUCCEED)) {
            int i = 1;
            p.setLong(i++, now);
            p.setString(i++, end.message());
            p.setLong(i++, now);
            setInt(p, i++, end.exitCode());
            p.setString(i++, runId);
            p.setString(i++, agentId);
            p.setInt(i++, attempt);
            p.setLong(i++, now);
            setInt(p, i++, end.exitCode());
            p.setString(i++, end.message());
            p.setInt(i++, attempt);
            p.setLong(i++, now);
            p.setInt(i++, attempt);
            p.setString(i++, end.message());
            p.setString(i++, runId);
            p.setString(i, runId);
            p.execute();
            moved = p.getUpdateCount();
            if (!p.getMoreResults()) {
                throw new IllegalStateException("The dependents query of run " + runId + " returned no result set");
            }
            try (ResultSet rs = p.getResultSet()) {
                while (rs.next()) {
                    dependents.add(rs.getString(1));
                }
            }
        }
        if (moved != 1) {
            return false;
        }
        for (String dependent : dependents) {
            Dependencies.evaluate(c, dialect, dependent, now);
        }
        return true;
    }

    private static void setInt(PreparedStatement p, int index, java.util.OptionalInt value) throws SQLException {
        if (value.isPresent()) {
            p.setInt(index, value.getAsInt());
        } else {
            p.setNull(index, java.sql.Types.INTEGER);
        }
    }

    private static void setLong(PreparedStatement p, int index, OptionalLong value) throws SQLException {
        if (value.isPresent()) {
            p.setLong(index, value.getAsLong());
        } else {
            p.setNull(index, java.sql.Types.BIGINT);
        }
    }
}
