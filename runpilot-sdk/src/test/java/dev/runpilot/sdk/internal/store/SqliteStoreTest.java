package dev.runpilot.sdk.internal.store;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The store contract on a SQLite file in WAL mode, each "process" with its own connection. */
class SqliteStoreTest extends StoreContractTest {
    @TempDir
    Path dir;

    @Override
    Database openDatabase() {
        return Database.open(dir.resolve("runpilot.db"));
    }
}
