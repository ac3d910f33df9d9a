package dev.runpilot.sdk.spi;

import dev.runpilot.sdk.FailureReason;
import java.util.Map;
import java.util.Optional;

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

    /**
     * Starts an agent inside this JVM bound to one run: it claims that run and nothing else, runs it
     * once, and claims nothing more. It plays the agent of a machine launched for that run (tests, and
     * providers that give each run its own process).
     *
     * @param runId the run it may claim
     * @return the running agent; close it to stop it
     * @throws UnsupportedOperationException if this client has no in-process agents
     * @since 0.2.0
     */
    default AgentHandle startLocalAgent(String runId) {
        throw new UnsupportedOperationException("This client cannot start an agent bound to run " + runId);
    }

    /**
     * Returns a run as the control plane has it now.
     *
     * @param runId the run id
     * @return the run, or empty if the control plane knows no such run
     * @since 0.2.0
     */
    default Optional<ComputeRun> run(String runId) {
        throw new UnsupportedOperationException("This client cannot look up run " + runId + " for its compute provider");
    }

    /**
     * Ends the next attempt of a queued run for which the provider could not bring up a machine: the
     * attempt is recorded with {@code reason} and {@code message}, and the run is queued again if its
     * retry policy allows, failed otherwise. Does nothing if the run is no longer queued (cancelled,
     * say).
     *
     * @param runId the run
     * @param reason why, usually {@link FailureReason#CAPACITY}
     * @param message what was tried and what failed, shown to the user
     * @since 0.2.0
     */
    default void failUnprovisioned(String runId, FailureReason reason, String message) {
        throw new UnsupportedOperationException("This client cannot fail run " + runId + " for its compute provider");
    }

    /**
     * Records key/value data on an attempt of a run, such as the instance launched for it. The data is
     * read back through {@link dev.runpilot.sdk.Run#attemptData(int)}; later values for a key win.
     *
     * @param runId the run
     * @param attempt the attempt number; the attempt the run's next claim opens may be named before it exists
     * @param data keys (such as {@code ec2.instance-id}) and values
     * @since 0.2.0
     */
    default void recordAttemptData(String runId, int attempt, Map<String, String> data) {
        throw new UnsupportedOperationException("This client cannot record data on run " + runId);
    }

    /**
     * Issues an agent token bound to one run, for a machine the provider launches to run it: agents
     * registered with it can claim and report on that run only, and it is refused once
     * {@code validFor} has passed. A {@code RunPilotServer} issues them; an embedded client, whose
     * agents need no token, returns empty (the default).
     *
     * @param runId the run the machine is launched for
     * @param validFor how long the token is accepted; a server shortens more than 7 days to 7 days
     * @return the token in clear, or empty if this control plane issues none
     * @since 0.2.0
     */
    default Optional<String> issueAgentToken(String runId, java.time.Duration validFor) {
        return Optional.empty();
    }
}
