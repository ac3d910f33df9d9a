package dev.runpilot.sdk.internal.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.runpilot.sdk.ControlPlaneException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A PostgreSQL control plane shared by several servers and agents: a pool of connections, READ
 * COMMITTED write units that lock the rows they move, and units that lost a deadlock or
 * serialization conflict run again a bounded number of times.
 */
final class PostgresDatabase extends Database {
    private static final Logger log = LoggerFactory.getLogger(PostgresDatabase.class);
    /** Runs of one unit at most, the first included, when it keeps losing conflicts. */
    static final int MAX_RUNS = 6;
    private static final String SERIALIZATION_FAILURE = "40001";
    private static final String DEADLOCK_DETECTED = "40P01";

    private final HikariDataSource pool;
    private final String location;
    private final ThreadLocal<Connection> unit = new ThreadLocal<>();
    private volatile boolean closed;

    private PostgresDatabase(HikariDataSource pool, String location) {
        this.pool = pool;
        this.location = location;
    }

    static Database connect(String url, int maxConnections) {
        PostgresUrl parsed = PostgresUrl.parse(url, Optional.ofNullable(System.getenv("PGPASSWORD")));
        HikariConfig config = new HikariConfig();
        config.setPoolName("runpilot-postgresql");
        config.setJdbcUrl(parsed.withoutPassword());
        parsed.password().ifPresent(config::setPassword);
        config.setMaximumPoolSize(maxConnections);
        config.setMinimumIdle(1);
        config.setConnectionTimeout(10_000);
        config.setAutoCommit(true);
        config.setTransactionIsolation("TRANSACTION_READ_COMMITTED");
        HikariDataSource pool;
        try {
            pool = new HikariDataSource(config);
        } catch (RuntimeException e) {
            throw new ControlPlaneException("Cannot connect to the RunPilot database " + parsed.masked() + " (" + rootMessage(e)
                    + "). Check that PostgreSQL is running and reachable there, and that the user, password (URL parameter"
                    + " or PGPASSWORD) and database are right.", e);
        }
        PostgresDatabase db = new PostgresDatabase(pool, parsed.masked());
        try {
            new SchemaMigrator(db.location).migrate(db);
        } catch (RuntimeException e) {
            db.close();
            throw e;
        }
        log.debug("Opened the RunPilot database {} (at most {} connections)", db.location, maxConnections);
        return db;
    }

    @Override
    public String location() {
        return location;
    }

    @Override
    Dialect dialect() {
        return Dialect.POSTGRESQL;
    }

    @Override
    public <T> T read(SqlWork<T> work) {
        ensureOpen();
        Connection joined = unit.get();
        try {
            if (joined != null) {
                return work.apply(joined);
            }
            try (Connection c = pool.getConnection()) {
                return work.apply(c);
            }
        } catch (SQLException e) {
            throw translate(e, "read");
        }
    }

    @Override
    public <T> T write(SqlWork<T> work) {
        return write(work, true);
    }

    @Override
    <T> T writeStatement(SqlWork<T> work) {
        return write(work, false);
    }

    /** Runs a write unit, in a transaction of its own if {@code transaction}, else as one autocommit statement. */
    private <T> T write(SqlWork<T> work, boolean transaction) {
        ensureOpen();
        Connection joined = unit.get();
        if (joined != null) {
            try {
                return work.apply(joined);
            } catch (SQLException e) {
                throw translate(e, "write");
            }
        }
        for (int run = 1; ; run++) {
            try {
                return transaction ? writeOnce(work) : writeAutocommitted(work);
            } catch (SQLException | RuntimeException e) {
                if (run < MAX_RUNS && isConflict(e)) {
                    log.debug("Write unit on {} lost a conflict ({}); running it again", location, e.getMessage());
                    backOff(run);
                    continue;
                }
                if (e instanceof SQLException sql) {
                    throw translate(sql, "write");
                }
                throw (RuntimeException) e;
            }
        }
    }

    private <T> T writeOnce(SqlWork<T> work) throws SQLException {
        try (Connection c = pool.getConnection()) {
            c.setAutoCommit(false);
            unit.set(c);
            boolean committed = false;
            try {
                T result = work.apply(c);
                c.commit();
                committed = true;
                return result;
            } finally {
                unit.remove();
                if (!committed) {
                    rollbackQuietly(c);
                }
                c.setAutoCommit(true);
            }
        }
    }

    /** Runs work of one statement on a connection in autocommit: the statement is its own transaction. */
    private <T> T writeAutocommitted(SqlWork<T> work) throws SQLException {
        try (Connection c = pool.getConnection()) {
            return work.apply(c);
        }
    }

    /** Whether the unit failed only because it lost a race another transaction won: worth running again. */
    static boolean isConflict(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql) {
                String state = sql.getSQLState();
                if (SERIALIZATION_FAILURE.equals(state) || DEADLOCK_DETECTED.equals(state)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static void backOff(int run) {
        try {
            Thread.sleep(ThreadLocalRandom.current().nextLong(1, 5L * run + 2));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ControlPlaneException("Interrupted while retrying a write to the RunPilot database", e);
        }
    }

    private void rollbackQuietly(Connection c) {
        try {
            c.rollback();
        } catch (SQLException e) {
            log.debug("Rollback on {} failed: {}", location, e.toString());
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new ControlPlaneException("The RunPilot client is closed; " + location + " is no longer open. Build a new client.");
        }
    }

    private ControlPlaneException translate(SQLException e, String action) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        if (state.startsWith("08")) {
            return new ControlPlaneException("Cannot reach the RunPilot database " + location + " (" + e.getMessage()
                    + "). Check that PostgreSQL is running and reachable there.", e);
        }
        if (state.startsWith("28") || state.equals("3D000")) {
            return new ControlPlaneException("Cannot " + action + " the RunPilot database " + location + " (" + e.getMessage()
                    + "). Check the user, password (URL parameter or PGPASSWORD) and database name.", e);
        }
        if (state.equals("42501")) {
            return new ControlPlaneException("The RunPilot database user may not " + action + " " + location + " ("
                    + e.getMessage() + "). Grant it rights on the database, or connect as its owner.", e);
        }
        return new ControlPlaneException("Cannot " + action + " the RunPilot database " + location + ": " + e.getMessage(), e);
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() != null ? root.getMessage() : root.toString();
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            pool.close();
        }
    }
}
