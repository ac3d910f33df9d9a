package dev.runpilot.sdk.server;

import dev.runpilot.sdk.internal.server.Principal;
import dev.runpilot.sdk.internal.server.TokenStore;
import java.util.Objects;
import java.util.Optional;

/**
 * Creates and revokes the bearer tokens a {@link RunPilotServer} accepts.
 *
 * <p>A token is returned in clear once, when it is created; the server keeps only its SHA-256, so a
 * lost token cannot be shown again: revoke it and create another. Two kinds exist:
 * <ul>
 *   <li>a <em>user</em> token submits runs into its project and reads, follows and cancels that
 *       project's runs, nothing else;</li>
 *   <li>an <em>agent</em> token registers agents, claims runs, and renews and reports on the runs its
 *       agents hold, nothing else.</li>
 * </ul>
 * Tokens live in the server's database, so every server process on that database accepts them.
 * Thread-safe.
 */
public final class Tokens {
    private final TokenStore store;

    Tokens(TokenStore store) {
        this.store = store;
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
