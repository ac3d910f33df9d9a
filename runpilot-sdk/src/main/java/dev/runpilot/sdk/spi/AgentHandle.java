package dev.runpilot.sdk.spi;

/**
 * An agent that a {@link ComputeProvider} started through its {@link ComputeContext}.
 *
 * @since 0.1.0
 */
public interface AgentHandle extends AutoCloseable {
    /**
     * Returns the agent's id, as recorded on the attempts it runs.
     *
     * @return the id
     */
    String id();

    /** Stops the agent: it claims nothing more and waits for its current runs to finish or be stopped. */
    @Override
    void close();
}
