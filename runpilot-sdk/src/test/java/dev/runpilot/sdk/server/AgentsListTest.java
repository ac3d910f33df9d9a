package dev.runpilot.sdk.server;

import static org.assertj.core.api.Assertions.assertThat;
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
    void anEmbeddedClientSharingTheServersHomeListsItsAgentsWithTheRunsOfEveryProject() {
        try (RunPilotServer server = ServerFixture.server(dir.resolve("home"))) {
            String userToken = server.tokens().createUserToken("team-a");
            String otherToken = server.tokens().createUserToken("team-b");
            String agentToken = server.tokens().createAgentToken();
            server.start();
            try (RunPilotClient embedded = RunPilot.client().home(dir.resolve("home")).workers(0).build();
                 RunPilotClient client = ServerFixture.client(server.uri(), userToken);
                 RunPilotClient other = ServerFixture.client(server.uri(), otherToken)) {
                assertThat(embedded.agents()).isEmpty();
                try (Agent agent = Agent.builder().endpoint(server.uri()).token(agentToken).runtime("process").workers(2)
                        .workDir(dir.resolve("work")).label("resource-class", "cpu-small").label("zone", "lab")
                        .gracePeriod(Duration.ofSeconds(1)).build().start()) {
                    await().atMost(Duration.ofSeconds(30)).until(() -> !embedded.agents().isEmpty());
                    assertThat(embedded.agents()).singleElement().satisfies(info -> {
                        assertThat(info.id()).isEqualTo(agent.id());
                        assertThat(info.labels()).containsEntry("zone", "lab");
                        assertThat(info.resourceClass()).contains("cpu-small");
                        assertThat(info.slots()).isEqualTo(2);
                        assertThat(info.cpus()).isPositive();
                        assertThat(info.online()).isTrue();
                        assertThat(info.runIds()).isEmpty();
                    });

                    Run mine = client.submit(ServerFixture.shell("held-a", "sleep 30"));
                    Run theirs = other.submit(ServerFixture.shell("held-b", "sleep 30"));
                    await().atMost(Duration.ofSeconds(60))
                            .until(() -> mine.status() == RunStatus.RUNNING && theirs.status() == RunStatus.RUNNING);

                    // The embedded client reads the database directly: it names the runs of both projects,
                    // where each project's remote client names only its own.
                    assertThat(embedded.agents()).singleElement()
                            .satisfies(info -> assertThat(info.runIds()).containsExactlyInAnyOrder(mine.id(), theirs.id()));
                    assertThat(client.agents()).singleElement()
                            .satisfies(info -> assertThat(info.runIds()).containsExactly(mine.id()));
                    // Both go through one mapping: apart from what each may see, the descriptions agree.
                    AgentInfo direct = embedded.agents().get(0);
                    AgentInfo remote = client.agents().get(0);
                    assertThat(remote).usingRecursiveComparison().ignoringFields("runIds", "lastSeenAt").isEqualTo(direct);

                    mine.cancel();
                    theirs.cancel();
                    await().atMost(Duration.ofSeconds(60)).until(() -> mine.status().isTerminal() && theirs.status().isTerminal());
                    assertThat(embedded.agents()).singleElement().satisfies(info -> assertThat(info.runIds()).isEmpty());
                }
            }
        }
    }

    @Test
    void aFreshEmbeddedClientHasNoAgents() {
        try (RunPilotClient client = RunPilot.client().inMemory().workers(0).build()) {
            assertThat(client.agents()).isEmpty();
        }
        try (RunPilotClient client = RunPilot.client().home(dir.resolve("fresh")).workers(0).build()) {
            assertThat(client.agents()).isEmpty();
        }
    }
}
