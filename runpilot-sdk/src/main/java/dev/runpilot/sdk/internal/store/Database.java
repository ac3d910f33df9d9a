package dev.runpilot.sdk.internal.store;

import dev.runpilot.sdk.ControlPlaneException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The control plane's database, migrated to this version's schema on open: SQLite (one file, or
 * in memory) for the embedded engine, or PostgreSQL shared by several servers and agents. Work runs
 * in units: {@link #read} on a consistent view, {@link #write} in one transaction that is rolled
 * back if the work throws. A write unit started inside another on the same thread joins it.
 */
public abstract class Database implements AutoCloseable {
    /** Connections a PostgreSQL database keeps at most, unless told otherwise. */
    public static final int DEFAULT_MAX_CONNECTIONS = 10;

    Database() {
    }

    /**
     * Opens (creating if needed) a SQLite database file in WAL mode and migrates its schema.
     *
     * @throws ControlPlaneException if the file cannot be created, is not a RunPilot database, is
     *     corrupt, or was written by a newer version
     */
    public static Database open(Path file) {
        return SqliteDatabase.openFile(file);
    }

    /**
     * Loads the SQLite driver, its native library and the data its date format needs, without opening a
     * database: what the first {@link #open(Path)} otherwise spends most of its time on.
     *
     * @see dev.runpilot.sdk.RunPilot#preload()
     */
    public static void preloadSqlite() {
        SqliteDatabase.preload();
    }

    /** Opens a private in-memory SQLite database. */
    public static Database inMemory() {
        return SqliteDatabase.openInMemory();
    }

    /**
     * Opens the database a JDBC URL names, with at most {@value #DEFAULT_MAX_CONNECTIONS} connections.
     *
     * @see #open(String, int)
     */
    public static Database open(String url) {
        return open(url, DEFAULT_MAX_CONNECTIONS);
    }

    /**
     * Opens the database a JDBC URL names and migrates its schema: {@code jdbc:sqlite:PATH} (or a
     * plain file path), {@code jdbc:sqlite::memory:}, or {@code jdbc:postgresql://HOST:PORT/DB}
     * (user and password as URL parameters, or the password in {@code PGPASSWORD}), which needs
     * {@code org.postgresql:postgresql} and {@code com.zaxxer:HikariCP} on the class path.
     *
     * @param url the database
     * @param maxConnections for PostgreSQL, the most connections the pool opens; ignored for SQLite,
     *     which uses one
     * @throws ControlPlaneException if the database cannot be reached or opened (the message names
     *     the URL with any password masked), or holds a schema from a newer RunPilot
     * @throws IllegalArgumentException if the URL names another kind of database
     */
    public static Database open(String url, int maxConnections) {
        if (maxConnections < 1) {
            throw new IllegalArgumentException("maxConnections must be at least 1, was " + maxConnections);
        }
        String lower = url.toLowerCase(Locale.ROOT);
        if (lower.startsWith("jdbc:postgresql:")) {
            requirePostgresLibraries(url);
            return PostgresDatabase.connect(url, maxConnections);
        }
        if (lower.startsWith("jdbc:sqlite:")) {
            String target = url.substring("jdbc:sqlite:".length());
            return target.equals(":memory:") || target.isEmpty() ? inMemory() : open(toPath(target, url));
        }
        if (lower.startsWith("jdbc:")) {
            throw new IllegalArgumentException("Unsupported database URL " + PostgresUrl.mask(url) + ": RunPilot keeps its"
                    + " control plane in jdbc:sqlite:PATH or jdbc:postgresql://HOST:PORT/DATABASE");
        }
        return open(toPath(url, url));
    }

    /** Checked before PostgresDatabase, which links against both libraries, is loaded. */
    private static void requirePostgresLibraries(String url) {
        List<String> missing = new ArrayList<>();
        if (!isPresent("org.postgresql.Driver")) {
            missing.add("org.postgresql:postgresql");
        }
        if (!isPresent("com.zaxxer.hikari.HikariDataSource")) {
            missing.add("com.zaxxer:HikariCP");
        }
        if (!missing.isEmpty()) {
            throw new ControlPlaneException("The RunPilot database " + PostgresUrl.mask(url) + " is PostgreSQL, which needs "
                    + String.join(" and ", missing) + " on the class path; add " + (missing.size() == 1 ? "it" : "them")
                    + " to the application's dependencies (runpilot-sdk declares both as optional, so they are not added for it).");
        }
    }

    private static boolean isPresent(String className) {
        try {
            Class.forName(className, false, Database.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    private static Path toPath(String path, String url) {
        try {
            return Path.of(path);
        } catch (InvalidPathException e) {
            throw new IllegalArgumentException("Database " + url + " is not a file path (" + e.getMessage()
                    + "); write it as jdbc:sqlite:/dir/runpilot.db or jdbc:postgresql://HOST:PORT/DATABASE", e);
        }
    }

    /** Describes where the data lives, for error messages: a file, or a URL with any password masked. */
    public abstract String location();

    /** Runs read-only work. */
    public abstract <T> T read(SqlWork<T> work);

    /**
     * Runs work in one write transaction, rolled back if it throws. On PostgreSQL a unit that loses
     * a deadlock or serialization conflict is rolled back and run again, a few times at most, so the
     * work must not have effects outside the database before it returns.
     */
    public abstract <T> T write(SqlWork<T> work);

    /**
     * Runs work that issues exactly one statement, atomic on its own. Where the database commits a
     * single statement without a separate COMMIT round trip (PostgreSQL in autocommit), it runs so:
     * one round trip instead of two. Elsewhere, and inside another unit on the same thread, it is
     * {@link #write}. The same retries on lost conflicts apply.
     */
    abstract <T> T writeStatement(SqlWork<T> work);

    /** The SQL dialect of this database. */
    abstract Dialect dialect();

    /** Closes the connection or pool; later units fail with {@link ControlPlaneException}. */
    @Override
    public abstract void close();
}
