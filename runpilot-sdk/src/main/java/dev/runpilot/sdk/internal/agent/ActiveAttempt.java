package dev.runpilot.sdk.internal.agent;

/** What an agent knows of one attempt it runs, shared between its worker and its heartbeat. */
final class ActiveAttempt {
    /** Why the worker must stop the attempt early. */
    enum StopReason { CANCEL, LEASE_LOST, AGENT_STOPPING, INSTANCE_INTERRUPTED }

    final String runId;
    final int attempt;
    private volatile StopReason stop;

    ActiveAttempt(String runId, int attempt) {
        this.runId = runId;
        this.attempt = attempt;
    }

    void requestStop(StopReason reason) {
        if (stop == null || reason == StopReason.LEASE_LOST) {
            stop = reason;
        }
    }

    StopReason stopRequested() {
        return stop;
    }
}
