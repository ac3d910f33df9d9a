package dev.runpilot.sdk.server;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import dev.runpilot.sdk.Job;
import dev.runpilot.sdk.LogLine;
import dev.runpilot.sdk.RetryPolicy;
import dev.runpilot.sdk.Run;
import dev.runpilot.sdk.RunPilot;
import dev.runpilot.sdk.RunPilotClient;
import dev.runpilot.sdk.RunResult;
import dev.runpilot.sdk.RunStatus;
import dev.runpilot.sdk.agent.Agent;
import dev.runpilot.sdk.archive.EncryptionKey;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * WireMock between the client and a real server breaks the first bundle upload: the client's retry
 * of the PUT is safe (the bundle is content-addressed) and the run still gets its tree.
 *
 * <p>The bundles here are encrypted: WireMock un-gzips any request body that starts with the gzip
 * magic number before proxying it (wiremock/wiremock#547), and the server rightly refuses such a
 * changed plain bundle as not the declared one.
 */
class SourceUploadFaultTest {
    private static final String UPLOAD = "/v1/runs/[^/]+/artifacts/code";

    @TempDir
    Path dir;

    private RunPilotServer server;
    private WireMockServer proxy;
    private String userToken;
    private String agentToken;

    @BeforeEach
    void start() {
        server = ServerFixture.server(dir.resolve("home"));
        userToken = server.tokens().createUserToken("team-a");
        agentToken = server.tokens().createAgentToken();
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
    void aConnectionResetOnTheUploadIsRetriedAndTheRunGetsItsTree() throws IOException {
        firstUploadAnswers(r -> r.withFault(Fault.CONNECTION_RESET_BY_PEER));
        submitTreeAndRunIt();
    }

    @Test
    void anUploadAnswerLostAfterTheServerStoredTheBundleIsHarmless() throws IOException {
        // The first PUT reaches the server, which stores the bundle and releases the run; the answer comes too late.
        firstUploadAnswers(r -> r.proxiedFrom(server.uri().toString()).withFixedDelay(3_000));
        submitTreeAndRunIt();
    }

    private void firstUploadAnswers(UnaryOperator<com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder> fault) {
        proxy.stubFor(put(urlMatching(UPLOAD)).atPriority(1).inScenario("fault").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(fault.apply(aResponse())).willSetStateTo("healed"));
    }

    private void submitTreeAndRunIt() throws IOException {
        Path tree = Files.createDirectories(dir.resolve("tree"));
        Files.writeString(tree.resolve("greeting.txt"), "hello through a flaky network\n");
        EncryptionKey key = EncryptionKey.generate();
        try (RunPilotClient client = RunPilot.client().endpoint(URI.create(proxy.baseUrl())).token(userToken).encryptionKey(key)
                .requestTimeout(Duration.ofSeconds(1))
                .retry(RetryPolicy.builder().maxAttempts(5).initialBackoff(Duration.ofMillis(50)).maxBackoff(Duration.ofMillis(500))
                        .build())
                .build();
             Agent agent = Agent.builder().endpoint(server.uri()).token(agentToken).runtime("process").workDir(dir.resolve("work"))
                     .encryptionKey(key).build().start()) {
            Run run = client.submit(Job.builder().name("flaky").command("cat", "greeting.txt").source(tree).build());
            RunResult result = run.await(Duration.ofSeconds(30)).orElseThrow();

            assertThat(result.status()).as("%s", result.message()).isEqualTo(RunStatus.SUCCEEDED);
            assertThat(run.logs().read()).extracting(LogLine::text).contains("hello through a flaky network");
        }
        assertThat(proxy.findAll(putRequestedFor(urlMatching(UPLOAD)))).as("the upload was retried").hasSizeGreaterThan(1);
    }
}
