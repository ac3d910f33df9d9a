package dev.runpilot.azure.internal;

import dev.runpilot.azure.AzureBlobStorage;
import dev.runpilot.sdk.spi.ProviderContext;
import dev.runpilot.sdk.spi.StorageBackend;
import dev.runpilot.sdk.spi.StorageBackendFactory;
import java.net.URI;

/** Provides the {@code az} storage backend: {@code az://account/container/prefix[?endpoint=URL]}. */
public final class AzureBlobStorageBackendFactory implements StorageBackendFactory {
    @Override
    public String scheme() {
        return AzureLocation.SCHEME;
    }

    @Override
    public StorageBackend create(URI uri, ProviderContext context) {
        return AzureBlobStorage.builder().location(uri).build();
    }
}
