package dev.runpilot.sdk.internal.store;

import dev.runpilot.sdk.LogLine;
import dev.runpilot.sdk.LogStream;
import dev.runpilot.sdk.MetricPoint;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** The log lines and metric points of runs, written in batches by agents and read by clients. */
public final class OutputStore {
    private final Database db;

    public OutputStore(Database db) {
        this.db = db;
    }

    /** Returns the sequence number of a run's last stored log line, 0 if it has none. */
    public long lastLogSequence(String runId) {
        return db.read(c -> {
            try (PreparedStatement p = c.prepareStatement("SELECT COALESCE(MAX(seq), 0) FROM log_lines WHERE run_id = ?")) {
                p.setString(1, runId);
                try (ResultSet rs = p.executeQuery()) {
                    return rs.next() ? rs.getLong(1) : 0L;
                }
            }
        });
    }

    /** Stores log lines and metric points together, in one transaction. */
    public void append(String runId, List<LogLine> lines, List<MetricPoint> points) {
        if (lines.isEmpty() && points.isEmpty()) {
            return;
        }
        db.write(c -> {
            try (PreparedStatement p = c.prepareStatement(db.dialect().insertIgnoringDuplicates("log_lines",
                    "(run_id, seq, attempt, at, stream, text) VALUES (?, ?, ?, ?, ?, ?)"))) {
                for (LogLine line : lines) {
                    p.setString(1, runId);
                    p.setLong(2, line.sequence());
                    p.setInt(3, line.attempt());
                    p.setLong(4, line.time().toEpochMilli());
                    p.setString(5, line.stream().name());
                    p.setString(6, line.text());
                    p.addBatch();
                }
                p.executeBatch();
            }
            if (!points.isEmpty()) {
                // Each point's seq is computed from the rows before it: one writer per run at a time.
                db.dialect().lockKey(c, "metric_points:" + runId);
            }
            try (PreparedStatement p = c.prepareStatement(
                    "INSERT INTO metric_points (run_id, name, seq, step, value, at, attempt) VALUES (?, ?,"
                            + " (SELECT COALESCE(MAX(seq), 0) + 1 FROM metric_points WHERE run_id = ? AND name = ?), ?, ?, ?, ?)")) {
                for (MetricPoint point : points) {
                    p.setString(1, runId);
                    p.setString(2, point.name());
                    p.setString(3, runId);
                    p.setString(4, point.name());
                    p.setLong(5, point.step());
                    p.setDouble(6, point.value());
                    p.setLong(7, point.time().toEpochMilli());
                    p.setInt(8, point.attempt());
                    p.executeUpdate();
                }
            }
            return null;
        });
    }

    public List<LogLine> logs(String runId, long afterSequence, int limit) {
        return db.read(c -> {
            try (PreparedStatement p = c.prepareStatement(
                    "SELECT seq, attempt, at, stream, text FROM log_lines WHERE run_id = ? AND seq > ? ORDER BY seq LIMIT ?")) {
                p.setString(1, runId);
                p.setLong(2, afterSequence);
                p.setInt(3, limit);
                return lines(p);
            }
        });
    }

    /** Like {@link #logs(String, long, int)}, for the lines of one attempt only. */
    public List<LogLine> attemptLogs(String runId, int attempt, long afterSequence, int limit) {
        return db.read(c -> {
            try (PreparedStatement p = c.prepareStatement("SELECT seq, attempt, at, stream, text FROM log_lines"
                    + " WHERE run_id = ? AND attempt = ? AND seq > ? ORDER BY seq LIMIT ?")) {
                p.setString(1, runId);
                p.setInt(2, attempt);
                p.setLong(3, afterSequence);
                p.setInt(4, limit);
                return lines(p);
            }
        });
    }

    public List<LogLine> tail(String runId, int count) {
        return db.read(c -> {
            try (PreparedStatement p = c.prepareStatement(
                    "SELECT seq, attempt, at, stream, text FROM log_lines WHERE run_id = ? ORDER BY seq DESC LIMIT ?")) {
                p.setString(1, runId);
                p.setInt(2, count);
                List<LogLine> newestFirst = lines(p);
                Collections.reverse(newestFirst);
                return newestFirst;
            }
        });
    }

    /** Returns every metric point of a run, by name, then in recorded order. */
    public List<MetricPoint> metrics(String runId) {
        return db.read(c -> {
            try (PreparedStatement p = c.prepareStatement(
                    "SELECT name, step, value, at, attempt FROM metric_points WHERE run_id = ? ORDER BY name, seq")) {
                p.setString(1, runId);
                List<MetricPoint> result = new ArrayList<>();
                try (ResultSet rs = p.executeQuery()) {
                    while (rs.next()) {
                        result.add(new MetricPoint(rs.getString(1), rs.getLong(2), rs.getDouble(3),
                                Instant.ofEpochMilli(rs.getLong(4)), rs.getInt(5)));
                    }
                }
                return result;
            }
        });
    }

    private static List<LogLine> lines(PreparedStatement p) throws SQLException {
        List<LogLine> result = new ArrayList<>();
        try (ResultSet rs = p.executeQuery()) {
            while (rs.next()) {
                result.add(new LogLine(rs.getLong(1), rs.getInt(2), Instant.ofEpochMilli(rs.getLong(3)),
                        LogStream.valueOf(rs.getString(4)), rs.getString(5)));
            }
        }
        return result;
    }
}
