package dev.runpilot.sdk.internal.store;

import java.util.List;

/**
 * A condition on the {@code runs} table (aliased {@code runs}) that a claim adds to its search for
 * the next queued run: how agents with labels are routed to the runs they may take.
 *
 * @param sql an SQL fragment starting with {@code AND}, or empty
 * @param args the values of its placeholders, in order
 */
public record ClaimFilter(String sql, List<Object> args) {
    /** Admits every run. */
    public static final ClaimFilter ANY = new ClaimFilter("", List.of());

    public ClaimFilter {
        args = List.copyOf(args);
    }
}
