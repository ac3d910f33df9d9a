package dev.runpilot.sdk.internal.store;

/** What a heartbeat learns about one held run. */
public enum LeaseState {
    /** The lease was renewed; carry on. */
    HELD,
    /** The lease was renewed, and cancel was requested: stop the run. */
    CANCEL_REQUESTED,
    /** The agent no longer holds the run (its lease lapsed and was taken back): stop and report nothing. */
    LOST
}
