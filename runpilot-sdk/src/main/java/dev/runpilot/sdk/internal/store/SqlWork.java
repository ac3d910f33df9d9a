package dev.runpilot.sdk.internal.store;

import java.sql.Connection;
import java.sql.SQLException;

/** A unit of work against the database connection. */
@FunctionalInterface
public interface SqlWork<T> {
    T apply(Connection connection) throws SQLException;
}
