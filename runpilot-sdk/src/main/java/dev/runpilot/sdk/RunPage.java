package dev.runpilot.sdk;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One page of a run listing.
 *
 * @param runs the runs on this page, newest first
 * @param nextPageToken the token for the next page, empty on the last page
 */
public record RunPage(List<RunInfo> runs, Optional<String> nextPageToken) {
    /** Checks and copies the values. */
    public RunPage {
        runs = List.copyOf(runs);
        Objects.requireNonNull(nextPageToken, "nextPageToken");
    }
}
