package dev.runpilot.sdk.internal.store;

import dev.runpilot.sdk.Job;
import java.util.Optional;

/** A run an agent claimed: which attempt it is, the job with its secrets, and its source bundle if any. */
public record Claim(String runId, int attempt, Job job, Optional<SourceRef> source) {
}
