package dev.runpilot.sdk;

/** Where a log line came from. */
public enum LogStream {
    /** The job's standard output. */
    STDOUT,
    /** The job's standard error. */
    STDERR,
    /** RunPilot itself: the agent's notes on starting, stopping and failing. */
    SYSTEM
}
