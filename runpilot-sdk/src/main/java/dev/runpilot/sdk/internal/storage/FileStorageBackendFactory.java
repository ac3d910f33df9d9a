package dev.runpilot.sdk.internal.storage;

import dev.runpilot.sdk.ProviderException;
import dev.runpilot.sdk.spi.ProviderContext;
import dev.runpilot.sdk.spi.StorageBackend;
import dev.runpilot.sdk.spi.StorageBackendFactory;
import java.net.URI;
import java.nio.file.Path;

/** Provides the {@code file} storage backend: {@code file:///path/to/dir}. */
public final class FileStorageBackendFactory implements StorageBackendFactory {
    @Override
    public String scheme() {
        return "file";
    }

    @Override
    public StorageBackend create(URI uri, ProviderContext context) {
        if (uri.getPath() == null || uri.getPath().isEmpty()) {
            throw new ProviderException("Storage URI " + uri + " has no path; write it as file:///absolute/dir");
        }
        return new FileStorageBackend(Path.of(uri));
    }
}
