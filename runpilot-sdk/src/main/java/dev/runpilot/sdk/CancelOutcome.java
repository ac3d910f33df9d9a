package dev.runpilot.sdk;

/** What {@link Run#cancel()} did. */
public enum CancelOutcome {
    /** The run had not started; it is now {@link RunStatus#CANCELLED} and never starts. */
    CANCELLED,
    /** The run is being stopped; it becomes {@link RunStatus#CANCELLED} once its processes are gone. */
    CANCELLING,
    /** The run had already finished; nothing changed. */
    ALREADY_FINISHED
}
