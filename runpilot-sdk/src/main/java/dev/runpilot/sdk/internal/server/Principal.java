package dev.runpilot.sdk.internal.server;

import java.util.Optional;

/**
 * Who a request speaks for: the token it carried, of which kind, and (for a user token) which project.
 *
 * @param tokenId the token's id (never the token)
 * @param kind user or agent
 * @param project the project of a user token; empty for agent tokens
 * @param name the token's name
 * @param runId for an agent token bound to one run, that run: its agents may claim and report on
 *     nothing else
 */
public record Principal(String tokenId, Kind kind, Optional<String> project, String name, Optional<String> runId) {
    /** What a token may do. */
    public enum Kind {
        /** Submits and reads runs of its own project. */
        USER,
        /** Claims runs, renews and reports on the runs it holds, registers agents. */
        AGENT;

        String wireName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }
}
