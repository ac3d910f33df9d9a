package dev.runpilot.sdk.internal.store;

import java.util.OptionalLong;

/** An attempt whose lease lapsed, with what is known of the process it may have left behind. */
public record OrphanedAttempt(String runId, int attempt, String agentId, String host, OptionalLong pid,
                              OptionalLong pidStartedAt) {
}
