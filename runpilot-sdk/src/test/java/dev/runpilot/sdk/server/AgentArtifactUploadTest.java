package dev.runpilot.sdk.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runpilot.sdk.Artifact;
import dev.runpilot.sdk.Job;
import dev.runpilot.sdk.Run;
import dev.runpilot.sdk.RunPilot;
import dev.runpilot.sdk.RunPilotClient;
import dev.runpilot.sdk.RunStatus;
import dev.runpilot.sdk.agent.Agent;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Agents over HTTP upload the files matching a job's artifact globs through the server. */
class AgentArtifactUploadTest extends ServerTestSupport {
    private static final String CONTENT = "loss=0.25\n".repeat(1000);

    @Test
    void artifactsOfAnHttpAgentAreListedByHttpAndEmbeddedClients() throws Exception {
        String expectedSha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(CONTENT.getBytes(StandardCharsets.UTF_8)));
        Job job = Job.builder().name("writes-output")
                .entrypoint("mkdir -p out/sub && printf 'loss=0.25\\n%.0s' $(seq 1000) > out/sub/metrics.txt && echo no > skip.log")
                .artifacts("out/**").build();
        try (RunPilotClient client = ServerFixture.client(server.uri(), userToken);
             Agent agent = ServerFixture.agent(server.uri(), agentToken, dir.resolve("work")).start()) {
            Run run = client.submit(job);
            assertThat(run.await(Duration.ofSeconds(60)).orElseThrow().status()).isEqualTo(RunStatus.SUCCEEDED);

            List<Artifact> overHttp = run.artifacts();
            assertThat(overHttp).singleElement().satisfies(a -> {
                assertThat(a.path()).isEqualTo("out/sub/metrics.txt");
                assertThat(a.attempt()).isEqualTo(1);
                assertThat(a.size()).isEqualTo(CONTENT.length());
                assertThat(a.sha256()).contains(expectedSha);
            });
            try (RunPilotClient embedded = RunPilot.client().home(dir.resolve("home")).build()) {
                assertThat(embedded.run(run.id()).artifacts()).singleElement().satisfies(a -> {
                    assertThat(a.path()).isEqualTo("out/sub/metrics.txt");
                    assertThat(a.size()).isEqualTo(CONTENT.length());
                    assertThat(a.sha256()).contains(expectedSha);
                });
            }
        }
    }

    @Test
    void uploadsAreRefusedToAgentsThatDoNotHoldTheRunAndForTraversingKeys() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        String otherToken = server.tokens().createAgentToken();
        try (RunPilotClient client = ServerFixture.client(server.uri(), userToken)) {
            Run run = client.submit(ServerFixture.shell("held", "sleep 30"));
            try (Agent agent = ServerFixture.agent(server.uri(), agentToken, dir.resolve("work")).start()) {
                org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> run.status() == RunStatus.RUNNING);
                String holder = run.attempts().get(0).agentId();

                // Another token naming the holding agent: refused.
                assertThat(put(http, otherToken, run.id(), holder, "stolen.txt")).isIn(403, 404);
                // Another token's own agent, which does not hold the run: refused.
                String otherAgent = register(http, otherToken);
                assertThat(put(http, otherToken, run.id(), otherAgent, "stolen.txt")).isIn(403, 404, 409);
                // The holder, with a key that leaves the run's prefix: refused.
                assertThat(put(http, agentToken, run.id(), holder, "../../other/x")).isEqualTo(400);
                assertThat(put(http, agentToken, run.id(), holder, "a/./b")).isEqualTo(400);
                // The holder with a clean key: stored.
                assertThat(put(http, agentToken, run.id(), holder, "ok.txt")).isEqualTo(201);
                assertThat(run.artifacts()).extracting(Artifact::path).containsExactly("ok.txt");
                run.cancel();
            }
        }
    }

    private int put(HttpClient http, String token, String runId, String agentId, String key) throws Exception {
        URI uri = server.uri().resolve("/v1/runs/" + runId + "/artifacts/upload?agentId=" + agentId + "&key="
                + java.net.URLEncoder.encode(key, StandardCharsets.UTF_8));
        HttpRequest request = HttpRequest.newBuilder(uri).header("Authorization", "Bearer " + token)
                .PUT(HttpRequest.BodyPublishers.ofString("data")).build();
        return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private String register(HttpClient http, String token) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(server.uri().resolve("/v1/agents/register"))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"host\":\"other\",\"slots\":1,\"labels\":{},\"resources\":{}}")).build();
        String body = http.send(request, HttpResponse.BodyHandlers.ofString()).body();
        return new com.fasterxml.jackson.databind.ObjectMapper().readTree(body).path("agentId").asText();
    }
}
