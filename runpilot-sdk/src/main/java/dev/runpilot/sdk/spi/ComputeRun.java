package dev.runpilot.sdk.spi;

import dev.runpilot.sdk.Job;
import dev.runpilot.sdk.RunStatus;
import java.util.Objects;

/**
 * A run as a {@link ComputeProvider} sees it: enough to decide whether the machine it launched for
 * the run is still wanted.
 *
 * @param id the run id
 * @param status its status now
 * @param attempts how many attempts it has had; the next claim opens attempt {@code attempts + 1}
 * @param job the job it runs
 * @since 0.2.0
 */
public record ComputeRun(String id, RunStatus status, int attempts, Job job) {
    /** Checks the values. */
    public ComputeRun {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(job, "job");
    }
}
