package dev.runpilot.sdk.spi;

/**
 * Creates a {@link ContainerRuntime}. Found through {@link java.util.ServiceLoader}: list the
 * implementation in {@code META-INF/services/dev.runpilot.sdk.spi.ContainerRuntimeFactory}.
 *
 * @since 0.1.0
 */
public interface ContainerRuntimeFactory {
    /**
     * Returns the name users choose this runtime by, such as {@code docker}.
     *
     * @return the name
     */
    String name();

    /**
     * Returns this runtime's rank when the client names none: the available runtime with the highest
     * priority is chosen. The process runtime has 0.
     *
     * @return the priority
     */
    default int priority() {
        return 0;
    }

    /**
     * Returns whether this runtime can work here and now (an engine answers, a binary exists). A
     * runtime that is not available is passed over when the client names none.
     *
     * @return an empty string if available, otherwise one line saying why not
     */
    default String unavailableReason() {
        return "";
    }

    /**
     * Creates the runtime.
     *
     * @param context what the client knows of its environment
     * @return the runtime
     */
    ContainerRuntime create(ProviderContext context);
}
