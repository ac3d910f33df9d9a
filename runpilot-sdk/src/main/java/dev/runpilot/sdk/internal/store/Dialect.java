package dev.runpilot.sdk.internal.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The SQL that differs between the databases the store runs on, chosen in this one place: where the
 * schema scripts live, how a transaction locks the rows it is about to change, and how a duplicate
 * insert is ignored. Everything else the stores write is portable SQL.
 */
enum Dialect {
    /**
     * SQLite: one writer at a time ({@code BEGIN IMMEDIATE}), so row locks are implicit and the
     * lock clauses are empty.
     */
    SQLITE("", "", "", true) {
        @Override
        String insertIgnoringDuplicates(String table, String columnsAndValues) {
            return "INSERT OR IGNORE INTO " + table + " " + columnsAndValues;
        }

        @Override
        void lockKey(Connection c, String key) {
            // The write transaction already excludes every other writer.
        }

        @Override
        void lockMigrations(Connection c) {
            // BEGIN IMMEDIATE already excludes every other writer, in every process.
        }
    },

    /**
     * PostgreSQL: READ COMMITTED transactions that lock the run rows they move ({@code FOR UPDATE}),
     * claims that skip rows another transaction holds ({@code FOR UPDATE SKIP LOCKED}), and
     * transaction-scoped advisory locks where a value is computed from other rows.
     */
    POSTGRESQL("postgresql/", " FOR UPDATE", " FOR UPDATE SKIP LOCKED", false) {
        @Override
        String insertIgnoringDuplicates(String table, String columnsAndValues) {
            return "INSERT INTO " + table + " " + columnsAndValues + " ON CONFLICT DO NOTHING";
        }

        @Override
        void lockKey(Connection c, String key) throws SQLException {
            try (PreparedStatement p = c.prepareStatement("SELECT pg_advisory_xact_lock(?, hashtext(?))")) {
                p.setInt(1, ADVISORY_NAMESPACE);
                p.setString(2, key);
                p.execute();
            }
        }

        @Override
        void lockMigrations(Connection c) throws SQLException {
            try (Statement s = c.createStatement()) {
                s.execute("SELECT pg_advisory_xact_lock(" + ADVISORY_NAMESPACE + ", 0)");
            }
        }
    };

    /** The first key of every advisory lock RunPilot takes, so they cannot collide with an application's. */
    private static final int ADVISORY_NAMESPACE = 0x52506c74; // "RPlt"

    private final String scriptFolder;
    private final String forUpdate;
    private final String forUpdateSkipLocked;
    private final boolean commitsInSequenceOrder;

    Dialect(String scriptFolder, String forUpdate, String forUpdateSkipLocked, boolean commitsInSequenceOrder) {
        this.scriptFolder = scriptFolder;
        this.forUpdate = forUpdate;
        this.forUpdateSkipLocked = forUpdateSkipLocked;
        this.commitsInSequenceOrder = commitsInSequenceOrder;
    }

    /** Whether every write transaction waits for one database-wide lock, so that idle writers should read first. */
    boolean serializesWriters() {
        return this == SQLITE;
    }

    /**
     * Whether rows numbered from an autoincrement or identity become visible in number order. Not so
     * where writers run in parallel: a transaction may commit after one that took a higher number.
     */
    boolean commitsInSequenceOrder() {
        return commitsInSequenceOrder;
    }

    /** The resource path, relative to this package, of a schema script. */
    String scriptPath(String script) {
        return scriptFolder + script;
    }

    /** Appended to a SELECT of rows the transaction is about to change: locks them until commit. */
    String forUpdate() {
        return forUpdate;
    }

    /** Appended to a SELECT of rows to take: locks them, skipping rows another transaction holds. */
    String forUpdateSkipLocked() {
        return forUpdateSkipLocked;
    }

    /** An INSERT that silently skips rows whose key is already present. */
    abstract String insertIgnoringDuplicates(String table, String columnsAndValues);

    /**
     * Serialises, until the transaction ends, every transaction that takes the same key: for values
     * computed from other rows, such as the next sequence number of a metric.
     */
    abstract void lockKey(Connection c, String key) throws SQLException;

    /** Serialises schema migrations across every process opening the database. */
    abstract void lockMigrations(Connection c) throws SQLException;
}
