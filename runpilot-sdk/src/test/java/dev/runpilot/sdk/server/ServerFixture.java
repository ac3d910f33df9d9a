package dev.runpilot.sdk.server;

import dev.runpilot.sdk.Job;
import dev.runpilot.sdk.RunPilot;
import dev.runpilot.sdk.RunPilotClient;
import dev.runpilot.sdk.agent.Agent;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;

/** Helpers for tests of the HTTP server: a server on a temporary home, clients and in-process agents. */
final class ServerFixture {
    private ServerFixture() {
    }

    static RunPilotServer server(Path home) {
        return RunPilotServer.builder().home(home).port(0).leaseDuration(Duration.ofSeconds(2)).build();
    }

    static RunPilotClient client(URI endpoint, String token) {
        return RunPilot.client().endpoint(endpoint).token(token).requestTimeout(Duration.ofSeconds(10)).build();
    }

    static Agent agent(URI endpoint, String token, Path workDir) {
        return Agent.builder().endpoint(endpoint).token(token).runtime("process").workDir(workDir)
                .gracePeriod(Duration.ofSeconds(1)).build();
    }

    static Job shell(String name, String script) {
        return Job.builder().name(name).entrypoint(script).build();
    }
}
