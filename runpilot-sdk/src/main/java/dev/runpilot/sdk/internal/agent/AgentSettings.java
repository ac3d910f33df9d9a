package dev.runpilot.sdk.internal.agent;

import java.nio.file.Path;
import java.time.Duration;

/**
 * How an agent works.
 *
 * @param agentId the agent's unique id
 * @param host the host name, recorded on attempts to find processes left by a crashed agent
 * @param slots how many runs it runs at once
 * @param lease how long a claim lasts without renewal
 * @param grace time between SIGTERM and SIGKILL when stopping a run
 * @param workRoot where attempt work directories are made
 */
public record AgentSettings(String agentId, String host, int slots, Duration lease, Duration grace, Path workRoot) {
    /** How often held runs are checked for cancellation. */
    static final Duration CANCEL_CHECK = Duration.ofMillis(250);

    /** How often the lease of held runs is renewed. */
    Duration renewEvery() {
        return lease.dividedBy(3);
    }
}
