package dev.runpilot.sdk.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.runpilot.sdk.Job;
import dev.runpilot.sdk.Run;
import dev.runpilot.sdk.RunPilotClient;
import dev.runpilot.sdk.RunStatus;
import dev.runpilot.sdk.agent.Agent;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code POST /v1/runs/acquire} with {@code max}: several runs in one call, and the one-run form unchanged. */
class BatchAcquireTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private RunPilotServer server;
    private String userToken;
    private String agentToken;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void startServer() {
        server = RunPilotServer.builder().home(dir.resolve("home")).port(0).leaseDuration(Duration.ofSeconds(30)).build();
        userToken = server.tokens().createUserToken("team-a");
        agentToken = server.tokens().createAgentToken();
        server.start();
    }

    @AfterEach
    void stopServer() {
        server.close();
    }

    @Test
    void acquireWithMaxHandsOutUpToMaxRunsEachHeldByTheAgent() throws Exception {
        List<String> submitted = submit(6, Job.builder().name("batch").command("true").build());
        String agentId = register("{\"host\":\"test\",\"slots\":4}");

        JsonNode first = acquire("{\"agentId\":\"" + agentId + "\",\"max\":4}", 200);
        JsonNode second = acquire("{\"agentId\":\"" + agentId + "\",\"max\":4}", 200);
        JsonNode third = acquire("{\"agentId\":\"" + agentId + "\",\"max\":4}", 200);

        assertThat(first.path("runs")).hasSize(4);
        assertThat(second.path("runs")).hasSize(2);
        assertThat(third.path("runs")).isEmpty();
        Set<String> ids = new HashSet<>();
        for (JsonNode run : List.of(first.path("runs"), second.path("runs")).stream().flatMap(r -> toList(r).stream()).toList()) {
            ids.add(run.path("runId").asText());
            assertThat(run.path("attempt").asInt()).isEqualTo(1);
            assertThat(run.path("leaseMillis").asLong()).isEqualTo(30_000);
            assertThat(run.path("job").path("name").asText()).isEqualTo("batch");
        }
        assertThat(ids).containsExactlyInAnyOrderElementsOf(submitted);
        try (RunPilotClient client = ServerFixture.client(server.uri(), userToken)) {
            for (String id : submitted) {
                Run run = client.findRun(id).orElseThrow();
                assertThat(run.info().status()).isEqualTo(RunStatus.ASSIGNED);
                assertThat(run.attempts()).singleElement().satisfies(a -> assertThat(a.agentId()).isEqualTo(agentId));
            }
        }
    }

    @Test
    void acquireWithoutMaxStillAnswersWithOneRunOr204() throws Exception {
        List<String> submitted = submit(2, Job.builder().name("single").command("true").build());
        String agentId = register("{\"host\":\"test\",\"slots\":4}");
        String body = "{\"agentId\":\"" + agentId + "\"}";

        JsonNode first = acquire(body, 200);
        JsonNode second = acquire(body, 200);
        acquire(body, 204);

        assertThat(List.of(first.path("runId").asText(), second.path("runId").asText())).containsExactlyElementsOf(submitted);
        assertThat(first.has("runs")).isFalse();
    }

    @Test
    void aMaxOutsideTheAgentsSlotsIsRefusedWith400AndClaimsNothing() throws Exception {
        List<String> submitted = submit(1, Job.builder().name("kept").command("true").build());
        String agentId = register("{\"host\":\"test\",\"slots\":2}");

        for (String max : new String[] {"0", "3", "\"2\"", "1.5"}) {
            HttpResponse<String> response = post("/v1/runs/acquire", agentToken, "{\"agentId\":\"" + agentId + "\",\"max\":" + max + "}");
            assertThat(response.statusCode()).as("max %s", max).isEqualTo(400);
            assertThat(response.body()).as("max %s", max).contains("bad_request").contains("slot");
        }
        try (RunPilotClient client = ServerFixture.client(server.uri(), userToken)) {
            assertThat(client.findRun(submitted.get(0)).orElseThrow().info().status()).isEqualTo(RunStatus.QUEUED);
        }
    }

    @Test
    void aBatchTakesOnlyRunsTheAgentsLabelsAdmit() throws Exception {
        List<String> t4 = submit(2, Job.builder().name("t4").label("gpu", "t4").command("true").build());
        List<String> a100 = submit(2, Job.builder().name("a100").label("gpu", "a100").command("true").build());
        String agentId = register("{\"host\":\"test\",\"slots\":8,\"labels\":{\"gpu\":\"t4\"}}");

        JsonNode batch = acquire("{\"agentId\":\"" + agentId + "\",\"max\":8}", 200);

        assertThat(toList(batch.path("runs"))).extracting(r -> r.path("runId").asText()).containsExactlyElementsOf(t4);
        try (RunPilotClient client = ServerFixture.client(server.uri(), userToken)) {
            for (String id : a100) {
                assertThat(client.findRun(id).orElseThrow().info().status()).isEqualTo(RunStatus.QUEUED);
            }
        }
    }

    @Test
    void anAgentWithSeveralWorkersRunsABurstOfRunsEachExactlyOnce() {
        try (RunPilotClient client = ServerFixture.client(server.uri(), userToken)) {
            List<Run> runs = new ArrayList<>();
            for (int i = 0; i < 24; i++) {
                runs.add(client.submit(Job.builder().name("burst-" + i).command("true").build()));
            }
            try (Agent agent = Agent.builder().endpoint(server.uri()).token(agentToken).runtime("process").workers(4)
                    .workDir(dir.resolve("work")).build().start()) {
                for (Run run : runs) {
                    assertThat(run.await(Duration.ofSeconds(60)).orElseThrow().status()).isEqualTo(RunStatus.SUCCEEDED);
                    assertThat(run.attempts()).singleElement().satisfies(a -> assertThat(a.agentId()).isEqualTo(agent.id()));
                }
            }
        }
    }

    private List<String> submit(int count, Job job) {
        List<String> ids = new ArrayList<>();
        try (RunPilotClient client = ServerFixture.client(server.uri(), userToken)) {
            for (int i = 0; i < count; i++) {
                ids.add(client.submit(job).id());
            }
        }
        return ids;
    }

    private String register(String body) throws Exception {
        HttpResponse<String> response = post("/v1/agents/register", agentToken, body);
        assertThat(response.statusCode()).isEqualTo(201);
        return JSON.readTree(response.body()).path("agentId").asText();
    }

    private JsonNode acquire(String body, int expectedStatus) throws Exception {
        HttpResponse<String> response = post("/v1/runs/acquire", agentToken, body);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(expectedStatus);
        return response.body().isEmpty() ? JSON.createObjectNode() : JSON.readTree(response.body());
    }

    private static List<JsonNode> toList(JsonNode array) {
        List<JsonNode> result = new ArrayList<>();
        array.forEach(result::add);
        return result;
    }

    private HttpResponse<String> post(String path, String token, String body) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(server.uri() + path))
                .POST(HttpRequest.BodyPublishers.ofString(body)).header("Authorization", "Bearer " + token).build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }
}
