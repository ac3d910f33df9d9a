package dev.runpilot.sdk;

import dev.runpilot.sdk.config.Profiles;
import dev.runpilot.sdk.internal.engine.EmbeddedClientBuilder;
import dev.runpilot.sdk.internal.engine.Preload;
import dev.runpilot.sdk.internal.remote.RemoteClients;

/**
 * Static entry points to RunPilot.
 *
 * <pre>{@code
 * try (RunPilotClient client = RunPilot.client().build()) {
 *     Run run = client.submit(Job.builder().command("python", "train.py").build());
 *     run.await().requireSuccess();
 * }
 * }</pre>
 */
public final class RunPilot {
    private RunPilot() {
    }

    /**
     * Returns a builder for a client. With no options it opens the embedded control plane under
     * {@code ~/.runpilot} and runs jobs as local processes.
     *
     * @return a new builder
     */
    public static RunPilotClient.Builder client() {
        return new EmbeddedClientBuilder();
    }

    /**
     * Starts preparing, on a background daemon thread, the slowest first steps of opening an embedded client: the
     * SQLite driver and its native library, the time zone and calendar data its date
     * format loads, the random source behind run ids, and this host's name. Returns at once.
     *
     * <p>Worth calling first thing in a short-lived program that opens an embedded client after some start-up
     * work of its own, such as a command-line tool parsing its arguments: the two then overlap on a machine with
     * more than one core. The {@code runpilot} CLI does so. It opens no database and touches no RunPilot home (the
     * SQLite driver may unpack its native library into the temporary directory, as the first open would).
     * Calling it more than once, or not at all, changes only timing; anything that fails in it is reported by the
     * client open that needs it.
     */
    public static void preload() {
        Preload.start();
    }

    /**
     * Logs in to a RunPilot server: checks the token with the server ({@code POST /v1/auth/login}),
     * then stores the endpoint and token under the profile in the credentials file at its default
     * location ({@link Profiles#atDefaultLocation()}), created {@code 0600}.
     *
     * @param profile the profile name, such as {@code default} or {@code staging}
     * @param endpoint the server's base URI
     * @param token a user token
     * @return what the server says the token is: {@code kind}, {@code project}, {@code name}
     * @throws ApiException with status 401 if the server does not accept the token (nothing is stored)
     * @throws ControlPlaneException if the server cannot be reached
     */
    public static java.util.Map<String, String> login(String profile, java.net.URI endpoint, String token) {
        return login(Profiles.atDefaultLocation(), profile, endpoint, token);
    }

    /**
     * Like {@link #login(String, java.net.URI, String)}, storing into the given credentials file.
     *
     * @param profiles the credentials file
     * @param profile the profile name
     * @param endpoint the server's base URI
     * @param token a user token
     * @return what the server says the token is
     */
    public static java.util.Map<String, String> login(Profiles profiles, String profile, java.net.URI endpoint, String token) {
        java.util.Map<String, String> who = RemoteClients.verify(endpoint, token);
        profiles.save(profile, endpoint, token);
        return who;
    }

    /**
     * Logs out of a profile: removes its stored token (and refresh token) from the credentials file at
     * its default location, keeping the endpoint.
     *
     * @param profile the profile name
     * @return true if a token was removed
     */
    public static boolean logout(String profile) {
        return Profiles.atDefaultLocation().logout(profile);
    }
}
