package dev.runpilot.aws.internal.ec2;

/** The tags RunPilot puts on what it launches, and reads back to find it. */
public final class Ec2Tags {
    /** {@code true} on every instance and template RunPilot manages. */
    public static final String MANAGED = "runpilot:managed";
    /** The run an instance was launched for. */
    public static final String RUN_ID = "runpilot:run-id";
    /** The attempt of that run the instance was launched for. */
    public static final String ATTEMPT = "runpilot:attempt";
    /** When the instance was launched, ISO-8601 UTC. */
    public static final String CREATED_AT = "runpilot:created-at";
    /** One launch request, also its client token: finds an instance whose RunInstances answer was lost. */
    public static final String LAUNCH_ID = "runpilot:launch-id";
    /** Who launched it; reconcile touches only instances with its own owner. */
    public static final String OWNER = "owner";

    private Ec2Tags() {
    }
}
