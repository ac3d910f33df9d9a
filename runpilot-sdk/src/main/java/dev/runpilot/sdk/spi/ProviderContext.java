package dev.runpilot.sdk.spi;

import java.nio.file.Path;

/**
 * What a client tells the providers it creates about its environment.
 *
 * @since 0.1.0
 */
public interface ProviderContext {
    /**
     * Returns the client's home directory (by default {@code ~/.runpilot}).
     *
     * @return the home directory; for an in-memory client, a temporary directory removed on close
     */
    Path home();
}
