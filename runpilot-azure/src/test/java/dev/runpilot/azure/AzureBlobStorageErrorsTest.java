package dev.runpilot.azure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.azure.storage.blob.BlobContainerClient;
import dev.runpilot.sdk.StorageException;
import dev.runpilot.sdk.spi.StorageBackend;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.util.Base64;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Failures name the az:// URI and the cause, against Azurite and a closed loopback port. */
class AzureBlobStorageErrorsTest {
    @Test
    void aMissingContainerIsReportedWithTheUriAndTheContainer() {
        String container = "missing-" + UUID.randomUUID();
        URI location = Azurite.location(container, "p");
        try (StorageBackend backend = AzureBlobStorage.builder().location(location)
                .connectionString(Azurite.connectionString()).build()) {
            assertThatThrownBy(() -> backend.put("k", new ByteArrayInputStream(new byte[] {1})))
                    .isInstanceOf(StorageException.class)
                    .hasMessageContaining("az://devstoreaccount1/" + container + "/p")
                    .hasMessageContaining("container '" + container + "' does not exist");
            assertThatThrownBy(() -> backend.list("", null, 10))
                    .isInstanceOf(StorageException.class)
                    .hasMessageContaining("container '" + container + "' does not exist");
            assertThatThrownBy(() -> backend.stat("k"))
                    .isInstanceOf(StorageException.class)
                    .hasMessageContaining("does not exist");
        }
    }

    @Test
    void aWrongAccountKeyIsReportedAsRejectedCredentials() {
        BlobContainerClient container = Azurite.newContainer();
        String wrongKey = Base64.getEncoder().encodeToString(new byte[64]);
        URI location = Azurite.location(container.getBlobContainerName(), "");
        try (StorageBackend backend = AzureBlobStorage.builder().location(location).accountKey(wrongKey).build()) {
            assertThatThrownBy(() -> backend.put("k", new ByteArrayInputStream(new byte[] {1})))
                    .isInstanceOf(StorageException.class)
                    .hasMessageContaining(location.toString().substring(0, location.toString().indexOf('?')))
                    .hasMessageContaining("credentials were rejected (HTTP 403");
        } finally {
            container.delete();
        }
    }

    @Test
    void anUnreachableEndpointIsReportedWithTheEndpoint() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        String endpoint = "http://127.0.0.1:" + closedPort + "/devstoreaccount1";
        URI location = URI.create("az://devstoreaccount1/c/p?endpoint=" + endpoint);
        try (StorageBackend backend = AzureBlobStorage.builder().location(location).accountKey(Azurite.ACCOUNT_KEY)
                .maxTries(1).build()) {
            assertThatThrownBy(() -> backend.put("k", new ByteArrayInputStream(new byte[] {1})))
                    .isInstanceOf(StorageException.class)
                    .hasMessageContaining("az://devstoreaccount1/c/p")
                    .hasMessageContaining("the blob endpoint " + endpoint + " cannot be reached");
            assertThatThrownBy(() -> backend.get("k"))
                    .isInstanceOf(StorageException.class)
                    .hasMessageContaining("cannot be reached");
        }
    }

    @Test
    void theBuilderDescriptionLeavesTheSecretsOut() {
        AzureBlobStorage.Builder builder = AzureBlobStorage.builder()
                .location(URI.create("az://acct/container/prefix"))
                .connectionString("AccountName=acct;AccountKey=" + Azurite.ACCOUNT_KEY);
        assertThat(builder.toString()).contains("az://acct/container/prefix", "connection string")
                .doesNotContain(Azurite.ACCOUNT_KEY);
    }
}
