package dev.runpilot.sdk;

import java.util.List;

/**
 * What {@link RunPilotClient#pruneArtifacts(ArtifactRetention)} deleted.
 *
 * @param runIds the runs whose artifacts were deleted, most recently finished first
 * @param objects how many stored artifact files were deleted
 * @since 0.2.0
 */
public record PrunedArtifacts(List<String> runIds, long objects) {
    /** Copies the list. */
    public PrunedArtifacts {
        runIds = List.copyOf(runIds);
    }
}
