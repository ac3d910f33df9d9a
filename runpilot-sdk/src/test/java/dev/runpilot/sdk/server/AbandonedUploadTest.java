package dev.runpilot.sdk.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Upload temp files left by a server that died mid-upload are removed; live ones and other files are not. */
class AbandonedUploadTest {
    @TempDir
    Path home;

    @Test
    void uploadsUnwrittenForAnHourAreRemovedAndNothingElse() throws Exception {
        Path tmp = Files.createDirectories(home.resolve("tmp"));
        Path abandoned = Files.writeString(tmp.resolve("upload-123.tar.gz"), "half a bundle");
        Files.setLastModifiedTime(abandoned, FileTime.from(Instant.now().minus(Duration.ofMinutes(61))));
        Path live = Files.writeString(tmp.resolve("upload-456.tar.gz"), "being written");
        Path other = Files.writeString(tmp.resolve("bundle-789.tar.gz"), "not an upload");
        Files.setLastModifiedTime(other, FileTime.from(Instant.now().minus(Duration.ofDays(2))));

        try (RunPilotServer server = RunPilotServer.builder().home(home).port(0).sourceTimeout(Duration.ofSeconds(2)).build().start()) {
            await().atMost(Duration.ofSeconds(20)).until(() -> !Files.exists(abandoned));

            assertThat(live).exists();
            assertThat(other).exists();
        }
    }
}
