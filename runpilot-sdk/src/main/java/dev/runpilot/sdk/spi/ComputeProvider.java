package dev.runpilot.sdk.spi;

/**
 * Provides the machines runs execute on: agent threads in this JVM ({@code local}), or an instance
 * launched for each run ({@code ec2}).
 *
 * @since 0.1.0
 */
public interface ComputeProvider extends AutoCloseable {
    /**
     * Returns the provider's name.
     *
     * @return the name, such as {@code local}
     */
    String name();

    /**
     * Starts providing: called once when the client opens.
     *
     * @param context the client's context
     */
    void start(ComputeContext context);

    /**
     * Called when a run becomes ready to run, so the provider can bring up capacity for it. The
     * default does nothing.
     *
     * @param runId the run
     */
    default void runQueued(String runId) {
    }

    /**
     * Called when a run has finished, so the provider can release what it brought up for it. The
     * default does nothing.
     *
     * @param runId the run
     */
    default void runFinished(String runId) {
    }

    /** Stops providing and releases everything; waits for in-process agents to stop. */
    @Override
    void close();
}
