package dev.runpilot.aws.ec2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runpilot.sdk.CostLimitExceededException;
import dev.runpilot.sdk.Estimate;
import dev.runpilot.sdk.Job;
import dev.runpilot.sdk.RunPilot;
import dev.runpilot.sdk.RunPilotClient;
import java.math.BigDecimal;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Cost estimates from the price table, and the client's maximum-cost guard. Needs no AWS. */
class Ec2CostTest {
    @TempDir
    Path dir;

    private static Ec2ComputeProvider.Builder provider() {
        return Ec2ComputeProvider.builder().region("us-east-1").endpointOverride(URI.create("http://127.0.0.1:9"))
                .credentials(MotoEc2.CREDENTIALS).agentUrl(URI.create("https://downloads.example.invalid/agent.jar"))
                .reconcileInterval(Duration.ZERO);
    }

    @Test
    void anEstimateIsTheHourlyPriceTimesTheTimeoutPlusTheRootVolume() {
        try (Ec2ComputeProvider ec2 = provider().build()) {
            Estimate estimate = ec2.estimate(Job.builder().name("train").command("true").timeout(Duration.ofHours(2)).build());

            assertThat(estimate.provider()).isEqualTo("ec2");
            assertThat(estimate.items()).hasSize(2);
            assertThat(estimate.items().get(0).name()).isEqualTo("instance t3.small");
            assertThat(estimate.items().get(0).usd()).isEqualByComparingTo("0.0416");
            assertThat(estimate.items().get(0).basis()).contains("0.0208 USD/h x 2 h", "2024-06-01");
            // 8 GiB x 0.08 USD/GB-month / 730 h x 2 h
            assertThat(estimate.items().get(1).usd()).isCloseTo(new BigDecimal("0.00175342"), org.assertj.core.data.Offset.offset(new BigDecimal("0.000001")));
            assertThat(estimate.total()).isEqualByComparingTo("0.04");
        }
    }

    @Test
    void aJobWithoutTimeoutIsCostedForOneHourAndSaysSo() {
        try (Ec2ComputeProvider ec2 = provider().instanceType("m5.large").build()) {
            Estimate estimate = ec2.estimate(Job.builder().name("open-ended").command("true").build());

            assertThat(estimate.items().get(0).usd()).isEqualByComparingTo("0.096");
            assertThat(estimate.items().get(0).basis()).contains("no timeout: 1 h assumed");
        }
    }

    @Test
    void pricesCanBeOverriddenByAFileAndByEntry() throws Exception {
        Path file = dir.resolve("prices.csv");
        Files.writeString(file, "# negotiated\n@as-of,2026-11-01\nt3.small,0.5\nx9.huge,10\n");
        Ec2Prices prices = Ec2Prices.shipped().withFile(file).with("t3.medium", new BigDecimal("1"));

        assertThat(prices.hourly("t3.small")).contains(new BigDecimal("0.5"));
        assertThat(prices.hourly("x9.huge")).contains(new BigDecimal("10"));
        assertThat(prices.hourly("t3.medium")).contains(new BigDecimal("1"));
        assertThat(prices.hourly("m5.large")).contains(new BigDecimal("0.096"));
        assertThat(prices.asOf()).startsWith("2026-11-01");
    }

    @Test
    void aMalformedPriceFileNamesTheFileAndLine() throws Exception {
        Path file = dir.resolve("bad.csv");
        Files.writeString(file, "t3.small,0.5\nt3.medium,cheap\n");

        assertThatThrownBy(() -> Ec2Prices.shipped().withFile(file))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("bad.csv:2").hasMessageContaining("cheap");
    }

    @Test
    void anInstanceTypeMissingFromThePriceTableCannotBeEstimated() {
        try (Ec2ComputeProvider ec2 = provider().instanceType("z1d.metal").build()) {
            assertThatThrownBy(() -> ec2.estimate(Job.builder().name("x").command("true").build()))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("z1d.metal").hasMessageContaining("Ec2Prices");
        }
    }

    @Test
    void aSubmissionAboveTheMaximumCostIsRefusedSayingByHowMuch() {
        Job job = Job.builder().name("expensive").command("true").timeout(Duration.ofHours(10)).build();
        try (RunPilotClient client = RunPilot.client().inMemory().compute(provider().instanceType("g5.xlarge").build())
                .maxCost(new BigDecimal("5")).build()) {
            assertThat(client.estimate(job).total()).isEqualByComparingTo("10.07");

            assertThatThrownBy(() -> client.submit(job))
                    .isInstanceOfSatisfying(CostLimitExceededException.class, e -> {
                        assertThat(e.excess()).isEqualByComparingTo("5.07");
                        assertThat(e.limit()).isEqualByComparingTo("5");
                    })
                    .hasMessageContaining("10.07 USD").hasMessageContaining("5.07 USD above").hasMessageContaining("maxCost");
            assertThat(client.list().runs()).isEmpty();
        }
    }

    @Test
    void aSubmissionWithinTheMaximumCostIsAccepted() {
        try (RunPilotClient client = RunPilot.client().inMemory().compute(provider().build()).maxCost(new BigDecimal("1")).build()) {
            Job job = Job.builder().name("cheap").command("true").timeout(Duration.ofMinutes(30)).build();
            assertThat(client.estimate(job).total()).isLessThan(new BigDecimal("1"));
            assertThat(client.submit(job).id()).isNotBlank();
            client.list().runs().forEach(r -> client.run(r.id()).cancel());
        }
    }
}
