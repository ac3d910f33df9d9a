package dev.runpilot.sdk.spi;

import dev.runpilot.sdk.Job;
import java.util.List;

/**
 * Runs one attempt of a job: a host process, a Docker container, or anything that can take a
 * command, an environment and a work directory and report an exit code.
 *
 * <p>Implementations are thread-safe: an agent starts several executions at once.
 *
 * @since 0.1.0
 */
public interface ContainerRuntime extends AutoCloseable {
    /**
     * Returns the runtime's name, such as {@code process} or {@code docker}.
     *
     * @return the name
     */
    String name();

    /**
     * Lists what in a job this runtime cannot honour, so that a submission fails up front instead of
     * silently ignoring a field.
     *
     * @param job the job about to be submitted
     * @return one sentence per problem, naming the field and what to do; empty if the job can run
     */
    List<String> unsupported(Job job);

    /**
     * Starts an execution. Returns as soon as it runs; output flows to the request's listener.
     *
     * @param request what to run
     * @return the running execution
     * @throws dev.runpilot.sdk.RunPilotException if it could not be started; the message says why
     */
    Execution start(ExecutionRequest request);

    /** Releases the runtime's resources. The default does nothing. */
    @Override
    default void close() {
    }
}
