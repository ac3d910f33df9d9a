package dev.runpilot.sdk.spi;

/**
 * What a client hands the {@link ComputeProvider} it starts.
 *
 * @since 0.1.0
 */
public interface ComputeContext extends ProviderContext {
    /**
     * Returns the number of runs the client was asked to run at once.
     *
     * @return the worker count, at least 1
     */
    int workers();

    /**
     * Starts an agent inside this JVM that claims runs from the client's control plane and runs up to
     * {@code slots} of them at once through the client's container runtime.
     *
     * @param slots how many runs it runs at once, at least 1
     * @return the running agent
     */
    AgentHandle startLocalAgent(int slots);
}
