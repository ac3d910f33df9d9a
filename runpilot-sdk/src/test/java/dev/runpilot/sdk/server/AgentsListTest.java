package dev.runpilot.sdk.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.runpilot.sdk.Run;
import dev.runpilot.sdk.RunPilot;
import dev.runpilot.sdk.RunPilotClient;
import dev.runpilot.sdk.RunStatus;
import dev.runpilot.sdk.agent.Agent;
import dev.runpilot.sdk.agent.AgentInfo;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code RunPilotClient.agents()}: the agents of a real server, with the runs they hold. */
class AgentsListTest {
    @TempDir
    Path dir;

    @Test
    void listsRegisteredAgentsWithTheirLabelsResourcesAndTheRunsTheyHold() {
        Instant before = Instant.now().minusSeconds(1);
        try (RunPilotServer server = ServerFixture.server(dir.resolve("home"))) {
            String userToken = server.tokens().createUserToken("team-a");
            String otherToken = server.tokens().createUserToken("team-b");
            String agentToken = server.tokens().createAgentToken();
            server.start();
            try (RunPilotClient client = ServerFixture.client(server.uri(), userToken);
                 RunPilotClient other = ServerFixture.client(server.uri(), otherToken)) {
                assertThat(client.agents()).isEmpty();
                try (Agent agent = Agent.builder().endpoint(server.uri()).token(agentToken).runtime("process")
                        .workDir(dir.resolve("work")).label("resource-class", "cpu-small").label("zone", "lab")
                        .gracePeriod(Duration.ofSeconds(1)).build().start()) {
                    Run run = client.submit(ServerFixture.shell("held", "sleep 30"));
                    await().atMost(Duration.ofSeconds(60)).until(() -> run.status() == RunStatus.RUNNING);

                    assertThat(client.agents()).singleElement().satisfies(info -> {
                        assertThat(info.id()).startsWith("agent-");
                        assertThat(info.host()).isNotBlank();
                        assertThat(info.labels()).containsEntry("zone", "lab");
                        assertThat(info.resourceClass()).contains("cpu-small");
                        assertThat(info.cpus()).isPositive();
                        assertThat(info.memoryBytes()).isPositive();
                        assertThat(info.slots()).isPositive();
                        assertThat(info.registeredAt()).isAfter(before);
                        assertThat(info.lastSeenAt()).isAfterOrEqualTo(info.registeredAt());
                        assertThat(info.online()).isTrue();
                        assertThat(info.runIds()).containsExactly(run.id());
                    });
                    // Another project sees the agent but not which of team-a's runs it holds.
                    assertThat(other.agents()).singleElement().satisfies(info -> assertThat(info.runIds()).isEmpty());

                    run.cancel();
                    await().atMost(Duration.ofSeconds(60)).until(() -> run.status().isTerminal());
                    assertThat(client.agents()).singleElement().satisfies(info -> assertThat(info.runIds()).isEmpty());
                }
            }
        }
    }

    @Test
    void anEmbeddedClientSaysItHasNoRegisteredAgents() {
        try (RunPilotClient client = RunPilot.client().inMemory().workers(0).build()) {
            assertThatThrownBy(client::agents).isInstanceOf(UnsupportedOperationException.class)
                    .hasMessageContaining("endpoint(");
        }
    }
}
