package dev.runpilot.sdk.server;

import dev.runpilot.sdk.internal.server.Principal;
import dev.runpilot.sdk.internal.server.TokenStore;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Creates and revokes the bearer tokens a {@link RunPilotServer} accepts.
 *
 * <p>A token is returned in clear once, when it is created; the server keeps only its SHA-256, so a
 * lost token cannot be shown again: revoke it and create another. Two kinds exist:
 * <ul>
 *   <li>a <em>user</em> token submits runs into its project and reads, follows and cancels that
 *       project's runs, nothing else;</li>
 *   <li>an <em>agent</em> token registers agents, claims runs, and renews and reports on the runs its
 *       agents hold, nothing else;</li>
 *   <li>a <em>run-bound agent token</em> ({@link #createRunAgentToken}) is an agent token that expires
 *       and whose agents can claim and report on one run only: the token a compute provider puts on a
 *       machine it launches for that run, where it cannot be kept secret from whoever can read the
 *       machine's configuration.</li>
 * </ul>
 * Tokens live in the server's database, so every server process on that database accepts them.
 * Thread-safe.
 */
public final class Tokens {
    /** The longest a run-bound agent token may live. */
    static final Duration MAX_RUN_TOKEN_LIFETIME = Duration.ofDays(7);

    private final TokenStore store;
    private final Predicate<String> runExists;
    private final Clock clock;

    Tokens(TokenStore store, Predicate<String> runExists, Clock clock) {
        this.store = store;
        this.runExists = runExists;
        this.clock = clock;
    }

    /**
     * Creates a user token for a project.
     *
     * @param project the project its runs belong to, such as {@code ml-team}
     * @return the token, in clear; shown only now
     */
    public String createUserToken(String project) {
        return createUserToken(project, "user token for " + project);
    }

    /**
     * Creates a named user token for a project.
     *
     * @param project the project its runs belong to
     * @param name a description, shown by {@code GET /v1/auth/me}
     * @return the token, in clear; shown only now
     */
    public String createUserToken(String project, String name) {
        Objects.requireNonNull(project, "project");
        Objects.requireNonNull(name, "name");
        if (project.isBlank() || !project.matches("[A-Za-z0-9._-]{1,100}")) {
            throw new IllegalArgumentException("Project name '" + project + "' must be 1 to 100 letters, digits, '.', '_' or '-'");
        }
        return store.create(Principal.Kind.USER, Optional.of(project), name);
    }

    /**
     * Creates an agent token.
     *
     * @return the token, in clear; shown only now
     */
    public String createAgentToken() {
        return createAgentToken("agent token");
    }

    /**
     * Creates a named agent token.
     *
     * @param name a description, such as the pool of hosts that use it
     * @return the token, in clear; shown only now
     */
    public String createAgentToken(String name) {
        Objects.requireNonNull(name, "name");
        return store.create(Principal.Kind.AGENT, Optional.empty(), name);
    }

    /**
     * Creates an agent token bound to one run, for the machine that runs it. An agent registered with
     * it is routed to that run alone, whatever labels it asks for, and like every agent reports only on
     * runs it holds; the token is refused with 401 once {@code validFor} has passed. Give it the run's
     * timeout plus the time a machine takes to boot and ship its logs.
     *
     * @param runId the run, which must exist on this server's database
     * @param validFor how long the token is accepted, at most 7 days
     * @return the token, in clear; shown only now
     * @throws IllegalArgumentException if the run does not exist, or {@code validFor} is not positive or
     *     longer than 7 days
     * @since 0.2.0
     */
    public String createRunAgentToken(String runId, Duration validFor) {
        Objects.requireNonNull(runId, "runId");
        Objects.requireNonNull(validFor, "validFor");
        if (validFor.isNegative() || validFor.isZero() || validFor.compareTo(MAX_RUN_TOKEN_LIFETIME) > 0) {
            throw new IllegalArgumentException("A run-bound agent token must be valid for more than 0 and at most "
                    + MAX_RUN_TOKEN_LIFETIME.toDays() + " days, was " + validFor);
        }
        if (!runExists.test(runId)) {
            throw new IllegalArgumentException("No run with id '" + runId + "' on this server's database; a run-bound agent"
                    + " token is created for an existing run");
        }
        return store.create(Principal.Kind.AGENT, Optional.empty(), "agent token for run " + runId, Optional.of(runId),
                Optional.of(clock.instant().plus(validFor)));
    }

    /**
     * Revokes a token: every request carrying it is refused with 401 from now on.
     *
     * @param token the token, in clear
     * @return true if it was a live token, false if it was unknown or already revoked
     */
    public boolean revoke(String token) {
        return store.revoke(Objects.requireNonNull(token, "token"));
    }

    @Override
    public String toString() {
        return "Tokens{}";
    }
}
