package dev.runpilot.sdk.server;

import dev.runpilot.sdk.internal.store.TestPostgres;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;

/** {@link SourceUploadTest} with the server's control plane on PostgreSQL ({@code scripts/services/postgres.sh}). */
class PostgresSourceUploadTest extends SourceUploadTest {
    private String database;

    @Override
    RunPilotServer.Builder serverBuilder(Path home) {
        database = TestPostgres.createDatabase();
        return super.serverBuilder(home).database(database);
    }

    @Override
    @AfterEach
    void stopServer() {
        super.stopServer();
        if (database != null) {
            TestPostgres.dropDatabase(database);
        }
    }
}
