package dev.runpilot.sdk;

/**
 * The states a run moves through.
 *
 * <pre>
 * PENDING (waiting on depends_on) -&gt; QUEUED -&gt; ASSIGNED (claimed under a lease) -&gt; RUNNING
 * RUNNING -&gt; SUCCEEDED | FAILED | TIMED_OUT
 * any non-terminal state -&gt; CANCELLING -&gt; CANCELLED
 * ASSIGNED | RUNNING -&gt; QUEUED when an attempt failed and the retry policy allows another
 * </pre>
 *
 * <p>Every move is checked against one transition table and recorded as a {@link RunEvent}.
 */
public enum RunStatus {
    /** Submitted; waits until every run it depends on has succeeded. */
    PENDING,
    /** Ready to run; waits for an agent to claim it (or for its retry backoff to pass). */
    QUEUED,
    /** Claimed by an agent under a lease; not started yet. */
    ASSIGNED,
    /** Its process or container is running. */
    RUNNING,
    /** Cancel was requested; the agent is stopping it. */
    CANCELLING,
    /** Finished with exit code 0. Terminal. */
    SUCCEEDED,
    /** Finished unsuccessfully and no retry is left. Terminal. */
    FAILED,
    /** Ran past its timeout and was stopped. Terminal. */
    TIMED_OUT,
    /** Cancelled before it finished. Terminal. */
    CANCELLED;

    /**
     * Returns whether a run in this state will never change again.
     *
     * @return true for {@link #SUCCEEDED}, {@link #FAILED}, {@link #TIMED_OUT} and {@link #CANCELLED}
     */
    public boolean isTerminal() {
        return this == SUCCEEDED || this == FAILED || this == TIMED_OUT || this == CANCELLED;
    }
}
