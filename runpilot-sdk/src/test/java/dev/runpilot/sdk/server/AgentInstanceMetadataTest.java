package dev.runpilot.sdk.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.runpilot.sdk.Attempt;
import dev.runpilot.sdk.FailureReason;
import dev.runpilot.sdk.Job;
import dev.runpilot.sdk.LogLine;
import dev.runpilot.sdk.RetryPolicy;
import dev.runpilot.sdk.Run;
import dev.runpilot.sdk.RunPilot;
import dev.runpilot.sdk.RunPilotClient;
import dev.runpilot.sdk.RunPilotException;
import dev.runpilot.sdk.RunStatus;
import dev.runpilot.sdk.agent.Agent;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An agent reading EC2 instance metadata (IMDSv2) from a stub on 127.0.0.1: its identity becomes
 * labels and attempt data, and a spot interruption notice drains it and queues its run again.
 */
class AgentInstanceMetadataTest {
    @TempDir
    Path dir;

    private RunPilotServer server;
    private String userToken;
    private String agentToken;
    private ImdsStub imds;

    @BeforeEach
    void start() throws Exception {
        server = ServerFixture.server(dir.resolve("home"));
        userToken = server.tokens().createUserToken("team-a");
        agentToken = server.tokens().createAgentToken();
        server.start();
        imds = new ImdsStub("i-0abc123def4567890", "c7g.large", "eu-west-1b", "spot");
    }

    @AfterEach
    void stop() {
        imds.close();
        server.close();
    }

    private Agent.Builder spotAgent(String workDir) {
        return Agent.builder().endpoint(server.uri()).token(agentToken).runtime("process").workDir(dir.resolve(workDir))
                .gracePeriod(Duration.ofSeconds(5)).instanceMetadata(imds.endpoint())
                .spotInterruptionCheck(Duration.ofMillis(100));
    }

    @Test
    void instanceIdentityBecomesAgentLabelsAndAttemptData() throws Exception {
        String runId;
        try (RunPilotClient client = ServerFixture.client(server.uri(), userToken);
             Agent agent = spotAgent("work").label("ec2.instance-type", "set-by-hand").build().start()) {
            Run run = client.submit(ServerFixture.shell("identity", "true"));
            assertThat(run.await(Duration.ofSeconds(30)).orElseThrow().status()).isEqualTo(RunStatus.SUCCEEDED);
            runId = run.id();
            JsonNode labels = agentLabels(agent.id());
            assertThat(labels.path("ec2.instance-id").asText()).isEqualTo("i-0abc123def4567890");
            assertThat(labels.path("ec2.availability-zone").asText()).isEqualTo("eu-west-1b");
            assertThat(labels.path("ec2.lifecycle").asText()).isEqualTo("spot");
            assertThat(labels.path("ec2.instance-type").asText()).as("labels set by hand win").isEqualTo("set-by-hand");
            await().atMost(10, TimeUnit.SECONDS).until(() -> imds.noticeChecks() > 0);
        }
        assertThat(attemptData(runId, 1)).containsEntry("ec2.instance-id", "i-0abc123def4567890")
                .containsEntry("ec2.instance-type", "c7g.large").containsEntry("ec2.availability-zone", "eu-west-1b")
                .containsEntry("ec2.lifecycle", "spot");
    }

    @Test
    void spotInterruptionNoticeDrainsTheAgentAndQueuesItsRunAgain() throws Exception {
        Path marker = dir.resolve("second-attempt");
        String script = "if [ -f '" + marker + "' ]; then echo second attempt; exit 0; fi; touch '" + marker + "'; "
                + "trap 'echo got SIGTERM; exit 143' TERM; echo started; while true; do sleep 0.1; done";
        Job job = Job.builder().name("spot").entrypoint(script)
                .retry(RetryPolicy.builder().maxAttempts(2).initialBackoff(Duration.ZERO).build()).build();
        String runId;
        try (RunPilotClient client = ServerFixture.client(server.uri(), userToken)) {
            Run run = client.submit(job);
            runId = run.id();
            String spotAgentId;
            try (Agent spot = spotAgent("spot").build().start()) {
                spotAgentId = spot.id();
                await().atMost(30, TimeUnit.SECONDS).until(() -> texts(run.logs().read()).contains("started"));
                imds.interrupt("2026-11-29T18:00:00Z");
                assertThat(spot.awaitTermination(Duration.ofSeconds(30))).as("the spot agent stops after draining").isTrue();
            }
            await().atMost(30, TimeUnit.SECONDS).until(() -> !run.attempts().isEmpty() && run.attempts().get(0).endedAt().isPresent());
            Attempt first = run.attempts().get(0);
            assertThat(first.agentId()).isEqualTo(spotAgentId);
            assertThat(first.reason()).contains(FailureReason.LEASE_LOST);
            assertThat(first.message()).contains("spot interruption notice");
            assertThat(run.status()).isIn(RunStatus.QUEUED);
            List<String> firstLog = texts(run.logs().read().stream().filter(l -> l.attempt() == 1).toList());
            assertThat(firstLog).contains("started", "got SIGTERM");
            assertThat(String.join("\n", firstLog)).contains("spot interruption notice");

            try (Agent second = ServerFixture.agent(server.uri(), agentToken, dir.resolve("second")).start()) {
                assertThat(run.await(Duration.ofSeconds(30)).orElseThrow().status()).isEqualTo(RunStatus.SUCCEEDED);
                assertThat(run.attempts()).hasSize(2);
                assertThat(run.attempts().get(1).agentId()).isEqualTo(second.id());
            }
        }
        assertThat(attemptData(runId, 1)).containsEntry("ec2.lifecycle", "spot");
        assertThat(attemptData(runId, 2)).as("the second agent reads no instance metadata").isEmpty();
    }

    @Test
    void anAgentThatCannotReadItsInstanceMetadataRefusesToStart() {
        URI nothing = imds.endpoint();
        imds.close();
        Agent agent = Agent.builder().endpoint(server.uri()).token(agentToken).runtime("process").workDir(dir.resolve("w"))
                .instanceMetadata(nothing).build();
        try (agent) {
            assertThatThrownBy(agent::start).isInstanceOf(RunPilotException.class).hasMessageContaining(nothing.toString());
        }
    }

    private static List<String> texts(List<LogLine> lines) {
        return lines.stream().map(LogLine::text).toList();
    }

    private JsonNode agentLabels(String agentId) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(server.uri().resolve("/v1/agents"))
                .header("Authorization", "Bearer " + userToken).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        for (JsonNode agent : new ObjectMapper().readTree(response.body()).path("agents")) {
            if (agent.path("id").asText().equals(agentId)) {
                return agent.path("labels");
            }
        }
        throw new AssertionError("agent " + agentId + " is not listed: " + response.body());
    }

    /** Reads attempt data from the server's database, once the server is stopped and every run ended. */
    private Map<String, String> attemptData(String runId, int attempt) {
        server.close();
        try (RunPilotClient embedded = RunPilot.client().home(dir.resolve("home")).runtime("process").build()) {
            return embedded.run(runId).attemptData(attempt);
        }
    }
}
