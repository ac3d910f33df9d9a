package dev.runpilot.sdk.server;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import dev.runpilot.sdk.LogLine;
import dev.runpilot.sdk.LogStream;
import dev.runpilot.sdk.Run;
import dev.runpilot.sdk.RunPilotClient;
import dev.runpilot.sdk.RunStatus;
import dev.runpilot.sdk.agent.Agent;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * WireMock between an agent and a real server breaks the agent's first log uploads (a reset, then an
 * answer that comes after the agent gave up): the log still arrives whole, in order, each line once,
 * before the final status.
 */
class AgentLogShippingFaultTest {
    @TempDir
    Path dir;

    @Test
    void logLinesArriveInOrderExactlyOnceDespiteFailedUploads() {
        try (RunPilotServer server = ServerFixture.server(dir.resolve("home")).start()) {
            String agentToken = server.tokens().createAgentToken();
            WireMockServer proxy = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
            proxy.start();
            try {
                String target = server.uri().toString();
                proxy.stubFor(any(anyUrl()).atPriority(10).willReturn(aResponse().proxiedFrom(target)));
                proxy.stubFor(put(urlPathMatching("/v1/runs/.*/logs")).atPriority(1).inScenario("logs")
                        .whenScenarioStateIs(Scenario.STARTED).willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER))
                        .willSetStateTo("late"));
                proxy.stubFor(put(urlPathMatching("/v1/runs/.*/logs")).atPriority(1).inScenario("logs")
                        .whenScenarioStateIs("late").willReturn(aResponse().proxiedFrom(target).withFixedDelay(2_500))
                        .willSetStateTo("healed"));
                try (RunPilotClient client = ServerFixture.client(server.uri(), server.tokens().createUserToken("team-a"));
                     Agent agent = Agent.builder().endpoint(URI.create(proxy.baseUrl())).token(agentToken).runtime("process")
                             .requestTimeout(Duration.ofSeconds(1)).workDir(dir.resolve("work")).build().start()) {
                    Run run = client.submit(ServerFixture.shell("chatty",
                            "for i in $(seq 1 40); do echo line $i; sleep 0.05; done"));

                    assertThat(run.await(Duration.ofSeconds(60)).orElseThrow().status()).isEqualTo(RunStatus.SUCCEEDED);
                    List<LogLine> log = run.logs().read();
                    List<String> output = log.stream().filter(l -> l.stream() == LogStream.STDOUT).map(LogLine::text).toList();

                    assertThat(output).containsExactlyElementsOf(IntStream.rangeClosed(1, 40).mapToObj(i -> "line " + i).toList());
                    assertThat(log).extracting(LogLine::sequence).isSorted().doesNotHaveDuplicates();
                    assertThat(log.get(log.size() - 1).text()).contains("ended");
                }
                assertThat(proxy.findAll(putRequestedFor(urlPathMatching("/v1/runs/.*/logs"))).size()).isGreaterThan(2);
            } finally {
                proxy.stop();
            }
        }
    }
}
