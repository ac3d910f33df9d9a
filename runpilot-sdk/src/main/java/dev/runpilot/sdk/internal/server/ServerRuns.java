package dev.runpilot.sdk.internal.server;

import dev.runpilot.sdk.ControlPlaneException;
import dev.runpilot.sdk.Job;
import dev.runpilot.sdk.internal.store.Database;
import dev.runpilot.sdk.internal.store.RunStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.Optional;

/**
 * Runs as the HTTP server sees them: each belongs to the project of the token that submitted it, and
 * a submission repeated with the same idempotency key returns the first run instead of a second one.
 */
public final class ServerRuns {
    private final Database db;
    private final RunStore runs;
    private final Clock clock;

    public ServerRuns(Database db, RunStore runs, Clock clock) {
        this.db = db;
        this.runs = runs;
        this.clock = clock;
    }

    /** The outcome of a submission: the run, and whether this call created it. */
    public record Submitted(String runId, boolean created) {
    }

    /**
     * Records a run for a project in one transaction with its idempotency key (if any). A key seen
     * before in the project returns its run, whatever the job.
     */
    public Submitted submit(String project, Optional<String> idempotencyKey, Job job) {
        return submit(project, idempotencyKey, job, Optional.empty(), false);
    }

    /**
     * Like {@link #submit(String, Optional, Job)} for a job with a source bundle; with
     * {@code awaitingSource} the run stays PENDING until the bundle is uploaded.
     */
    public Submitted submit(String project, Optional<String> idempotencyKey, Job job,
                            Optional<dev.runpilot.sdk.internal.store.SourceRef> source, boolean awaitingSource) {
        try {
            return db.write(c -> {
                if (idempotencyKey.isPresent()) {
                    Optional<String> earlier = runFor(c, project, idempotencyKey.get());
                    if (earlier.isPresent()) {
                        return new Submitted(earlier.get(), false);
                    }
                }
                String id = runs.submit(job, source, awaitingSource);
                try (PreparedStatement p = c.prepareStatement(
                        "INSERT INTO run_owners (run_id, project, resource_class) VALUES (?, ?, ?)")) {
                    p.setString(1, id);
                    p.setString(2, project);
                    p.setString(3, job.resourceClass().orElse(""));
                    p.executeUpdate();
                }
                if (idempotencyKey.isPresent()) {
                    try (PreparedStatement p = c.prepareStatement(
                            "INSERT INTO idempotency_keys (project, key, run_id, created_at) VALUES (?, ?, ?, ?)")) {
                        p.setString(1, project);
                        p.setString(2, idempotencyKey.get());
                        p.setString(3, id);
                        p.setLong(4, clock.millis());
                        p.executeUpdate();
                    }
                }
                return new Submitted(id, true);
            });
        } catch (ControlPlaneException e) {
            // Two servers raced on one key: the loser's insert hit the primary key; the winner's run stands.
            if (idempotencyKey.isPresent()) {
                Optional<String> winner = db.read(c -> runFor(c, project, idempotencyKey.get()));
                if (winner.isPresent()) {
                    return new Submitted(winner.get(), false);
                }
            }
            throw e;
        }
    }

    /** Returns the project a run belongs to; empty for an unknown run or one submitted to the embedded engine. */
    public Optional<String> project(String runId) {
        return db.read(c -> {
            try (PreparedStatement p = c.prepareStatement("SELECT project FROM run_owners WHERE run_id = ?")) {
                p.setString(1, runId);
                try (ResultSet rs = p.executeQuery()) {
                    return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
                }
            }
        });
    }

    /** Returns the agent holding a run now, if any. */
    public Optional<String> holder(String runId) {
        return db.read(c -> {
            try (PreparedStatement p = c.prepareStatement("SELECT agent_id FROM runs WHERE id = ?"
                    + " AND status IN ('ASSIGNED', 'RUNNING', 'CANCELLING')")) {
                p.setString(1, runId);
                try (ResultSet rs = p.executeQuery()) {
                    return rs.next() ? Optional.ofNullable(rs.getString(1)) : Optional.empty();
                }
            }
        });
    }

    /** Returns the source bundle a run carries, if any. */
    public Optional<dev.runpilot.sdk.internal.store.SourceRef> source(String runId) {
        return db.read(c -> {
            try (PreparedStatement p = c.prepareStatement("SELECT source_json FROM runs WHERE id = ?")) {
                p.setString(1, runId);
                try (ResultSet rs = p.executeQuery()) {
                    return rs.next() ? Optional.ofNullable(rs.getString(1)).map(dev.runpilot.sdk.internal.store.SourceRef::fromJson)
                            : Optional.empty();
                }
            }
        });
    }

    private static Optional<String> runFor(Connection c, String project, String key) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("SELECT run_id FROM idempotency_keys WHERE project = ? AND key = ?")) {
            p.setString(1, project);
            p.setString(2, key);
            try (ResultSet rs = p.executeQuery()) {
                return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
            }
        }
    }
}
