package dev.runpilot.sdk.internal.store;

import dev.runpilot.sdk.Job;

/** A run an agent claimed: which attempt it is, and the job with its secrets. */
public record Claim(String runId, int attempt, Job job) {
}
