package dev.runpilot.sdk.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.runpilot.sdk.ApiException;
import dev.runpilot.sdk.Run;
import dev.runpilot.sdk.RunPilotClient;
import dev.runpilot.sdk.RunQuery;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every refusal of the API: the right status, a JSON error with a code, and none of the data asked for. */
class AuthMatrixTest {
    @TempDir
    Path dir;

    private RunPilotServer server;
    private String teamA;
    private String teamB;
    private String agentToken;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void startServer() {
        server = ServerFixture.server(dir.resolve("home"));
        teamA = server.tokens().createUserToken("team-a");
        teamB = server.tokens().createUserToken("team-b");
        agentToken = server.tokens().createAgentToken();
        server.start();
    }

    @AfterEach
    void stopServer() {
        server.close();
    }

    @Test
    void requestWithoutTokenIsRefusedWith401AndNoRuns() throws Exception {
        String runId = submitAs(teamA);
        HttpResponse<String> response = send("GET", "/v1/runs", null, null);

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
        assertThat(response.body()).contains("\"code\":\"unauthorized\"").doesNotContain(runId).doesNotContain("\"runs\"");
    }

    @Test
    void wrongTokenIsRefusedWith401() throws Exception {
        String runId = submitAs(teamA);
        HttpResponse<String> response = send("GET", "/v1/runs/" + runId, "rpu_not-a-real-token", null);

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.body()).contains("unauthorized").doesNotContain("\"status\"");
    }

    @Test
    void revokedTokenIsRefusedWith401() throws Exception {
        String token = server.tokens().createUserToken("team-a");
        assertThat(send("GET", "/v1/runs", token, null).statusCode()).isEqualTo(200);

        assertThat(server.tokens().revoke(token)).isTrue();

        assertThat(send("GET", "/v1/runs", token, null).statusCode()).isEqualTo(401);
    }

    @Test
    void agentTokenSubmittingIsRefusedWith403AndCreatesNoRun() throws Exception {
        HttpResponse<String> response = send("POST", "/v1/runs", agentToken, "{\"job\":{\"name\":\"x\",\"command\":[\"true\"]}}");

        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(response.body()).contains("\"code\":\"forbidden\"").doesNotContain("\"id\"");
        try (RunPilotClient client = ServerFixture.client(server.uri(), teamA)) {
            assertThat(client.list().runs()).isEmpty();
        }
    }

    @Test
    void agentTokenThroughTheSdkGetsApiExceptionWith403() {
        try (RunPilotClient client = ServerFixture.client(server.uri(), agentToken)) {
            assertThatThrownBy(() -> client.submit(ServerFixture.shell("x", "true")))
                    .isInstanceOfSatisfying(ApiException.class, e -> {
                        assertThat(e.statusCode()).isEqualTo(403);
                        assertThat(e.errorCode()).isEqualTo("forbidden");
                    });
        }
    }

    @Test
    void userReadingAnotherProjectsRunIsRefusedWithNoData() throws Exception {
        String runId = submitAs(teamA);

        for (String path : new String[] {"/v1/runs/" + runId, "/v1/runs/" + runId + "/logs", "/v1/runs/" + runId + "/events",
                "/v1/runs/" + runId + "/job", "/v1/runs/" + runId + "/logs/follow"}) {
            HttpResponse<String> response = send("GET", path, teamB, null);
            assertThat(response.statusCode()).as(path).isEqualTo(404);
            assertThat(response.body()).as(path).contains("\"code\":\"not_found\"").doesNotContain("\"name\"");
        }
        assertThat(send("POST", "/v1/runs/" + runId + "/cancel", teamB, null).statusCode()).isEqualTo(404);
        try (RunPilotClient client = ServerFixture.client(server.uri(), teamB)) {
            assertThat(client.list(RunQuery.all()).runs()).isEmpty();
            assertThat(client.findRun(runId)).isEmpty();
        }
        try (RunPilotClient client = ServerFixture.client(server.uri(), teamA)) {
            assertThat(client.findRun(runId)).map(Run::id).hasValue(runId);
        }
    }

    @Test
    void userTokenClaimingIsRefusedWith403() throws Exception {
        submitAs(teamA);
        HttpResponse<String> response = send("POST", "/v1/runs/acquire", teamA, "{\"agentId\":\"agent-x\"}");

        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(response.body()).contains("forbidden").doesNotContain("runId");
    }

    @Test
    void agentReportingOnARunItDoesNotHoldIsRefused() throws Exception {
        String runId = submitAs(teamA);
        String agentId = register(agentToken);
        String otherToken = server.tokens().createAgentToken();

        HttpResponse<String> notHeld = send("PUT", "/v1/runs/" + runId + "/logs", agentToken,
                "{\"agentId\":\"" + agentId + "\",\"lines\":[]}");
        HttpResponse<String> foreignAgent = send("PATCH", "/v1/runs/" + runId, otherToken,
                "{\"agentId\":\"" + agentId + "\",\"attempt\":1,\"end\":{\"exitCode\":0,\"message\":\"x\"}}");

        assertThat(notHeld.statusCode()).isEqualTo(409);
        assertThat(notHeld.body()).contains("lease_lost");
        assertThat(foreignAgent.statusCode()).isEqualTo(403);
    }

    @Test
    void runBoundAgentTokenClaimsItsRunAndNothingElse() throws Exception {
        String first = submitAs(teamA);
        String bound = submitAs(teamA);
        String token = server.tokens().createRunAgentToken(bound, Duration.ofHours(1));
        // Asks for no run; the token routes it to its own.
        String agentId = register(token);

        HttpResponse<String> claim = send("POST", "/v1/runs/acquire", token, "{\"agentId\":\"" + agentId + "\"}");
        HttpResponse<String> again = send("POST", "/v1/runs/acquire", token, "{\"agentId\":\"" + agentId + "\"}");
        HttpResponse<String> reportOnOther = send("PUT", "/v1/runs/" + first + "/logs", token,
                "{\"agentId\":\"" + agentId + "\",\"lines\":[]}");

        assertThat(claim.statusCode()).isEqualTo(200);
        assertThat(claim.body()).contains("\"runId\":\"" + bound + "\"").doesNotContain(first);
        assertThat(again.statusCode()).as("the queued run of the same project is not its").isEqualTo(204);
        assertThat(reportOnOther.statusCode()).isEqualTo(409);
        assertThat(send("GET", "/v1/auth/me", token, null).body()).contains("\"kind\":\"agent\"", "\"runId\":\"" + bound + "\"");
    }

    @Test
    void runBoundAgentTokenCannotRegisterAnAgentForAnotherRun() throws Exception {
        String bound = submitAs(teamA);
        String other = submitAs(teamA);
        String token = server.tokens().createRunAgentToken(bound, Duration.ofHours(1));

        HttpResponse<String> response = send("POST", "/v1/agents/register", token,
                "{\"host\":\"test\",\"slots\":1,\"labels\":{\"runpilot.run-id\":\"" + other + "\"}}");

        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(response.body()).contains("bound to run " + bound).doesNotContain("agentId");
    }

    @Test
    void expiredTokenIsRefusedWith401() throws Exception {
        String runId = submitAs(teamA);
        String token = server.tokens().createRunAgentToken(runId, Duration.ofMillis(300));

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            HttpResponse<String> response = send("POST", "/v1/agents/register", token, "{\"host\":\"late\",\"slots\":1}");
            assertThat(response.statusCode()).isEqualTo(401);
            assertThat(response.body()).contains("unauthorized").doesNotContain("agentId");
        });
    }

    @Test
    void runBoundTokensAreIssuedOnlyForExistingRunsAndBoundedLifetimes() {
        String runId = submitAs(teamA);

        assertThatThrownBy(() -> server.tokens().createRunAgentToken("run-that-never-was", Duration.ofHours(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("run-that-never-was");
        assertThatThrownBy(() -> server.tokens().createRunAgentToken(runId, Duration.ofDays(8)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at most 7 days");
        assertThatThrownBy(() -> server.tokens().createRunAgentToken(runId, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void malformedAndOversizedBodiesGetJsonErrorsWithoutStackTraces() throws Exception {
        HttpResponse<String> malformed = send("POST", "/v1/runs", teamA, "{\"job\": {");
        HttpResponse<String> oversized = send("POST", "/v1/runs", teamA, "{\"job\":\"" + "x".repeat(2 << 20) + "\"}");
        HttpResponse<String> unknown = send("GET", "/v1/nothing-here", teamA, null);

        assertThat(malformed.statusCode()).isEqualTo(400);
        assertThat(malformed.body()).contains("bad_request").doesNotContain("at com.").doesNotContain("Exception");
        assertThat(oversized.statusCode()).isEqualTo(413);
        assertThat(oversized.body()).contains("payload_too_large");
        assertThat(unknown.statusCode()).isEqualTo(404);
    }

    @Test
    void healthNeedsNoToken() throws Exception {
        HttpResponse<String> response = send("GET", "/v1/health", null, null);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("\"status\":\"ok\"");
    }

    @Test
    void meAndProjectsDescribeTheToken() throws Exception {
        assertThat(send("GET", "/v1/auth/me", teamA, null).body()).contains("\"project\":\"team-a\"").doesNotContain(teamA);
        assertThat(send("GET", "/v1/projects", teamA, null).body()).contains("team-a").doesNotContain("team-b");
        assertThat(send("POST", "/v1/auth/login", null, "{\"token\":\"" + teamB + "\"}").body()).contains("team-b");
        assertThat(send("POST", "/v1/auth/login", null, "{\"token\":\"nope\"}").statusCode()).isEqualTo(401);
    }

    private String submitAs(String token) {
        try (RunPilotClient client = ServerFixture.client(server.uri(), token)) {
            return client.submit(ServerFixture.shell("secret-name", "true")).id();
        }
    }

    private String register(String token) throws Exception {
        HttpResponse<String> response = send("POST", "/v1/agents/register", token, "{\"host\":\"test\",\"slots\":1}");
        assertThat(response.statusCode()).isEqualTo(201);
        return response.body().replaceAll(".*\"agentId\":\"([^\"]+)\".*", "$1");
    }

    private HttpResponse<String> send(String method, String path, String token, String body) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.uri() + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
