package dev.runpilot.sdk.testing;

import static dev.runpilot.sdk.testing.RunPilotAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runpilot.sdk.FailureReason;
import dev.runpilot.sdk.RunPilotClient;
import dev.runpilot.sdk.RunStatus;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Each test job does what its name says, run for real on the process runtime. */
@RunPilotTest(isolation = RunPilotTest.Isolation.PER_CLASS, workers = 4)
class TestJobsTest {
    @Test
    void noopSucceeds(RunPilotClient client) {
        assertThat(client.submit(TestJobs.noop().build())).succeeded().hasExitCode(0);
    }

    @Test
    void echoPrintsEachLineAsGivenWithoutShellExpansion(RunPilotClient client) {
        assertThat(client.submit(TestJobs.echo("hello", "it's $HOME; `date`", "").build()))
                .succeeded().hasLogLine("hello").hasLogLine("it's $HOME; `date`").hasLogLine("");
    }

    @Test
    void failingExitsWithItsCodeAndSaysSo(RunPilotClient client) {
        assertThat(client.submit(TestJobs.failing(7).build()))
                .failed().hasExitCode(7).hasFailureReason(FailureReason.EXIT_CODE).hasLogLine("failing with 7");
        assertThatThrownBy(() -> TestJobs.failing(0)).hasMessageContaining("1..255");
    }

    @Test
    void sleepingOutlivesAShortTimeout(RunPilotClient client) {
        assertThat(client.submit(TestJobs.sleeping(Duration.ofMinutes(5)).timeout(Duration.ofMillis(200)).build()))
                .hasStatus(RunStatus.TIMED_OUT);
        assertThat(client.submit(TestJobs.sleeping(Duration.ofMillis(10)).build())).succeeded();
    }

    @Test
    void metricsRecordsTheSeriesInOrder(RunPilotClient client) {
        var run = client.submit(TestJobs.metrics("loss", 0.9, 0.4, 0.1).build());
        assertThat(run).succeeded().hasMetric("loss", 0.1);
        assertThat(run.metrics().series("loss")).extracting(p -> p.value()).containsExactly(0.9, 0.4, 0.1);
    }

    @Test
    void buildersCanBeAdjusted() {
        assertThat(TestJobs.echo("x").name("custom").label("k", "v").build().name()).isEqualTo("custom");
    }
}
