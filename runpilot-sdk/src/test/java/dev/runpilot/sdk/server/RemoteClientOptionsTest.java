package dev.runpilot.sdk.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runpilot.sdk.CostLimitExceededException;
import dev.runpilot.sdk.Estimate;
import dev.runpilot.sdk.Job;
import dev.runpilot.sdk.RunPilot;
import dev.runpilot.sdk.RunPilotClient;
import dev.runpilot.sdk.spi.ComputeContext;
import dev.runpilot.sdk.spi.ComputeProvider;
import java.math.BigDecimal;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a client of a RunPilot server does with the builder's options: engine options are refused
 * by name, and estimates and {@code maxCost} use the server's compute provider.
 */
class RemoteClientOptionsTest {
    @TempDir
    Path dir;

    private RunPilotServer server;
    private String token;

    /** A provider that brings up nothing (agents come over HTTP) and charges 2 USD per hour of timeout. */
    private static final class PricedCompute implements ComputeProvider {
        @Override
        public String name() {
            return "priced";
        }

        @Override
        public void start(ComputeContext context) {
        }

        @Override
        public Estimate estimate(Job job) {
            long minutes = job.timeout().orElse(Duration.ofHours(1)).toMinutes();
            return new Estimate(name(), List.of(new Estimate.Item("machine", BigDecimal.valueOf(minutes).divide(BigDecimal.valueOf(30)),
                    "2 USD/h x " + minutes + " min")));
        }

        @Override
        public void close() {
        }
    }

    @BeforeEach
    void startServer() {
        server = RunPilotServer.builder().home(dir.resolve("home")).port(0).compute(new PricedCompute()).build();
        token = server.tokens().createUserToken("team-a");
        server.start();
    }

    @AfterEach
    void stopServer() {
        server.close();
    }

    private static Job job(Duration timeout) {
        return Job.builder().name("train").command("true").timeout(timeout).build();
    }

    @Test
    void engineOptionsOnAServersClientAreRefusedByName() {
        URI endpoint = server.uri();

        assertThatThrownBy(() -> RunPilot.client().endpoint(endpoint).token(token).workers(4).storage(URI.create("file:///tmp/x"))
                .build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("storage(...), workers(...) configure the embedded engine")
                .hasMessageContaining("endpoint " + endpoint);
        assertThatThrownBy(() -> RunPilot.client().profile("staging").inMemory().build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("inMemory() configures the embedded engine")
                .hasMessageContaining("profile 'staging'");
    }

    @Test
    void estimateIsTheServersComputeProviders() {
        try (RunPilotClient client = ServerFixture.client(server.uri(), token)) {
            Estimate estimate = client.estimate(job(Duration.ofMinutes(45)));

            assertThat(estimate.provider()).isEqualTo("priced");
            assertThat(estimate.total()).isEqualByComparingTo("1.5");
            assertThat(estimate.items()).singleElement().satisfies(i -> assertThat(i.basis()).isEqualTo("2 USD/h x 45 min"));
        }
    }

    @Test
    void maxCostRefusesASubmissionTheServerPricesAboveItAndCreatesNoRun() {
        try (RunPilotClient client = RunPilot.client().endpoint(server.uri()).token(token).maxCost(new BigDecimal("1.00")).build()) {
            assertThatThrownBy(() -> client.submit(job(Duration.ofHours(2))))
                    .isInstanceOfSatisfying(CostLimitExceededException.class, e -> {
                        assertThat(e.estimate().provider()).isEqualTo("priced");
                        assertThat(e.excess()).isEqualByComparingTo("3");
                    });
            assertThat(client.list().runs()).isEmpty();

            String id = client.submit(job(Duration.ofMinutes(30))).id();

            assertThat(client.list().runs()).singleElement().satisfies(r -> assertThat(r.id()).isEqualTo(id));
        }
    }
}
