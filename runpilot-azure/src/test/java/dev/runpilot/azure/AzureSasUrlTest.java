package dev.runpilot.azure;

import static org.assertj.core.api.Assertions.assertThat;

import com.azure.storage.blob.BlobContainerClient;
import dev.runpilot.sdk.spi.PresignedUrl;
import dev.runpilot.sdk.spi.StorageBackend;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** SAS URLs from the account key write and read one blob over plain HTTP against Azurite. */
class AzureSasUrlTest {
    private BlobContainerClient container;

    @AfterEach
    void deleteContainer() {
        if (container != null) {
            container.deleteIfExists();
        }
    }

    @Test
    void sasUrlsWriteAndReadOneBlobOverPlainHttp() throws Exception {
        container = Azurite.newContainer();
        HttpClient http = HttpClient.newHttpClient();
        try (StorageBackend backend = AzureBlobStorage.builder()
                .location(Azurite.location(container.getBlobContainerName(), "p"))
                .connectionString(Azurite.connectionString()).build()) {
            byte[] uploaded = "written through a SAS URL".getBytes(StandardCharsets.UTF_8);
            PresignedUrl write = backend.presign("sas/object.txt", PresignedUrl.Access.WRITE, Duration.ofMinutes(5))
                    .orElseThrow();
            assertThat(write.requiredHeaders()).containsEntry("x-ms-blob-type", "BlockBlob");
            assertThat(write.expiresAt()).isBetween(Instant.now().plusSeconds(240), Instant.now().plusSeconds(360));
            assertThat(write.url().getRawQuery()).contains("sp=cw", "sig=");
            HttpRequest.Builder put = HttpRequest.newBuilder(write.url()).PUT(HttpRequest.BodyPublishers.ofByteArray(uploaded));
            write.requiredHeaders().forEach(put::header);
            HttpResponse<String> putResponse = http.send(put.build(), HttpResponse.BodyHandlers.ofString());
            assertThat(putResponse.statusCode()).as(putResponse.body()).isEqualTo(201);
            // Written by plain HTTP, so no stored checksum: the backend reads it unverified.
            try (InputStream in = backend.get("sas/object.txt").orElseThrow()) {
                assertThat(in.readAllBytes()).isEqualTo(uploaded);
            }

            backend.put("sas/stored.txt", new ByteArrayInputStream("read through a SAS URL".getBytes(StandardCharsets.UTF_8)));
            PresignedUrl read = backend.presign("sas/stored.txt", PresignedUrl.Access.READ, Duration.ofMinutes(5))
                    .orElseThrow();
            assertThat(read.toString()).doesNotContain("sig=");
            HttpResponse<String> getResponse = http.send(HttpRequest.newBuilder(read.url()).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(getResponse.statusCode()).isEqualTo(200);
            assertThat(getResponse.body()).isEqualTo("read through a SAS URL");

            HttpResponse<String> writeWithReadUrl = http.send(HttpRequest.newBuilder(read.url())
                    .header("x-ms-blob-type", "BlockBlob").PUT(HttpRequest.BodyPublishers.ofString("x")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(writeWithReadUrl.statusCode()).isEqualTo(403);
        }
    }
}
