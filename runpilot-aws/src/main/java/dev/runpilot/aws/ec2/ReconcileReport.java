package dev.runpilot.aws.ec2;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What one reconcile pass of the {@code ec2} provider found and did.
 *
 * @param at when the pass ran
 * @param examined how many live RunPilot-tagged instances of this owner it looked at
 * @param terminated the instances it terminated, and why
 * @since 0.2.0
 */
public record ReconcileReport(Instant at, int examined, List<Terminated> terminated) {
    /** Checks and copies the values. */
    public ReconcileReport {
        Objects.requireNonNull(at, "at");
        terminated = List.copyOf(terminated);
    }

    /**
     * One instance a reconcile pass terminated.
     *
     * @param instanceId the EC2 instance id
     * @param runId the run it was tagged with, or {@code ""} if untagged
     * @param reason why it had to go
     */
    public record Terminated(String instanceId, String runId, Reason reason) {
        /** Checks the values. */
        public Terminated {
            Objects.requireNonNull(instanceId, "instanceId");
            Objects.requireNonNull(runId, "runId");
            Objects.requireNonNull(reason, "reason");
        }
    }

    /** Why an instance was terminated. */
    public enum Reason {
        /** Its run has finished. */
        RUN_FINISHED,
        /** The control plane knows no run with its run id. */
        RUN_UNKNOWN,
        /** Its run has moved on to a later attempt on another instance. */
        ATTEMPT_SUPERSEDED,
        /** It has been alive longer than the provider's maximum lifetime. */
        MAX_LIFETIME
    }
}
