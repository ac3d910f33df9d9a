package dev.runpilot.sdk.spi;

import dev.runpilot.sdk.Estimate;
import dev.runpilot.sdk.Job;

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

    /**
     * Estimates what running a job once on this provider costs, before it is submitted. The default,
     * for providers that bring up nothing billable (such as {@code local}), is zero.
     *
     * @param job the job
     * @return the estimate, with its breakdown
     * @since 0.2.0
     */
    default Estimate estimate(Job job) {
        return Estimate.free(name());
    }

    /**
     * Hears that the agent which ran a run asks for the machine it runs on to be shut down, as an
     * agent in single-job mode does when its run is done ({@code POST /v1/runs/{id}/instance/shutdown}).
     * A provider that launched a machine for the run releases it here. Called on the API server's
     * archive thread, after the log archive queued when the run was reported, so the log is in storage by then.
     * Default: nothing.
     *
     * @param runId the run whose agent asks
     * @param agentId the agent that ran the run's last attempt
     * @since 0.1.0
     */
    default void shutdownRequested(String runId, String agentId) {
    }

    /** Stops providing and releases everything; waits for in-process agents to stop. */
    @Override
    void close();
}
