package dev.runpilot.azure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.models.BlobItem;
import dev.runpilot.sdk.Job;
import dev.runpilot.sdk.Run;
import dev.runpilot.sdk.RunPilot;
import dev.runpilot.sdk.RunPilotClient;
import dev.runpilot.sdk.RunResult;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A client finds the {@code az} backend by URI scheme through ServiceLoader and keeps a run's bundle
 * and log in Azurite. The factory reads the account key from {@code AZURE_STORAGE_KEY}, which this
 * module's surefire configuration sets to Azurite's published development key.
 */
class AzureStorageDiscoveryTest {
    private BlobContainerClient container;

    @AfterEach
    void deleteContainer() {
        if (container != null) {
            container.deleteIfExists();
        }
    }

    @Test
    void aClientBuiltWithAnAzUriKeepsTheRunsBundleAndLogInTheContainer(@TempDir Path source) throws Exception {
        container = Azurite.newContainer();
        Files.writeString(source.resolve("hello.txt"), "hello from the bundle\n");
        URI location = Azurite.location(container.getBlobContainerName(), "team-a");

        try (RunPilotClient client = RunPilot.client().inMemory().storage(location).build()) {
            Run run = client.submit(Job.builder().name("azure-e2e").entrypoint("cat hello.txt; echo done")
                    .source(source).timeout(Duration.ofMinutes(1)).build());
            RunResult result = run.await();
            assertThat(result.isSuccess()).as("run %s: %s", run.id(), result).isTrue();

            // The agent archives the log to storage just after it reports the result.
            String logName = "team-a/runs/" + run.id() + "/logs/attempt-1.log";
            await().atMost(Duration.ofSeconds(30)).until(() -> container.getBlobClient(logName).exists());
            List<String> names = container.listBlobs().stream().map(BlobItem::getName).toList();
            assertThat(names).anyMatch(name -> name.startsWith("team-a/bundles/") && name.endsWith(".tar.gz"));
            String log = container.getBlobClient(logName).downloadContent().toString();
            assertThat(log).contains("hello from the bundle", "done");
        }
    }
}
