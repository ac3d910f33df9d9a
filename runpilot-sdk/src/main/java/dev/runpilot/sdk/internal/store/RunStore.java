package dev.runpilot.sdk.internal.store;

import dev.runpilot.sdk.Attempt;
import dev.runpilot.sdk.CancelOutcome;
import dev.runpilot.sdk.FailureReason;
import dev.runpilot.sdk.InvalidJobException;
import dev.runpilot.sdk.Job;
import dev.runpilot.sdk.RunEvent;
import dev.runpilot.sdk.RunInfo;
import dev.runpilot.sdk.RunPage;
import dev.runpilot.sdk.RunQuery;
import dev.runpilot.sdk.RunStatus;
import dev.runpilot.sdk.internal.artifact.ArtifactCatalog.FinishedRun;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/** Runs as a client sees them: submission, reads, listing and cancellation. */
public final class RunStore {
    private static final SecureRandom RANDOM = new SecureRandom();
    /** How long {@link #eventsAfter} waits for an event missing from the sequence to commit. */
    static final long EVENT_GAP_WAIT_MILLIS = 2_000;

    private final Database db;
    private final Clock clock;

    public RunStore(Database db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    public Database database() {
        return db;
    }

    /**
     * Records a new run: QUEUED, or PENDING while it waits on dependencies (or FAILED at once when
     * one already failed).
     *
     * @throws InvalidJobException if a dependency names no known run
     */
    public String submit(Job job) {
        return submit(job, Optional.empty());
    }

    /** Like {@link #submit(Job)}, for a job whose source bundle is already in storage. */
    public String submit(Job job, Optional<SourceRef> source) {
        return submit(job, source, false);
    }

    /**
     * Like {@link #submit(Job, Optional)}; with {@code awaitingSource} the bundle is not in storage
     * yet, and the run stays PENDING until {@link #sourceArrived} (or {@link #failMissingSource}).
     */
    public String submit(Job job, Optional<SourceRef> source, boolean awaitingSource) {
        if (awaitingSource && source.isEmpty()) {
            throw new IllegalArgumentException("a run can only await a source bundle it has");
        }
        String id = newRunId(clock.millis());
        db.write(c -> {
            long now = clock.millis();
            Set<String> deps = new LinkedHashSet<>(job.dependsOn());
            List<String> unknown = new ArrayList<>();
            // Locked (in one order, against deadlocks) so that none finishes unseen before this run is visible.
            for (String dep : new TreeSet<>(deps)) {
                if (lockedStatus(c, db.dialect(), dep).isEmpty()) {
                    unknown.add(dep);
                }
            }
            if (!unknown.isEmpty()) {
                throw new InvalidJobException("Invalid job '" + job.name() + "': dependsOn names unknown run(s) " + unknown
                        + " in " + db.location() + ". Submit those first, on a client with the same home or endpoint.");
            }
            RunStatus initial = deps.isEmpty() && !awaitingSource ? RunStatus.QUEUED : RunStatus.PENDING;
            try (PreparedStatement p = c.prepareStatement(
                    "INSERT INTO runs (id, name, status, priority, job_json, created_at, updated_at, message, source_json,"
                            + " source_awaiting) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                p.setString(1, id);
                p.setString(2, job.name());
                p.setString(3, initial.name());
                p.setInt(4, job.priority());
                p.setString(5, JobCodec.toJson(job));
                p.setLong(6, now);
                p.setLong(7, now);
                p.setString(8, "submitted");
                p.setString(9, source.map(SourceRef::toJson).orElse(null));
                p.setString(10, awaitingSource ? source.get().sha256() : null);
                p.executeUpdate();
            }
            for (Map.Entry<String, String> label : job.labels().entrySet()) {
                insert(c, "INSERT INTO run_labels (run_id, key, value) VALUES (?, ?, ?)", id, label.getKey(), label.getValue());
            }
            for (String dep : deps) {
                insert(c, "INSERT INTO run_dependencies (run_id, depends_on) VALUES (?, ?)", id, dep);
            }
            if (!job.secrets().isEmpty()) {
                insert(c, "INSERT INTO run_secrets (run_id, secrets_json) VALUES (?, ?)", id, JobCodec.secretsToJson(job.secrets()));
            }
            List<String> waits = new ArrayList<>();
            if (!deps.isEmpty()) {
                waits.add("on " + deps);
            }
            if (awaitingSource) {
                waits.add("for source bundle " + source.get().sha256() + " to be uploaded");
            }
            RunLifecycle.recordEvent(c, id, null, initial, 0,
                    waits.isEmpty() ? "submitted" : "submitted; waiting " + String.join(" and ", waits), now);
            if (initial == RunStatus.PENDING) {
                Dependencies.evaluate(c, db.dialect(), id, now);
            }
            return null;
        });
        return id;
    }

    /**
     * Releases every run waiting for the source bundle with this SHA-256, now in storage: each is
     * queued unless it still waits on dependencies. A run no longer PENDING (cancelled meanwhile)
     * only stops waiting. Repeating the call changes nothing.
     *
     * @return the ids of the runs that were waiting
     */
    public List<String> sourceArrived(String sha256) {
        return db.write(c -> {
            List<String> waiting = new ArrayList<>();
            try (PreparedStatement p = c.prepareStatement("SELECT id FROM runs WHERE source_awaiting = ? ORDER BY seq"
                    + db.dialect().forUpdate())) {
                p.setString(1, sha256);
                try (ResultSet rs = p.executeQuery()) {
                    while (rs.next()) {
                        waiting.add(rs.getString(1));
                    }
                }
            }
            long now = clock.millis();
            for (String id : waiting) {
                try (PreparedStatement p = c.prepareStatement("UPDATE runs SET source_awaiting = NULL WHERE id = ?")) {
                    p.setString(1, id);
                    p.executeUpdate();
                }
                if (status(c, id).orElseThrow() == RunStatus.PENDING) {
                    Dependencies.evaluate(c, db.dialect(), id, now, true);
                }
            }
            return waiting;
        });
    }

    /** Returns the SHA-256 of the source bundle a run waits for, if it waits for one. */
    public Optional<String> awaitedSource(String id) {
        return db.read(c -> {
            try (PreparedStatement p = c.prepareStatement("SELECT source_awaiting FROM runs WHERE id = ?")) {
                p.setString(1, id);
                try (ResultSet rs = p.executeQuery()) {
                    return rs.next() ? Optional.ofNullable(rs.getString(1)) : Optional.empty();
                }
            }
        });
    }

    /** A run that has waited for its source bundle since before a cutoff. */
    public record AwaitedSource(String runId, String sha256, Instant submittedAt) {
    }

    /** Returns the PENDING runs still waiting for their source bundle that were submitted before {@code cutoff}, oldest first. */
    public List<AwaitedSource> sourcesAwaitedSince(Instant cutoff) {
        return db.read(c -> {
            List<AwaitedSource> result = new ArrayList<>();
            try (PreparedStatement p = c.prepareStatement("SELECT id, source_awaiting, created_at FROM runs"
                    + " WHERE source_awaiting IS NOT NULL AND status = 'PENDING' AND created_at < ? ORDER BY created_at, seq")) {
                p.setLong(1, cutoff.toEpochMilli());
                try (ResultSet rs = p.executeQuery()) {
                    while (rs.next()) {
                        result.add(new AwaitedSource(rs.getString(1), rs.getString(2), Instant.ofEpochMilli(rs.getLong(3))));
                    }
                }
            }
            return result;
        });
    }

    /**
     * Fails a run that still waits for its source bundle, with reason {@code source_missing}.
     *
     * @return whether the run was failed (false: it was released, cancelled or failed meanwhile)
     */
    public boolean failMissingSource(String id, String message) {
        return db.write(c -> {
            Optional<RunStatus> status = lockedStatus(c, db.dialect(), id);
            if (status.isEmpty() || status.get() != RunStatus.PENDING || !awaitsSource(c, id)) {
                return false;
            }
            RunLifecycle.move(c, db.dialect(), id, RunStatus.PENDING, RunStatus.FAILED, 0, message, clock.millis(),
                    RunChanges.with("reason", FailureReason.SOURCE_MISSING.wireName()).setNull("source_awaiting"));
            return true;
        });
    }

    private static boolean awaitsSource(Connection c, String id) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("SELECT source_awaiting FROM runs WHERE id = ?")) {
            p.setString(1, id);
            try (ResultSet rs = p.executeQuery()) {
                return rs.next() && rs.getString(1) != null;
            }
        }
    }

    public boolean exists(String id) {
        return db.read(c -> exists(c, id));
    }

    public Optional<RunInfo> info(String id) {
        return db.read(c -> {
            try (PreparedStatement p = c.prepareStatement("SELECT " + Rows.RUN_COLUMNS + " FROM runs WHERE id = ?")) {
                p.setString(1, id);
                try (ResultSet rs = p.executeQuery()) {
                    return rs.next() ? Optional.of(Rows.runInfo(rs, labels(c, id))) : Optional.empty();
                }
            }
        });
    }

    /** Returns the job as submitted, secret values masked. */
    public Optional<Job> job(String id) {
        return db.read(c -> {
            try (PreparedStatement p = c.prepareStatement("SELECT job_json FROM runs WHERE id = ?")) {
                p.setString(1, id);
                try (ResultSet rs = p.executeQuery()) {
                    return rs.next() ? Optional.of(JobCodec.fromJson(rs.getString(1), Map.of())) : Optional.empty();
                }
            }
        });
    }

    public List<Attempt> attempts(String id) {
        return db.read(c -> {
            List<Attempt> result = new ArrayList<>();
            try (PreparedStatement p = c.prepareStatement("SELECT * FROM attempts WHERE run_id = ? ORDER BY number")) {
                p.setString(1, id);
                try (ResultSet rs = p.executeQuery()) {
                    while (rs.next()) {
                        result.add(Rows.attempt(rs));
                    }
                }
            }
            return result;
        });
    }

    public List<RunEvent> events(String id) {
        return db.read(c -> {
            List<RunEvent> result = new ArrayList<>();
            try (PreparedStatement p = c.prepareStatement("SELECT * FROM events WHERE run_id = ? ORDER BY seq")) {
                p.setString(1, id);
                try (ResultSet rs = p.executeQuery()) {
                    while (rs.next()) {
                        result.add(Rows.event(rs));
                    }
                }
            }
            return result;
        });
    }

    /**
     * Returns every event after {@code afterSeq}, oldest first, at most {@code limit}. Where
     * transactions on other connections may commit events out of sequence order (PostgreSQL), the
     * list stops before a hole in the sequence that is younger than {@link #EVENT_GAP_WAIT_MILLIS}:
     * the missing event may still commit, and a reader that moved past it would never see it. An
     * older hole is a rolled-back transaction's and is passed.
     */
    public List<RunEvent> eventsAfter(long afterSeq, int limit) {
        List<RunEvent> events = db.read(c -> {
            List<RunEvent> result = new ArrayList<>();
            try (PreparedStatement p = c.prepareStatement("SELECT * FROM events WHERE seq > ? ORDER BY seq LIMIT ?")) {
                p.setLong(1, afterSeq);
                p.setInt(2, limit);
                try (ResultSet rs = p.executeQuery()) {
                    while (rs.next()) {
                        result.add(Rows.event(rs));
                    }
                }
            }
            return result;
        });
        if (db.dialect().commitsInSequenceOrder()) {
            return events;
        }
        long settled = clock.millis() - EVENT_GAP_WAIT_MILLIS;
        long expected = afterSeq + 1;
        for (int i = 0; i < events.size(); i++) {
            RunEvent event = events.get(i);
            if (event.sequence() != expected && event.time().toEpochMilli() > settled) {
                return List.copyOf(events.subList(0, i));
            }
            expected = event.sequence() + 1;
        }
        return events;
    }

    /** Returns the sequence number of the newest event, 0 if there is none. */
    public long lastEventSeq() {
        return db.read(c -> {
            try (PreparedStatement p = c.prepareStatement("SELECT COALESCE(MAX(seq), 0) FROM events");
                 ResultSet rs = p.executeQuery()) {
                return rs.next() ? rs.getLong(1) : 0L;
            }
        });
    }

    /** The ids of the runs waiting in the queue now, in the order agents claim them. */
    public List<String> queuedRunIds() {
        return db.read(c -> {
            List<String> ids = new ArrayList<>();
            try (PreparedStatement p = c.prepareStatement("SELECT id FROM runs WHERE status = 'QUEUED' ORDER BY priority DESC, seq");
                 ResultSet rs = p.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getString(1));
                }
            }
            return ids;
        });
    }

    /** Every finished run's id and finish time, most recently finished first: what artifact retention walks. */
    public List<FinishedRun> finishedRuns() {
        return db.read(c -> {
            List<FinishedRun> result = new ArrayList<>();
            try (PreparedStatement p = c.prepareStatement(
                    "SELECT id, finished_at FROM runs WHERE finished_at IS NOT NULL ORDER BY finished_at DESC, seq DESC");
                 ResultSet rs = p.executeQuery()) {
                while (rs.next()) {
                    result.add(new FinishedRun(rs.getString(1),
                            Instant.ofEpochMilli(rs.getLong(2))));
                }
            }
            return result;
        });
    }

    public RunPage list(RunQuery query) {
        return list(query, Optional.empty());
    }

    /** Like {@link #list(RunQuery)}, among the runs of one project (as the HTTP server records them) when given. */
    public RunPage list(RunQuery query, Optional<String> project) {
        StringBuilder sql = new StringBuilder("SELECT seq, " + Rows.RUN_COLUMNS + " FROM runs r WHERE 1 = 1");
        List<Object> args = new ArrayList<>();
        project.ifPresent(name -> {
            sql.append(" AND EXISTS (SELECT 1 FROM run_owners o WHERE o.run_id = r.id AND o.project = ?)");
            args.add(name);
        });
        if (!query.statuses().isEmpty()) {
            sql.append(" AND status IN (").append(String.join(", ", Collections.nCopies(query.statuses().size(), "?"))).append(')');
            query.statuses().stream().map(Enum::name).sorted().forEach(args::add);
        }
        query.name().ifPresent(name -> {
            sql.append(" AND name = ?");
            args.add(name);
        });
        for (Map.Entry<String, String> label : new TreeMap<>(query.labels()).entrySet()) {
            sql.append(" AND EXISTS (SELECT 1 FROM run_labels l WHERE l.run_id = r.id AND l.key = ? AND l.value = ?)");
            args.add(label.getKey());
            args.add(label.getValue());
        }
        query.createdAfter().ifPresent(t -> {
            sql.append(" AND created_at >= ?");
            args.add(t.toEpochMilli());
        });
        query.createdBefore().ifPresent(t -> {
            sql.append(" AND created_at < ?");
            args.add(t.toEpochMilli());
        });
        query.pageToken().ifPresent(token -> {
            long[] cursor = decodeToken(token);
            sql.append(" AND (created_at < ? OR (created_at = ? AND seq < ?))");
            args.add(cursor[0]);
            args.add(cursor[0]);
            args.add(cursor[1]);
        });
        sql.append(" ORDER BY created_at DESC, seq DESC LIMIT ?");
        args.add(query.limit() + 1);
        return db.read(c -> {
            List<RunInfo> runs = new ArrayList<>();
            long[] last = new long[2];
            boolean more = false;
            try (PreparedStatement p = c.prepareStatement(sql.toString())) {
                for (int i = 0; i < args.size(); i++) {
                    p.setObject(i + 1, args.get(i));
                }
                try (ResultSet rs = p.executeQuery()) {
                    while (rs.next()) {
                        if (runs.size() == query.limit()) {
                            more = true;
                            break;
                        }
                        runs.add(Rows.runInfo(rs, Map.of()));
                        last[0] = rs.getLong("created_at");
                        last[1] = rs.getLong("seq");
                    }
                }
            }
            Map<String, Map<String, String>> labels = labels(c, runs.stream().map(RunInfo::id).toList());
            List<RunInfo> withLabels = runs.stream().map(r -> new RunInfo(r.id(), r.name(), r.status(), r.priority(),
                    labels.getOrDefault(r.id(), Map.of()), r.createdAt(), r.startedAt(), r.finishedAt(), r.attempts(),
                    r.exitCode(), r.reason(), r.message())).toList();
            return new RunPage(withLabels, more ? Optional.of(encodeToken(last)) : Optional.empty());
        });
    }

    /**
     * Cancels a run at whatever stage it is: pending and queued runs end CANCELLED at once; assigned
     * and running ones become CANCELLING and their agent stops them.
     */
    public Optional<CancelOutcome> cancel(String id) {
        return db.write(c -> {
            Optional<RunStatus> current = lockedStatus(c, db.dialect(), id);
            if (current.isEmpty()) {
                return Optional.empty();
            }
            RunStatus status = current.get();
            long now = clock.millis();
            if (status.isTerminal()) {
                return Optional.of(CancelOutcome.ALREADY_FINISHED);
            }
            if (status == RunStatus.CANCELLING) {
                return Optional.of(CancelOutcome.CANCELLING);
            }
            int attempt = attemptCount(c, id);
            RunLifecycle.move(c, db.dialect(), id, status, RunStatus.CANCELLING, attempt, "cancel requested while " + status, now,
                    RunChanges.with("cancel_requested", 1).set("reason", FailureReason.CANCELLED.wireName()));
            if (status == RunStatus.PENDING || status == RunStatus.QUEUED) {
                RunLifecycle.move(c, db.dialect(), id, RunStatus.CANCELLING, RunStatus.CANCELLED, attempt,
                        "cancelled before it started; it will never run", now);
                return Optional.of(CancelOutcome.CANCELLED);
            }
            return Optional.of(CancelOutcome.CANCELLING);
        });
    }

    static Optional<RunStatus> status(Connection c, String id) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("SELECT status FROM runs WHERE id = ?")) {
            p.setString(1, id);
            try (ResultSet rs = p.executeQuery()) {
                return rs.next() ? Optional.of(RunStatus.valueOf(rs.getString(1))) : Optional.empty();
            }
        }
    }

    /** Reads a run's status and locks its row until the transaction ends, where the dialect has row locks. */
    static Optional<RunStatus> lockedStatus(Connection c, Dialect dialect, String id) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("SELECT status FROM runs WHERE id = ?" + dialect.forUpdate())) {
            p.setString(1, id);
            try (ResultSet rs = p.executeQuery()) {
                return rs.next() ? Optional.of(RunStatus.valueOf(rs.getString(1))) : Optional.empty();
            }
        }
    }

    static int attemptCount(Connection c, String id) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("SELECT attempts FROM runs WHERE id = ?")) {
            p.setString(1, id);
            try (ResultSet rs = p.executeQuery()) {
                return rs.next() ? rs.getInt(1) : 0;
            }
        }
    }

    private static boolean exists(Connection c, String id) throws SQLException {
        return status(c, id).isPresent();
    }

    private static void insert(Connection c, String sql, String... values) throws SQLException {
        try (PreparedStatement p = c.prepareStatement(sql)) {
            for (int i = 0; i < values.length; i++) {
                p.setString(i + 1, values[i]);
            }
            p.executeUpdate();
        }
    }

    private static Map<String, String> labels(Connection c, String id) throws SQLException {
        return labels(c, List.of(id)).getOrDefault(id, Map.of());
    }

    private static Map<String, Map<String, String>> labels(Connection c, List<String> ids) throws SQLException {
        Map<String, Map<String, String>> result = new HashMap<>();
        if (ids.isEmpty()) {
            return result;
        }
        String marks = String.join(", ", Collections.nCopies(ids.size(), "?"));
        try (PreparedStatement p = c.prepareStatement("SELECT run_id, key, value FROM run_labels WHERE run_id IN (" + marks + ")")) {
            for (int i = 0; i < ids.size(); i++) {
                p.setString(i + 1, ids.get(i));
            }
            try (ResultSet rs = p.executeQuery()) {
                while (rs.next()) {
                    result.computeIfAbsent(rs.getString(1), k -> new TreeMap<>()).put(rs.getString(2), rs.getString(3));
                }
            }
        }
        return result;
    }

    static String newRunId(long now) {
        byte[] random = new byte[5];
        RANDOM.nextBytes(random);
        StringBuilder hex = new StringBuilder();
        for (byte b : random) {
            hex.append(String.format("%02x", b));
        }
        return "r-" + Long.toString(now, 36) + "-" + hex;
    }

    private static String encodeToken(long[] cursor) {
        return Base64.getUrlEncoder().withoutPadding()
                .encodeToString((cursor[0] + ":" + cursor[1]).getBytes(StandardCharsets.UTF_8));
    }

    private static long[] decodeToken(String token) {
        try {
            String[] parts = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8).split(":");
            return new long[] {Long.parseLong(parts[0]), Long.parseLong(parts[1])};
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("Not a page token from RunPage.nextPageToken(): '" + token + "'", e);
        }
    }
}
