package dev.runpilot.sdk.internal.store;

import dev.runpilot.sdk.FailureReason;
import dev.runpilot.sdk.RetryPolicy;
import dev.runpilot.sdk.RunStatus;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import java.util.random.RandomGenerator;

/**
 * Runs as agents see them: claims under a lease, heartbeats, the end of each attempt, and the
 * recovery of attempts whose agent stopped renewing its lease.
 */
public final class AttemptStore {
    private final Database db;
    private final Clock clock;
    private final RandomGenerator random;

    public AttemptStore(Database db, Clock clock, RandomGenerator random) {
        this.db = db;
        this.clock = clock;
        this.random = random;
    }

    /**
     * Claims the next queued run: highest priority first, then oldest. The run becomes ASSIGNED
     * to the agent with a lease lasting {@code lease}, and a new attempt row is opened.
     */
    public Optional<Claim> claim(String agentId, String host, Duration lease) {
        return claim(agentId, host, lease, ClaimFilter.ANY);
    }

    /** Like {@link #claim(String, String, Duration)}, among the runs the filter admits only. */
    public Optional<Claim> claim(String agentId, String host, Duration lease, ClaimFilter filter) {
        return claimUpTo(agentId, host, lease, filter, 1).stream().findFirst();
    }

    /**
     * Claims up to {@code max} queued runs the filter admits in one transaction, for an agent with
     * {@code max} free slots: highest priority first, then oldest. Each becomes ASSIGNED to the agent
     * under its own lease lasting {@code lease}, with a new attempt row and its event, exactly as if
     * claimed alone; none is handed to two agents. Returns them in that order, possibly none.
     *
     * @throws IllegalArgumentException if {@code max} is less than 1
     */
    public List<Claim> claimUpTo(String agentId, String host, Duration lease, ClaimFilter filter, int max) {
        if (max < 1) {
            throw new IllegalArgumentException("A claim takes at least 1 run, was asked for " + max);
        }
        Dialect dialect = db.dialect();
        if (dialect.chainsWrites()) {
            return db.writeStatement(c -> ChainedTransitions.claim(c, agentId, host, clock.millis(), lease.toMillis(), filter, max));
        }
        // Where writers queue for one lock (SQLite), a plain read first: idle agents woken by every
        // change must not all queue for it.
        if (dialect.serializesWriters() && !anyQueued(filter)) {
            return List.of();
        }
        return db.write(c -> {
            long now = clock.millis();
            record Picked(String runId, String jobJson, int attempt, String sourceJson, String secretsJson) {
            }
            List<Picked> picked = new ArrayList<>();
            try (PreparedStatement p = c.prepareStatement(
                    "SELECT id, job_json, attempts, source_json, (SELECT secrets_json FROM run_secrets WHERE run_id = runs.id)"
                            + " FROM runs WHERE status = 'QUEUED' AND not_before <= ?"
                            + filter.sql() + " ORDER BY priority DESC, seq LIMIT ?" + dialect.forUpdateSkipLocked())) {
                p.setLong(1, now);
                setArgs(p, 2, filter.args());
                p.setInt(2 + filter.args().size(), max);
                try (ResultSet rs = p.executeQuery()) {
                    while (rs.next()) {
                        picked.add(new Picked(rs.getString(1), rs.getString(2), rs.getInt(3) + 1, rs.getString(4), rs.getString(5)));
                    }
                }
            }
            List<Claim> claims = new ArrayList<>();
            try (PreparedStatement insert = c.prepareStatement(
                    "INSERT INTO attempts (run_id, number, agent_id, host, started_at) VALUES (?, ?, ?, ?, ?)")) {
                for (Picked run : picked) {
                    insert.setString(1, run.runId());
                    insert.setInt(2, run.attempt());
                    insert.setString(3, agentId);
                    insert.setString(4, host);
                    insert.setLong(5, now);
                    insert.executeUpdate();
                    RunLifecycle.move(c, dialect, run.runId(), RunStatus.QUEUED, RunStatus.ASSIGNED, run.attempt(),
                            "claimed by agent " + agentId, now, RunChanges.with("agent_id", agentId)
                                    .set("lease_expires_at", now + lease.toMillis()).set("attempts", run.attempt())
                                    .set("started_at", now).setNull("exit_code").setNull("reason"));
                    Map<String, String> secrets = run.secretsJson() == null ? Map.of() : JobCodec.secretsFromJson(run.secretsJson());
                    claims.add(new Claim(run.runId(), run.attempt(), JobCodec.fromJson(run.jobJson(), secrets),
                            Optional.ofNullable(run.sourceJson()).map(SourceRef::fromJson)));
                }
            }
            return claims;
        });
    }

    private boolean anyQueued(ClaimFilter filter) {
        return db.read(c -> {
            try (PreparedStatement p = c.prepareStatement(
                    "SELECT 1 FROM runs WHERE status = 'QUEUED' AND not_before <= ?" + filter.sql() + " LIMIT 1")) {
                p.setLong(1, clock.millis());
                setArgs(p, 2, filter.args());
                try (ResultSet rs = p.executeQuery()) {
                    return rs.next();
                }
            }
        });
    }

    /**
     * Records that the attempt's process started. Returns false, changing nothing, if the run was
     * cancelled or taken back meanwhile: the caller stops the process.
     */
    public boolean markRunning(String runId, int attempt, String agentId, String description, OptionalLong pid,
                               OptionalLong pidStartedAt) {
        if (db.dialect().chainsWrites()) {
            return db.writeStatement(c -> ChainedTransitions.start(c, runId, attempt, agentId, "started (" + description + ")", pid,
                    pidStartedAt, clock.millis()));
        }
        return db.write(c -> {
            if (heldStatus(c, runId, attempt, agentId).orElse(null) != RunStatus.ASSIGNED) {
                return false;
            }
            try (PreparedStatement p = c.prepareStatement(
                    "UPDATE attempts SET pid = ?, pid_started_at = ? WHERE run_id = ? AND number = ?")) {
                setLong(p, 1, pid);
                setLong(p, 2, pidStartedAt);
                p.setString(3, runId);
                p.setInt(4, attempt);
                p.executeUpdate();
            }
            RunLifecycle.move(c, db.dialect(), runId, RunStatus.ASSIGNED, RunStatus.RUNNING, attempt, "started (" + description + ")", clock.millis());
            return true;
        });
    }

    /** Renews the leases of the attempts an agent holds and says, for each, whether to go on. */
    public Map<String, LeaseState> heartbeat(String agentId, Map<String, Integer> attempts, Duration lease) {
        if (attempts.isEmpty()) {
            return Map.of();
        }
        return db.write(c -> {
            long until = clock.millis() + lease.toMillis();
            Map<String, LeaseState> result = new LinkedHashMap<>();
            for (Map.Entry<String, Integer> held : attempts.entrySet()) {
                try (PreparedStatement p = c.prepareStatement(
                        "UPDATE runs SET lease_expires_at = ? WHERE id = ? AND agent_id = ? AND attempts = ?"
                                + " AND status IN ('ASSIGNED', 'RUNNING', 'CANCELLING')")) {
                    p.setLong(1, until);
                    p.setString(2, held.getKey());
                    p.setString(3, agentId);
                    p.setInt(4, held.getValue());
                    if (p.executeUpdate() == 0) {
                        result.put(held.getKey(), LeaseState.LOST);
                        continue;
                    }
                }
                result.put(held.getKey(), cancelRequested(c, held.getKey()) ? LeaseState.CANCEL_REQUESTED : LeaseState.HELD);
            }
            return result;
        });
    }

    /** Returns whether cancel was requested for a run. */
    public boolean isCancelRequested(String runId) {
        return db.read(c -> cancelRequested(c, runId));
    }

    /** Returns which of these runs have had cancel requested, in one read. */
    public Set<String> cancelRequested(Collection<String> runIds) {
        if (runIds.isEmpty()) {
            return Set.of();
        }
        return db.read(c -> {
            Set<String> result = new HashSet<>();
            String marks = String.join(", ", Collections.nCopies(runIds.size(), "?"));
            try (PreparedStatement p = c.prepareStatement(
                    "SELECT id FROM runs WHERE cancel_requested = 1 AND id IN (" + marks + ")")) {
                int i = 1;
                for (String id : runIds) {
                    p.setString(i++, id);
                }
                try (ResultSet rs = p.executeQuery()) {
                    while (rs.next()) {
                        result.add(rs.getString(1));
                    }
                }
            }
            return result;
        });
    }

    /**
     * Records how an attempt ended and moves the run on: SUCCEEDED, CANCELLED, queued again under
     * its retry policy, or FAILED / TIMED_OUT. Returns the run's new status, or empty if the agent no
     * longer held the run (nothing is changed then).
     */
    public Optional<RunStatus> finish(String runId, int attempt, String agentId, AttemptEnd end) {
        return db.write(c -> {
            // The usual case, a RUNNING run that succeeded, in one round trip where the dialect chains writes;
            // anything else (not started, cancelling, taken back, failed) takes the general path below.
            if (end.isSuccess() && db.dialect().chainsWrites()
                    && ChainedTransitions.succeed(c, db.dialect(), runId, attempt, agentId, end, clock.millis())) {
                return Optional.of(RunStatus.SUCCEEDED);
            }
            Optional<RunStatus> held = heldStatus(c, runId, attempt, agentId);
            if (held.isEmpty()) {
                return Optional.empty();
            }
            return Optional.of(endAttempt(c, runId, held.get(), attempt, end, clock.millis()));
        });
    }

    /**
     * Takes back every run whose lease lapsed: its attempt ends with reason {@code lease_lost} and
     * the run is queued again if its retry policy allows, failed otherwise (or CANCELLED if cancel was
     * requested). Returns the attempts taken back, so that processes they left can be stopped.
     */
    public List<OrphanedAttempt> expireLeases() {
        // Called on every scheduler tick by every client on the home: a plain read first, so that the
        // common case (nothing lapsed) never takes the write lock away from agents and submitters.
        boolean anyLapsed = db.read(c -> {
            try (PreparedStatement p = c.prepareStatement("SELECT 1 FROM runs WHERE status IN ('ASSIGNED', 'RUNNING', 'CANCELLING')"
                    + " AND lease_expires_at < ? LIMIT 1")) {
                p.setLong(1, clock.millis());
                try (ResultSet rs = p.executeQuery()) {
                    return rs.next();
                }
            }
        });
        if (!anyLapsed) {
            return List.of();
        }
        return db.write(c -> {
            long now = clock.millis();
            List<OrphanedAttempt> expired = new ArrayList<>();
            List<RunStatus> statuses = new ArrayList<>();
            try (PreparedStatement p = c.prepareStatement(
                    "SELECT r.id, r.status, r.attempts, r.agent_id, r.lease_expires_at, a.host, a.pid, a.pid_started_at FROM runs r"
                            + " JOIN attempts a ON a.run_id = r.id AND a.number = r.attempts"
                            + " WHERE r.status IN ('ASSIGNED', 'RUNNING', 'CANCELLING') AND r.lease_expires_at < ?"
                            + db.dialect().forUpdateSkipLocked())) {
                p.setLong(1, now);
                try (ResultSet rs = p.executeQuery()) {
                    while (rs.next()) {
                        long pid = rs.getLong("pid");
                        OptionalLong pidValue = rs.wasNull() ? OptionalLong.empty() : OptionalLong.of(pid);
                        long pidStart = rs.getLong("pid_started_at");
                        OptionalLong pidStartValue = rs.wasNull() ? OptionalLong.empty() : OptionalLong.of(pidStart);
                        statuses.add(RunStatus.valueOf(rs.getString("status")));
                        expired.add(new OrphanedAttempt(rs.getString("id"), rs.getInt("attempts"), rs.getString("agent_id"),
                                rs.getString("host"), pidValue, pidStartValue));
                    }
                }
            }
            for (int i = 0; i < expired.size(); i++) {
                OrphanedAttempt orphan = expired.get(i);
                AttemptEnd end = AttemptEnd.failed(FailureReason.LEASE_LOST, OptionalInt.empty(),
                        "agent " + orphan.agentId() + " stopped renewing its lease (it died, hung or lost its connection)");
                endAttempt(c, orphan.runId(), statuses.get(i), orphan.attempt(), end, now);
            }
            return expired;
        });
    }

    /**
     * Ends the next attempt of a queued run that could not be given a machine (no capacity, say): an
     * attempt is opened for {@code agentId} and ended at once with {@code reason}, and the run is
     * queued again if its retry policy allows, failed otherwise. Returns the run's new status, or
     * empty, changing nothing, if the run was no longer queued.
     */
    public Optional<RunStatus> failUnclaimed(String runId, String agentId, String host, FailureReason reason, String message) {
        return db.write(c -> {
            if (RunStore.lockedStatus(c, db.dialect(), runId).orElse(null) != RunStatus.QUEUED) {
                return Optional.empty();
            }
            long now = clock.millis();
            int attempt = RunStore.attemptCount(c, runId) + 1;
            try (PreparedStatement p = c.prepareStatement(
                    "UPDATE runs SET agent_id = ?, attempts = ?, started_at = ? WHERE id = ?")) {
                p.setString(1, agentId);
                p.setInt(2, attempt);
                p.setLong(3, now);
                p.setString(4, runId);
                p.executeUpdate();
            }
            try (PreparedStatement p = c.prepareStatement(
                    "INSERT INTO attempts (run_id, number, agent_id, host, started_at) VALUES (?, ?, ?, ?, ?)")) {
                p.setString(1, runId);
                p.setInt(2, attempt);
                p.setString(3, agentId);
                p.setString(4, host);
                p.setLong(5, now);
                p.executeUpdate();
            }
            RunLifecycle.move(c, db.dialect(), runId, RunStatus.QUEUED, RunStatus.ASSIGNED, attempt, "taken by " + agentId + " to provision", now);
            return Optional.of(endAttempt(c, runId, RunStatus.ASSIGNED, attempt, AttemptEnd.failed(reason, OptionalInt.empty(), message), now));
        });
    }

    /** Records key/value data on an attempt (an attempt that is not opened yet may be named too); later values win. */
    public void recordData(String runId, int attempt, Map<String, String> data) {
        if (data.isEmpty()) {
            return;
        }
        db.write(c -> {
            // Delete then insert: the same on SQLite and PostgreSQL, inside one transaction.
            try (PreparedStatement delete = c.prepareStatement(
                    "DELETE FROM attempt_data WHERE run_id = ? AND attempt = ? AND key = ?");
                 PreparedStatement insert = c.prepareStatement(
                    "INSERT INTO attempt_data (run_id, attempt, key, value) VALUES (?, ?, ?, ?)")) {
                for (Map.Entry<String, String> entry : data.entrySet()) {
                    delete.setString(1, runId);
                    delete.setInt(2, attempt);
                    delete.setString(3, entry.getKey());
                    delete.addBatch();
                    insert.setString(1, runId);
                    insert.setInt(2, attempt);
                    insert.setString(3, entry.getKey());
                    insert.setString(4, entry.getValue());
                    insert.addBatch();
                }
                delete.executeBatch();
                insert.executeBatch();
            }
            return null;
        });
    }

    /** Returns the data recorded on an attempt, sorted by key. */
    public Map<String, String> data(String runId, int attempt) {
        return db.read(c -> {
            Map<String, String> result = new java.util.TreeMap<>();
            try (PreparedStatement p = c.prepareStatement("SELECT key, value FROM attempt_data WHERE run_id = ? AND attempt = ?")) {
                p.setString(1, runId);
                p.setInt(2, attempt);
                try (ResultSet rs = p.executeQuery()) {
                    while (rs.next()) {
                        result.put(rs.getString(1), rs.getString(2));
                    }
                }
            }
            return result;
        });
    }

    /** Ends an attempt of a run the caller has locked and read the status of. */
    private RunStatus endAttempt(Connection c, String runId, RunStatus status, int attempt, AttemptEnd end, long now)
            throws SQLException {
        try (PreparedStatement p = c.prepareStatement(
                "UPDATE attempts SET ended_at = ?, exit_code = ?, reason = ?, message = ? WHERE run_id = ? AND number = ?")) {
            p.setLong(1, now);
            setInt(p, 2, end.exitCode());
            p.setString(3, end.reason().map(FailureReason::wireName).orElse(null));
            p.setString(4, end.message());
            p.setString(5, runId);
            p.setInt(6, attempt);
            p.executeUpdate();
        }
        Dialect dialect = db.dialect();
        if (status == RunStatus.CANCELLING) {
            RunLifecycle.move(c, dialect, runId, status, RunStatus.CANCELLED, attempt, "cancelled; attempt " + attempt + " "
                    + end.message(), now, outcome(end.exitCode(), FailureReason.CANCELLED));
            return RunStatus.CANCELLED;
        }
        if (end.isSuccess()) {
            RunLifecycle.move(c, dialect, runId, status, RunStatus.SUCCEEDED, attempt, end.message(), now,
                    outcome(end.exitCode(), null));
            return RunStatus.SUCCEEDED;
        }
        FailureReason reason = end.reason().orElseThrow();
        RetryPolicy retry = retryPolicy(c, runId);
        if (retry.allowsRetry(attempt, reason, end.exitCode())) {
            Duration delay = retry.delayBefore(attempt + 1, random);
            RunLifecycle.move(c, dialect, runId, status, RunStatus.QUEUED, attempt, "attempt " + attempt + " failed ("
                    + reason.wireName() + ": " + end.message() + "); attempt " + (attempt + 1) + " of " + retry.maxAttempts()
                    + " in " + delay.toMillis() + " ms", now, outcome(end.exitCode(), reason)
                    .set("not_before", now + delay.toMillis()).setNull("agent_id").setNull("lease_expires_at"));
            return RunStatus.QUEUED;
        }
        RunStatus terminal = reason == FailureReason.TIMEOUT ? RunStatus.TIMED_OUT : RunStatus.FAILED;
        RunLifecycle.move(c, dialect, runId, status, terminal, attempt, end.message(), now, outcome(end.exitCode(), reason));
        return terminal;
    }

    private static RunChanges outcome(OptionalInt exitCode, FailureReason reason) {
        RunChanges changes = RunChanges.none().set("exit_code", exitCode);
        return reason == null ? changes.setNull("reason") : changes.set("reason", reason.wireName());
    }

    private static RetryPolicy retryPolicy(Connection c, String runId) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("SELECT job_json FROM runs WHERE id = ?")) {
            p.setString(1, runId);
            try (ResultSet rs = p.executeQuery()) {
                rs.next();
                return JobCodec.fromJson(rs.getString(1), Map.of()).retry();
            }
        }
    }

    /**
     * The status of a run the agent still holds in this attempt, or empty; locks the run row until
     * the transaction ends.
     */
    private Optional<RunStatus> heldStatus(Connection c, String runId, int attempt, String agentId) throws SQLException {
        try (PreparedStatement p = c.prepareStatement(
                "SELECT status FROM runs WHERE id = ? AND agent_id = ? AND attempts = ?"
                        + " AND status IN ('ASSIGNED', 'RUNNING', 'CANCELLING')" + db.dialect().forUpdate())) {
            p.setString(1, runId);
            p.setString(2, agentId);
            p.setInt(3, attempt);
            try (ResultSet rs = p.executeQuery()) {
                return rs.next() ? Optional.of(RunStatus.valueOf(rs.getString(1))) : Optional.empty();
            }
        }
    }

    private static boolean cancelRequested(Connection c, String runId) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("SELECT cancel_requested FROM runs WHERE id = ?")) {
            p.setString(1, runId);
            try (ResultSet rs = p.executeQuery()) {
                return rs.next() && rs.getInt(1) == 1;
            }
        }
    }

    private static void setInt(PreparedStatement p, int index, OptionalInt value) throws SQLException {
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
            p.setNull(index, java.sql.Types.INTEGER);
        }
    }

    private static void setArgs(PreparedStatement p, int first, List<Object> args) throws SQLException {
        for (int i = 0; i < args.size(); i++) {
            p.setObject(first + i, args.get(i));
        }
    }
}
