package dev.runpilot.sdk.server;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import dev.runpilot.sdk.RetryPolicy;
import dev.runpilot.sdk.Run;
import dev.runpilot.sdk.RunInfo;
import dev.runpilot.sdk.RunPilot;
import dev.runpilot.sdk.RunPilotClient;
import dev.runpilot.sdk.RunQuery;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * WireMock sits between the client and a real server, proxying to it, and injects one fault into
 * the first submission: the retried submission must never leave a second run behind.
 */
class ClientFaultInjectionTest {
    @TempDir
    Path dir;

    private RunPilotServer server;
    private WireMockServer proxy;
    private String token;

    @BeforeEach
    void start() {
        server = ServerFixture.server(dir.resolve("home"));
        token = server.tokens().createUserToken("team-a");
        server.start();
        proxy = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
        proxy.start();
        proxy.stubFor(any(anyUrl()).atPriority(10).willReturn(aResponse().proxiedFrom(server.uri().toString())));
    }

    @AfterEach
    void stop() {
        proxy.stop();
        server.close();
    }

    @Test
    void connectionResetOnSubmitIsRetriedIntoOneRun() {
        firstSubmitAnswers(r -> r.withFault(Fault.CONNECTION_RESET_BY_PEER));
        assertSubmitsCreateExactlyOneRunEach(3);
    }

    @Test
    void serviceUnavailableWithRetryAfterIsHonouredAndRetried() {
        firstSubmitAnswers(r -> r.withStatus(503).withHeader("Retry-After", "1").withBody("{\"error\":{\"code\":\"busy\"}}"));
        assertSubmitsCreateExactlyOneRunEach(3);
    }

    @Test
    void responseLostAfterTheServerCreatedTheRunDoesNotCreateASecond() {
        // The first submission reaches the server, which creates the run; its answer comes too late for the client.
        firstSubmitAnswers(r -> r.proxiedFrom(server.uri().toString()).withFixedDelay(3_000));
        List<String> ids = assertSubmitsCreateExactlyOneRunEach(2);
        assertThat(proxy.findAll(postRequestedFor(urlEqualTo("/v1/runs")))).hasSizeGreaterThan(ids.size());
    }

    @Test
    void malformedBodyIsAskedAgainWithTheSameKey() {
        firstSubmitAnswers(r -> r.proxiedFrom(server.uri().toString()).withFault(Fault.MALFORMED_RESPONSE_CHUNK));
        assertSubmitsCreateExactlyOneRunEach(2);
    }

    @Test
    void garbledJsonAnswerIsAskedAgainWithTheSameKey() {
        firstSubmitAnswers(r -> r.withStatus(201).withHeader("Content-Type", "application/json").withBody("{\"id\": "));
        assertSubmitsCreateExactlyOneRunEach(2);
    }

    private void firstSubmitAnswers(UnaryOperator<com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder> fault) {
        proxy.stubFor(post(urlEqualTo("/v1/runs")).atPriority(1).inScenario("fault").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(fault.apply(aResponse())).willSetStateTo("healed"));
    }

    private List<String> assertSubmitsCreateExactlyOneRunEach(int submits) {
        List<String> ids = new ArrayList<>();
        try (RunPilotClient client = RunPilot.client().endpoint(URI.create(proxy.baseUrl())).token(token)
                .requestTimeout(Duration.ofSeconds(1))
                .retry(RetryPolicy.builder().maxAttempts(5).initialBackoff(Duration.ofMillis(50)).maxBackoff(Duration.ofMillis(500))
                        .build())
                .build()) {
            for (int i = 0; i < submits; i++) {
                Run run = client.submit(ServerFixture.shell("job-" + i, "true"));
                ids.add(run.id());
            }
        }
        try (RunPilotClient direct = ServerFixture.client(server.uri(), token)) {
            List<RunInfo> stored = direct.list(RunQuery.builder().limit(100).build()).runs();
            assertThat(stored).extracting(RunInfo::id).containsExactlyInAnyOrderElementsOf(ids);
            assertThat(stored).extracting(RunInfo::name).doesNotHaveDuplicates();
        }
        return ids;
    }
}
