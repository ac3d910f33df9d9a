package dev.runpilot.sdk.spi;

import java.time.Duration;
import java.util.Optional;

/**
 * One started job process or container, as a {@link ContainerRuntime} supervises it.
 *
 * @since 0.1.0
 */
public interface Execution {
    /**
     * Waits at most {@code timeout} for the execution to end. Every output line has been delivered to
     * the request's {@link OutputListener} before a status is returned.
     *
     * @param timeout the longest wait
     * @return how it ended, or empty if it still runs
     * @throws InterruptedException if the waiting thread is interrupted
     */
    Optional<ExitStatus> waitFor(Duration timeout) throws InterruptedException;

    /**
     * Stops the execution: asks everything it started to end (SIGTERM to the whole process tree, or
     * the container's stop signal), waits up to {@code grace}, then kills what is left. Returns once
     * nothing of it runs. Harmless if it already ended.
     *
     * @param grace how long to wait between asking and killing
     * @throws InterruptedException if the calling thread is interrupted
     */
    void stop(Duration grace) throws InterruptedException;

    /**
     * Returns the host process that runs the job, if there is one. The agent records its pid and
     * start time so that a process left behind by a crashed agent can be found and stopped.
     *
     * @return the process, or empty (the default) when the job does not run as a host process
     */
    default Optional<ProcessHandle> process() {
        return Optional.empty();
    }

    /**
     * Returns a short description for logs and events, such as {@code pid 4242}.
     *
     * @return the description
     */
    String describe();
}
