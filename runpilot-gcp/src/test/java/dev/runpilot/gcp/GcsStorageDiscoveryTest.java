package dev.runpilot.gcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.cloud.storage.Blob;
import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.Storage;
import dev.runpilot.sdk.Job;
import dev.runpilot.sdk.Run;
import dev.runpilot.sdk.RunPilot;
import dev.runpilot.sdk.RunPilotClient;
import dev.runpilot.sdk.RunResult;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A client finds the {@code gs} backend by URI scheme through ServiceLoader and keeps a run's bundle
 * and log in the emulator's bucket.
 */
class GcsStorageDiscoveryTest {
    @Test
    void aClientBuiltWithAGsUriKeepsTheRunsBundleAndLogInTheBucket(@TempDir Path source) throws Exception {
        String bucket = GcsEmulator.newBucket();
        Files.writeString(source.resolve("hello.txt"), "hello from the bundle\n");
        Storage storage = GcsEmulator.client();

        try (RunPilotClient client = RunPilot.client().inMemory().storage(GcsEmulator.location(bucket, "team-g")).build()) {
            Run run = client.submit(Job.builder().name("gcs-e2e").entrypoint("cat hello.txt; echo done")
                    .source(source).timeout(Duration.ofMinutes(1)).build());
            RunResult result = run.await();
            assertThat(result.isSuccess()).as("run %s: %s", run.id(), result).isTrue();

            // The agent archives the log to storage just after it reports the result.
            BlobId log = BlobId.of(bucket, "team-g/runs/" + run.id() + "/logs/attempt-1.log");
            await().atMost(Duration.ofSeconds(30)).until(() -> storage.get(log) != null);
            List<String> names = StreamSupport.stream(storage.list(bucket).iterateAll().spliterator(), false)
                    .map(Blob::getName).toList();
            assertThat(names).anyMatch(name -> name.startsWith("team-g/bundles/") && name.endsWith(".tar.gz"));
            assertThat(new String(storage.readAllBytes(log), StandardCharsets.UTF_8)).contains("hello from the bundle", "done");
            assertThat(storage.get(log).getMetadata()).containsKey("sha256");
        }
    }
}
