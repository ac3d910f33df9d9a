package dev.runpilot.azure;

import com.azure.core.util.BinaryData;
import com.azure.storage.blob.BlobClient;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.models.BlobHttpHeaders;
import com.azure.storage.blob.models.BlobProperties;
import com.azure.storage.blob.options.BlobParallelUploadOptions;
import dev.runpilot.sdk.spi.StorageBackend;
import dev.runpilot.sdk.testing.StorageBackendContract;
import org.junit.jupiter.api.AfterEach;

/**
 * The {@code az} backend against Azurite, through the public builder with a connection string,
 * each test in a new container under a prefix. Blocks of 1 MiB make the 64 MiB round trip stage
 * 64 blocks four at a time.
 */
class AzureBlobStorageBackendContractTest extends StorageBackendContract {
    private BlobContainerClient container;

    @Override
    protected StorageBackend createBackend() {
        container = Azurite.newContainer();
        return AzureBlobStorage.builder()
                .location(Azurite.location(container.getBlobContainerName(), "runpilot/test"))
                .connectionString(Azurite.connectionString())
                .blockSize(1024 * 1024)
                .build();
    }

    /** Replaces the blob's bytes with different ones of the same length, keeping its metadata (and so its SHA-256). */
    @Override
    protected void corruptObject(String key) {
        BlobClient blob = container.getBlobClient("runpilot/test/" + key);
        BlobProperties properties = blob.getProperties();
        byte[] bytes = blob.downloadContent().toBytes();
        bytes[0] ^= 0x01;
        blob.uploadWithResponse(new BlobParallelUploadOptions(BinaryData.fromBytes(bytes))
                .setMetadata(properties.getMetadata())
                .setHeaders(new BlobHttpHeaders().setContentType(properties.getContentType())), null, null);
    }

    @AfterEach
    void deleteContainer() {
        if (container != null) {
            container.deleteIfExists();
        }
    }
}
