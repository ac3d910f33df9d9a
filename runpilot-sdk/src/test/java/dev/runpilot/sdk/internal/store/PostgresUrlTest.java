package dev.runpilot.sdk.internal.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PostgresUrlTest {
    @Test
    void thePasswordParameterGoesToTheDriverAndNeverIntoWhatIsShown() {
        PostgresUrl url = PostgresUrl.parse("jdbc:postgresql://db:5432/rp?user=rp&password=p%40ss&ssl=true", Optional.empty());

        assertThat(url.withoutPassword()).isEqualTo("jdbc:postgresql://db:5432/rp?user=rp&ssl=true");
        assertThat(url.password()).contains("p@ss");
        assertThat(url.masked()).isEqualTo("jdbc:postgresql://db:5432/rp?user=rp&password=****&ssl=true");
        assertThat(url.toString()).doesNotContain("p%40ss");
    }

    @Test
    void withoutAPasswordParameterPgPasswordIsUsed() {
        PostgresUrl url = PostgresUrl.parse("jdbc:postgresql://db/rp?user=rp", Optional.of("from-env"));

        assertThat(url.password()).contains("from-env");
        assertThat(url.masked()).isEqualTo("jdbc:postgresql://db/rp?user=rp");
        assertThat(PostgresUrl.parse("jdbc:postgresql://db/rp", Optional.of("")).password()).isEmpty();
    }

    @Test
    void theUrlParameterWinsOverPgPassword() {
        assertThat(PostgresUrl.parse("jdbc:postgresql://db/rp?PASSWORD=url", Optional.of("env")).password()).contains("url");
    }

    @Test
    void anotherKindOfDatabaseIsRefusedWithItsPasswordMasked() {
        assertThatThrownBy(() -> Database.open("jdbc:mysql://db/rp?password=hunter2"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("jdbc:postgresql://")
                .hasMessageContaining("password=****")
                .hasMessageNotContaining("hunter2");
    }

    @Test
    void aSqliteUrlOrPlainPathOpensAFile(@TempDir Path dir) {
        try (Database byUrl = Database.open("jdbc:sqlite:" + dir.resolve("a.db"));
             Database byPath = Database.open(dir.resolve("b.db").toString());
             Database inMemory = Database.open("jdbc:sqlite::memory:")) {
            assertThat(byUrl.location()).endsWith("a.db");
            assertThat(byPath.location()).endsWith("b.db");
            assertThat(inMemory.location()).contains("in-memory");
        }
    }
}
