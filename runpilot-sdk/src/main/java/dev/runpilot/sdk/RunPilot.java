package dev.runpilot.sdk;

import dev.runpilot.sdk.internal.engine.EmbeddedClientBuilder;

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
}
