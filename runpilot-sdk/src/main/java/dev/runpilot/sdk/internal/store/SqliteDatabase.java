package dev.runpilot.sdk.internal.store;

import dev.runpilot.sdk.ControlPlaneException;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteErrorCode;

/**
 * The embedded control plane's SQLite database: one connection, used by one thread at a time,
 * with write transactions taken as {@code BEGIN IMMEDIATE} so that several processes sharing one
 * file (a CLI and an agent) serialise their writes instead of failing on lock upgrades.
 */
final class SqliteDatabase extends Database {
    private static final Logger log = LoggerFactory.getLogger(SqliteDatabase.class);
    private static final int BUSY_TIMEOUT_MS = 15_000;

    private final Connection connection;
    private final String location;
    private final ReentrantLock lock = new ReentrantLock();
    private volatile boolean closed;
    private boolean inTransaction;

    private SqliteDatabase(Connection connection, String location) {
        this.connection = connection;
        this.location = location;
    }

    /**
     * Loads what the first connection needs and opens nothing: the driver's native library, and the date format
     * every connection's configuration builds, which loads the time zone and the locale's calendar data. Safe to
     * call from any thread, more than once; a failure is left for the real open to report.
     */
    static void preload() {
        try {
            new SQLiteConfig();
            org.sqlite.SQLiteJDBCLoader.initialize();
        } catch (Exception | LinkageError e) {
            log.debug("Preloading the SQLite driver failed; opening the database will report it: {}", e.toString());
        }
    }

    /**
     * Opens (creating if needed) the database file and migrates its schema.
     *
     * @throws ControlPlaneException if the file cannot be created, is not a RunPilot database, is
     *     corrupt, or was written by a newer version
     */
    static Database openFile(Path file) {
        Path dir = file.toAbsolutePath().getParent();
        try {
            Files.createDirectories(dir);
        } catch (IOException | SecurityException e) {
            throw new ControlPlaneException("Cannot create the RunPilot home " + dir + " (" + e
                    + "). Choose a writable directory with RunPilot.client().home(path) or the RUNPILOT_HOME variable.", e);
        }
        if (!Files.isWritable(dir)) {
            throw new ControlPlaneException("The RunPilot home " + dir + " is not writable by this user. Fix its permissions"
                    + " (chmod u+w " + dir + ") or choose another with RunPilot.client().home(path) or RUNPILOT_HOME.");
        }
        if (Files.exists(file) && !Files.isWritable(file)) {
            throw new ControlPlaneException("The RunPilot database " + file + " is not writable by this user. Fix its permissions"
                    + " (chmod u+w " + file + ") or choose another home.");
        }
        Database db = connect("jdbc:sqlite:" + file.toAbsolutePath(), file.toAbsolutePath().toString(), true);
        restrictPermissions(file);
        return db;
    }

    /** Opens a private in-memory database. */
    static Database openInMemory() {
        return connect("jdbc:sqlite::memory:", "an in-memory database", false);
    }

    private static Database connect(String url, String location, boolean wal) {
        SQLiteConfig config = new SQLiteConfig();
        config.setBusyTimeout(BUSY_TIMEOUT_MS);
        if (wal) {
            config.setJournalMode(SQLiteConfig.JournalMode.WAL);
            config.setSynchronous(SQLiteConfig.SynchronousMode.NORMAL);
        }
        config.enforceForeignKeys(false);
        Connection connection;
        try {
            connection = config.createConnection(url);
        } catch (SQLException e) {
            throw translate(e, location, "open");
        }
        SqliteDatabase db = new SqliteDatabase(connection, location);
        try {
            new SchemaMigrator(location).migrate(db);
        } catch (RuntimeException e) {
            db.close();
            throw e;
        }
        return db;
    }

    private static void restrictPermissions(Path file) {
        if (!FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            return;
        }
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (IOException | UnsupportedOperationException e) {
            log.debug("Could not restrict permissions of {}: {}", file, e.toString());
        }
    }

    @Override
    public String location() {
        return location;
    }

    @Override
    Dialect dialect() {
        return Dialect.SQLITE;
    }

    @Override
    public <T> T read(SqlWork<T> work) {
        lock.lock();
        try {
            ensureOpen();
            return work.apply(connection);
        } catch (SQLException e) {
            throw translate(e, location, "read");
        } finally {
            lock.unlock();
        }
    }

    @Override
    public <T> T write(SqlWork<T> work) {
        lock.lock();
        try {
            ensureOpen();
            if (inTransaction) {
                return work.apply(connection);
            }
            execute("BEGIN IMMEDIATE");
            inTransaction = true;
            boolean done = false;
            try {
                T result = work.apply(connection);
                execute("COMMIT");
                done = true;
                return result;
            } finally {
                inTransaction = false;
                if (!done) {
                    rollbackQuietly();
                }
            }
        } catch (SQLException e) {
            throw translate(e, location, "write");
        } finally {
            lock.unlock();
        }
    }

    @Override
    <T> T writeStatement(SqlWork<T> work) {
        // A lone statement in autocommit would take the write lock only when it first writes, and could
        // then fail on the upgrade; BEGIN IMMEDIATE queues for it up front. Statements here are calls, not
        // round trips, so the COMMIT costs little.
        return write(work);
    }

    private void execute(String sql) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    private void rollbackQuietly() {
        try {
            execute("ROLLBACK");
        } catch (SQLException e) {
            log.debug("Rollback on {} failed: {}", location, e.toString());
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new ControlPlaneException("The RunPilot client is closed; " + location + " is no longer open. Build a new client.");
        }
    }

    static ControlPlaneException translate(SQLException e, String location, String action) {
        int code = e.getErrorCode() & 0xff;
        if (code == SQLiteErrorCode.SQLITE_CORRUPT.code || code == SQLiteErrorCode.SQLITE_NOTADB.code) {
            return new ControlPlaneException("The RunPilot database " + location + " is corrupt or not a database (" + e.getMessage()
                    + "). Move it aside (for example mv " + location + " " + location + ".broken) to start with an empty"
                    + " database, or restore it from a backup.", e);
        }
        if (code == SQLiteErrorCode.SQLITE_BUSY.code || code == SQLiteErrorCode.SQLITE_LOCKED.code) {
            return new ControlPlaneException("The RunPilot database " + location + " stayed locked by another process for "
                    + BUSY_TIMEOUT_MS / 1000 + " s. Check for a stuck runpilot process using the same home.", e);
        }
        if (code == SQLiteErrorCode.SQLITE_READONLY.code || code == SQLiteErrorCode.SQLITE_CANTOPEN.code
                || code == SQLiteErrorCode.SQLITE_PERM.code) {
            return new ControlPlaneException("Cannot " + action + " the RunPilot database " + location + " (" + e.getMessage()
                    + "). Check that it and its directory are writable by this user, or choose another home.", e);
        }
        return new ControlPlaneException("Cannot " + action + " the RunPilot database " + location + ": " + e.getMessage(), e);
    }

    @Override
    public void close() {
        lock.lock();
        try {
            if (!closed) {
                closed = true;
                connection.close();
            }
        } catch (SQLException e) {
            log.debug("Closing {} failed: {}", location, e.toString());
        } finally {
            lock.unlock();
        }
    }
}
