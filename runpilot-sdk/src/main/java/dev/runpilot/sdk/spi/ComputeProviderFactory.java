package dev.runpilot.sdk.spi;

/**
 * Creates a {@link ComputeProvider}. Found through {@link java.util.ServiceLoader}: list the
 * implementation in {@code META-INF/services/dev.runpilot.sdk.spi.ComputeProviderFactory}.
 *
 * @since 0.1.0
 */
public interface ComputeProviderFactory {
    /**
     * Returns the name users choose this provider by, such as {@code local} or {@code ec2}.
     *
     * @return the name
     */
    String name();

    /**
     * Returns this provider's rank when the client names none. The local provider has 0.
     *
     * @return the priority
     */
    default int priority() {
        return 0;
    }

    /**
     * Creates the provider.
     *
     * @param context what the client knows of its environment
     * @return the provider, not yet started
     */
    ComputeProvider create(ProviderContext context);
}
