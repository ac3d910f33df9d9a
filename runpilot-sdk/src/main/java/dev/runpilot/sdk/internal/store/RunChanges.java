package dev.runpilot.sdk.internal.store;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

/**
 * Columns of a run that a status change sets in the same UPDATE as the status: who holds it, its
 * outcome, when it may run again. One statement per transition instead of two.
 */
final class RunChanges {
    private final List<String> columns = new ArrayList<>();
    private final List<Object> values = new ArrayList<>();

    private RunChanges() {
    }

    /** No column besides the status. */
    static RunChanges none() {
        return new RunChanges();
    }

    /** Starts a set of changes with one column. */
    static RunChanges with(String column, Object value) {
        return new RunChanges().set(column, value);
    }

    /** Sets a column to SQL NULL. */
    RunChanges setNull(String column) {
        return set(column, (Object) null);
    }

    /** Sets a column to a string or number; {@code null} writes SQL NULL. */
    RunChanges set(String column, Object value) {
        columns.add(column);
        values.add(value);
        return this;
    }

    /** Sets a column to the value, or to NULL when empty. */
    RunChanges set(String column, OptionalInt value) {
        return set(column, value.isPresent() ? (Object) value.getAsInt() : null);
    }

    /** The {@code , column = ?} fragments to append to a SET clause; NULLs are written inline. */
    String assignments() {
        StringBuilder sql = new StringBuilder();
        for (int i = 0; i < columns.size(); i++) {
            sql.append(", ").append(columns.get(i)).append(values.get(i) == null ? " = NULL" : " = ?");
        }
        return sql.toString();
    }

    /** Binds the non-null values from parameter {@code index} on; returns the next free index. */
    int bind(PreparedStatement p, int index) throws SQLException {
        for (Object value : values) {
            if (value == null) {
                continue;
            }
            if (value instanceof String s) {
                p.setString(index++, s);
            } else if (value instanceof Integer n) {
                p.setInt(index++, n);
            } else if (value instanceof Long n) {
                p.setLong(index++, n);
            } else {
                throw new IllegalArgumentException("Unsupported column value " + value.getClass());
            }
        }
        return index;
    }
}
