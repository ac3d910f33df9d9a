package dev.runpilot.sdk.internal.store;

import dev.runpilot.sdk.Attempt;
import dev.runpilot.sdk.FailureReason;
import dev.runpilot.sdk.RunEvent;
import dev.runpilot.sdk.RunInfo;
import dev.runpilot.sdk.RunStatus;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/** Maps result-set rows to API values. */
final class Rows {
    static final String RUN_COLUMNS = "id, name, status, priority, created_at, started_at, finished_at, attempts,"
            + " exit_code, reason, message";

    private Rows() {
    }

    static RunInfo runInfo(ResultSet rs, Map<String, String> labels) throws SQLException {
        return new RunInfo(
                rs.getString("id"),
                rs.getString("name"),
                RunStatus.valueOf(rs.getString("status")),
                rs.getInt("priority"),
                labels,
                Instant.ofEpochMilli(rs.getLong("created_at")),
                instant(rs, "started_at"),
                instant(rs, "finished_at"),
                rs.getInt("attempts"),
                optionalInt(rs, "exit_code"),
                reason(rs.getString("reason")),
                rs.getString("message"));
    }

    static Attempt attempt(ResultSet rs) throws SQLException {
        return new Attempt(
                rs.getInt("number"),
                rs.getString("agent_id"),
                Instant.ofEpochMilli(rs.getLong("started_at")),
                instant(rs, "ended_at"),
                optionalInt(rs, "exit_code"),
                reason(rs.getString("reason")),
                rs.getString("message"));
    }

    static RunEvent event(ResultSet rs) throws SQLException {
        String from = rs.getString("from_status");
        return new RunEvent(
                rs.getLong("seq"),
                rs.getString("run_id"),
                Instant.ofEpochMilli(rs.getLong("at")),
                from == null ? Optional.empty() : Optional.of(RunStatus.valueOf(from)),
                RunStatus.valueOf(rs.getString("to_status")),
                rs.getInt("attempt"),
                rs.getString("message"));
    }

    static Optional<FailureReason> reason(String wireName) {
        return wireName == null ? Optional.empty() : FailureReason.fromWireName(wireName);
    }

    static Optional<Instant> instant(ResultSet rs, String column) throws SQLException {
        long value = rs.getLong(column);
        return rs.wasNull() ? Optional.empty() : Optional.of(Instant.ofEpochMilli(value));
    }

    static OptionalInt optionalInt(ResultSet rs, String column) throws SQLException {
        int value = rs.getInt(column);
        return rs.wasNull() ? OptionalInt.empty() : OptionalInt.of(value);
    }
}
