package dev.runpilot.sdk.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.runpilot.sdk.Job;
import dev.runpilot.sdk.Run;
import dev.runpilot.sdk.RunPilotClient;
import dev.runpilot.sdk.RunStatus;
import dev.runpilot.sdk.agent.Agent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Agents over HTTP: routing by labels and resource class, single-job mode, idle timeout, drain on SIGTERM. */
class AgentBehaviourTest extends ServerTestSupport {
    @Test
    void runsAreRoutedByResourceClassAndLabels() {
        try (RunPilotClient client = ServerFixture.client(server.uri(), userToken)) {
            Run gpu = client.submit(Job.builder().name("gpu").resourceClass("gpu-large").command("true").build());
            Run us = client.submit(Job.builder().name("us").label("region", "us").command("true").build());
            Run eu = client.submit(Job.builder().name("eu").label("region", "eu").label("team", "ml").command("true").build());
            try (Agent gpuAgent = Agent.builder().endpoint(server.uri()).token(agentToken).runtime("process")
                    .workDir(dir.resolve("w1")).label("resource-class", "gpu-large").label("region", "us").build().start();
                 Agent euAgent = Agent.builder().endpoint(server.uri()).token(agentToken).runtime("process")
                         .workDir(dir.resolve("w2")).label("region", "eu").build().start()) {
                for (Run run : new Run[] {gpu, us, eu}) {
                    assertThat(run.await(Duration.ofSeconds(30)).orElseThrow().status()).isEqualTo(RunStatus.SUCCEEDED);
                }
                assertThat(gpu.attempts().get(0).agentId()).isEqualTo(gpuAgent.id());
                assertThat(us.attempts().get(0).agentId()).isEqualTo(gpuAgent.id());
                assertThat(eu.attempts().get(0).agentId()).isEqualTo(euAgent.id());
            }
        }
    }

    @Test
    void singleJobModeRunsOneRunThenStops() {
        try (RunPilotClient client = ServerFixture.client(server.uri(), userToken)) {
            Run first = client.submit(ServerFixture.shell("first", "true"));
            Run second = client.submit(ServerFixture.shell("second", "true"));
            try (Agent agent = Agent.builder().endpoint(server.uri()).token(agentToken).runtime("process").workers(2).once()
                    .workDir(dir.resolve("work")).build().start()) {
                assertThat(agent.awaitTermination(Duration.ofSeconds(30))).isTrue();
            }
            assertThat(first.status()).isEqualTo(RunStatus.SUCCEEDED);
            assertThat(second.status()).isEqualTo(RunStatus.QUEUED);
        }
    }

    @Test
    void idleAgentStopsAfterItsIdleTimeout() {
        try (Agent agent = Agent.builder().endpoint(server.uri()).token(agentToken).runtime("process")
                .idleTimeout(Duration.ofMillis(500)).workDir(dir.resolve("work")).build().start()) {
            assertThat(agent.awaitTermination(Duration.ofSeconds(30))).isTrue();
        }
    }

    @Test
    void sigtermDrainsTheAgentProcessAfterItsCurrentRun() throws Exception {
        Path marker = dir.resolve("finished");
        try (RunPilotClient client = ServerFixture.client(server.uri(), userToken); ChildJvms jvms = new ChildJvms(dir)) {
            Process agent = jvms.agent(server.uri(), agentToken, 1, dir.resolve("work"));
            Run current = client.submit(ServerFixture.shell("current", "sleep 2; echo done > " + marker));
            await().atMost(Duration.ofSeconds(60)).until(() -> current.status() == RunStatus.RUNNING);

            agent.destroy(); // SIGTERM
            Run next = client.submit(ServerFixture.shell("next", "true"));

            assertThat(agent.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(current.status()).isEqualTo(RunStatus.SUCCEEDED);
            assertThat(Files.readString(marker).trim()).isEqualTo("done");
            assertThat(next.status()).isEqualTo(RunStatus.QUEUED);
        }
    }
}
