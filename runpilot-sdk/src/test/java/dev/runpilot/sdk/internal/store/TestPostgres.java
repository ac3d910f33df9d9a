package dev.runpilot.sdk.internal.store;

import static org.junit.jupiter.api.Assertions.fail;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;

/**
 * The PostgreSQL server the tests use: {@code RUNPILOT_TEST_POSTGRES_URL}, as exported by
 * {@code scripts/services/postgres.sh}. Each test class gets a database of its own. Without the
 * variable the calling test is skipped, or fails under {@code CI=true}.
 */
public final class TestPostgres {
    public static final String VARIABLE = "RUNPILOT_TEST_POSTGRES_URL";
    private static final Pattern URL = Pattern.compile("(jdbc:postgresql://[^/?]+/)([^?]*)(\\?.*)?");

    private TestPostgres() {
    }

    /** The server's administrative URL; skips (or under CI fails) the test when there is none. */
    public static String adminUrl() {
        String url = System.getenv(VARIABLE);
        if (url == null || url.isBlank()) {
            String why = VARIABLE + " is not set: start PostgreSQL with `source scripts/services/postgres.sh &&"
                    + " postgres_service_start` (scripts/test.sh does) to run the PostgreSQL tests";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                fail(why);
            }
            Assumptions.assumeTrue(false, why);
        }
        return url;
    }

    /** Creates an empty database and returns its URL. */
    public static String createDatabase() {
        String admin = adminUrl();
        String name = "rp_" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
        execute(admin, "CREATE DATABASE " + name);
        return withDatabase(admin, name);
    }

    /** Drops a database {@link #createDatabase()} made, closing any connection left to it. */
    public static void dropDatabase(String url) {
        Matcher m = matcher(url);
        execute(adminUrl(), "DROP DATABASE IF EXISTS " + m.group(2) + " WITH (FORCE)");
    }

    /** Runs one statement on a database. */
    public static void execute(String url, String sql) {
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot run `" + sql + "` on " + url + ": " + e.getMessage(), e);
        }
    }

    /** The URL with one more parameter. */
    public static String withParameter(String url, String parameter) {
        return url + (url.contains("?") ? "&" : "?") + parameter;
    }

    static String withDatabase(String url, String database) {
        Matcher m = matcher(url);
        return m.group(1) + database + (m.group(3) == null ? "" : m.group(3));
    }

    private static Matcher matcher(String url) {
        Matcher m = URL.matcher(url);
        if (!m.matches()) {
            throw new IllegalArgumentException(VARIABLE + " must look like jdbc:postgresql://HOST:PORT/DB?user=USER, was " + url);
        }
        return m;
    }
}
