package dev.runpilot.sdk.spi;

import java.net.URI;

/**
 * Creates {@link StorageBackend}s for one URI scheme. Found through {@link java.util.ServiceLoader}:
 * list the implementation in {@code META-INF/services/dev.runpilot.sdk.spi.StorageBackendFactory}.
 *
 * @since 0.1.0
 */
public interface StorageBackendFactory {
    /**
     * Returns the URI scheme this factory serves, such as {@code file} or {@code s3}.
     *
     * @return the scheme, lower case
     */
    String scheme();

    /**
     * Creates a backend storing under a URI.
     *
     * @param uri a URI with this factory's scheme
     * @param context what the client knows of its environment
     * @return the backend
     */
    StorageBackend create(URI uri, ProviderContext context);
}
