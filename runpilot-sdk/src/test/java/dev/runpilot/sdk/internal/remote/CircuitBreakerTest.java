package dev.runpilot.sdk.internal.remote;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.runpilot.sdk.ApiException;
import dev.runpilot.sdk.ControlPlaneException;
import dev.runpilot.sdk.RetryPolicy;
import dev.runpilot.sdk.archive.ProgressListener;
import dev.runpilot.sdk.internal.archive.JobSourceBundler;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The transport's circuit breaker, opened on purpose by WireMock answering 503 to every call, and
 * closed again once it answers 200. A short open period (an internal knob) keeps the test quick.
 */
class CircuitBreakerTest {
    private static final int WINDOW = 4;

    private WireMockServer server;
    private ApiTransport transport;
    private HttpControlPlane client;

    @BeforeEach
    void start() {
        server = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
        server.start();
        transport = new ApiTransport(URI.create(server.baseUrl()), Credentials.fixed(Optional.of("rpu_test")),
                RetryPolicy.builder().maxAttempts(1).build(), Duration.ofSeconds(5), Duration.ofSeconds(5), Optional.empty(),
                new ApiTransport.BreakerSettings(WINDOW, WINDOW, 50, Duration.ofMillis(300)));
        client = new HttpControlPlane(transport, new JobSourceBundler(Path.of(System.getProperty("java.io.tmpdir")), Optional.empty(),
                Optional.empty(), ProgressListener.none()), Optional.empty());
    }

    @AfterEach
    void stop() {
        client.close();
        server.stop();
    }

    @Test
    void repeatedServerErrorsOpenTheCircuitWhichFailsFastNamingTheEndpointAndClosesAfterRecovery() {
        server.stubFor(get(urlPathEqualTo("/v1/runs")).willReturn(aResponse().withStatus(503)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"error\": {\"code\": \"unavailable\", \"message\": \"down for maintenance\"}}")));
        for (int i = 0; i < WINDOW; i++) {
            assertThatThrownBy(client::list).isInstanceOf(ApiException.class).hasMessageContaining("503");
        }
        assertThat(transport.circuitState()).isEqualTo(CircuitBreaker.State.OPEN);

        int requestsBefore = server.getAllServeEvents().size();
        assertThatThrownBy(client::list)
                .isInstanceOf(ControlPlaneException.class)
                .hasMessageContaining(server.baseUrl())
                .hasMessageContaining("circuit breaker open")
                .hasMessageContaining("/v1/health");
        assertThat(server.getAllServeEvents()).as("an open circuit sends nothing").hasSize(requestsBefore);

        server.resetAll();
        server.stubFor(get(urlPathEqualTo("/v1/runs")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody("{\"runs\": []}")));
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).ignoreExceptions().untilAsserted(() -> {
            assertThat(client.list().runs()).isEmpty();
            assertThat(transport.circuitState()).isEqualTo(CircuitBreaker.State.CLOSED);
        });
        assertThat(client.list().runs()).isEmpty();
    }
}
