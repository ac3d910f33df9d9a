package dev.runpilot.gcp.internal;

import dev.runpilot.gcp.GcsStorage;
import dev.runpilot.sdk.spi.ProviderContext;
import dev.runpilot.sdk.spi.StorageBackend;
import dev.runpilot.sdk.spi.StorageBackendFactory;
import java.net.URI;

/** Provides the {@code gs} storage backend: {@code gs://bucket/prefix[?endpoint=URL&project=ID&kmsKeyName=KEY]}. */
public final class GcsStorageBackendFactory implements StorageBackendFactory {
    @Override
    public String scheme() {
        return GcsLocation.SCHEME;
    }

    @Override
    public StorageBackend create(URI uri, ProviderContext context) {
        return GcsStorage.builder().location(uri).build();
    }
}
