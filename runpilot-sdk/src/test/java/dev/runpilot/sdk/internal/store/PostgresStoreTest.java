package dev.runpilot.sdk.internal.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runpilot.sdk.ControlPlaneException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The store contract on a real PostgreSQL server ({@code scripts/services/postgres.sh}): one
 * database for the class, one schema per test, each "process" with its own pool.
 */
class PostgresStoreTest extends StoreContractTest {
    private static final AtomicInteger SCHEMAS = new AtomicInteger();
    private static String database;
    private String schemaUrl;

    @BeforeAll
    static void createDatabase() {
        database = TestPostgres.createDatabase();
    }

    @AfterAll
    static void dropDatabase() {
        if (database != null) {
            TestPostgres.dropDatabase(database);
        }
    }

    @Override
    @BeforeEach
    void openStores() {
        String schema = "t" + SCHEMAS.incrementAndGet();
        TestPostgres.execute(database, "CREATE SCHEMA " + schema);
        schemaUrl = TestPostgres.withParameter(database, "currentSchema=" + schema);
        super.openStores();
    }

    @Override
    Database openDatabase() {
        return Database.open(schemaUrl, 4);
    }

    @Test
    void thePasswordNeverAppearsInTheLocationOrInErrors() {
        String url = TestPostgres.withParameter(schemaUrl, "password=hunter2");
        try (Database withPassword = Database.open(url, 2)) {
            assertThat(withPassword.location()).doesNotContain("hunter2").contains("password=****");
        }
        String unreachable = "jdbc:postgresql://127.0.0.1:1/none?user=postgres&password=hunter2&connectTimeout=2";
        assertThatThrownBy(() -> Database.open(unreachable, 1))
                .isInstanceOf(ControlPlaneException.class)
                .hasMessageContaining("127.0.0.1:1/none")
                .hasMessageContaining("password=****")
                .hasMessageNotContaining("hunter2");
    }

    @Test
    void aMissingDatabaseIsNamedInTheError() {
        String missing = TestPostgres.withDatabase(TestPostgres.adminUrl(), "rp_does_not_exist");
        assertThatThrownBy(() -> Database.open(missing, 1))
                .isInstanceOf(ControlPlaneException.class)
                .hasMessageContaining("rp_does_not_exist")
                .hasMessageContaining("Cannot connect");
    }
}
