package dev.runpilot.sdk.internal.store;

import dev.runpilot.sdk.ControlPlaneException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings a database to the schema this version knows, one numbered script at a time, each in its
 * own write transaction, so that two processes opening a new database at once apply each script
 * exactly once. Each dialect has its own scripts with the same numbers and names: SQLite's
 * ({@code V<n>__<name>.sql}) next to this class, PostgreSQL's in {@code postgresql/}.
 */
final class SchemaMigrator {
    private static final Logger log = LoggerFactory.getLogger(SchemaMigrator.class);
    static final List<String> SCRIPTS = List.of("V1__runs.sql", "V2__source_bundles.sql", "V3__server.sql", "V4__attempt_data.sql",
            "V5__source_uploads.sql", "V6__run_tokens.sql");

    private final String location;

    SchemaMigrator(String location) {
        this.location = location;
    }

    void migrate(Database db) {
        Dialect dialect = db.dialect();
        db.write(c -> {
            dialect.lockMigrations(c);
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, script TEXT NOT NULL,"
                        + " applied_at BIGINT NOT NULL)");
            }
            return null;
        });
        for (int version = 1; version <= SCRIPTS.size(); version++) {
            int target = version;
            db.write(c -> {
                dialect.lockMigrations(c);
                int current = currentVersion(c);
                if (current > SCRIPTS.size()) {
                    throw new ControlPlaneException("The RunPilot database " + location + " has schema version " + current
                            + ", written by a newer RunPilot; this version knows up to " + SCRIPTS.size()
                            + ". Upgrade RunPilot, or use another home.");
                }
                if (current < target) {
                    apply(c, dialect, target);
                }
                return null;
            });
        }
    }

    static int currentVersion(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT COALESCE(MAX(version), 0) FROM schema_version")) {
            return rs.next() ? rs.getInt(1) : 0;
        }
    }

    private void apply(Connection c, Dialect dialect, int version) throws SQLException {
        String script = SCRIPTS.get(version - 1);
        try (Statement s = c.createStatement()) {
            for (String sql : statements(load(dialect.scriptPath(script)))) {
                s.execute(sql);
            }
        }
        try (PreparedStatement p = c.prepareStatement("INSERT INTO schema_version (version, script, applied_at) VALUES (?, ?, ?)")) {
            p.setInt(1, version);
            p.setString(2, script);
            p.setLong(3, System.currentTimeMillis());
            p.executeUpdate();
        }
        log.debug("Applied schema script {} ({}) to {}", script, dialect, location);
    }

    private static String load(String script) {
        try (InputStream in = SchemaMigrator.class.getResourceAsStream(script)) {
            if (in == null) {
                throw new IllegalStateException("Schema script " + script + " is missing from the RunPilot jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("Cannot read schema script " + script, e);
        }
    }

    /** Splits a script into statements; scripts hold no semicolons inside literals. */
    static List<String> statements(String script) {
        StringBuilder withoutComments = new StringBuilder();
        for (String line : script.split("\n")) {
            int comment = line.indexOf("--");
            withoutComments.append(comment >= 0 ? line.substring(0, comment) : line).append('\n');
        }
        List<String> result = new ArrayList<>();
        for (String part : withoutComments.toString().split(";")) {
            if (!part.isBlank()) {
                result.add(part.trim());
            }
        }
        return result;
    }
}
