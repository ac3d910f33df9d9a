package dev.runpilot.examples;

import static dev.runpilot.sdk.testing.RunPilotAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runpilot.sdk.Job;
import dev.runpilot.sdk.RunPilotClient;
import dev.runpilot.sdk.RunQuery;
import dev.runpilot.sdk.testing.RunPilotTest;
import dev.runpilot.sdk.testing.ScriptedRuntime;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How to test your own orchestration code with runpilot-sdk-testing: {@code @RunPilotTest} injects an
 * in-memory client and a {@link ScriptedRuntime}; each test scripts what the training runs print and
 * how they end, then checks what the sweep decides. No training job actually runs, so each test takes
 * milliseconds.
 */
@RunPilotTest
class BestOfSweepTest {
    /** The training job as production code would submit it; the scripted runtime never runs python. */
    private static final Job.Builder TRAINING = Job.builder().name("train").command("python", "train.py");

    @Test
    void picksTheRateWithTheLowestFinalLoss(RunPilotClient client, ScriptedRuntime runtime) {
        runtime.whenLabel("lr", "0.1").metric("loss", 0.9).metric("loss", 0.7);
        runtime.whenLabel("lr", "0.01").metric("loss", 0.5).metric("loss", 0.08);
        runtime.whenLabel("lr", "0.001").metric("loss", 0.6).metric("loss", 0.2);

        double best = new BestOfSweep(client, TRAINING).best(List.of(0.1, 0.01, 0.001));

        assertThat(best).isEqualTo(0.01);
        assertThat(runtime.requests()).extracting(r -> r.environment().get("LEARNING_RATE"))
                .containsExactlyInAnyOrder("0.1", "0.01", "0.001");
    }

    @Test
    void ignoresRunsThatFailedEvenWithALowLoss(RunPilotClient client, ScriptedRuntime runtime) {
        runtime.whenLabel("lr", "0.1").metric("loss", 0.3);
        runtime.whenLabel("lr", "0.01").metric("loss", 0.01).stderr("CUDA error: an illegal memory access").exitsWith(1);

        assertThat(new BestOfSweep(client, TRAINING).best(List.of(0.1, 0.01))).isEqualTo(0.1);
        var failed = client.list(RunQuery.all()).runs().stream().filter(r -> r.labels().get("lr").equals("0.01")).findFirst();
        assertThat(failed).isPresent();
        assertThat(client.run(failed.get().id())).failed().hasExitCode(1).hasLogLineContaining("CUDA error");
    }

    @Test
    void failsAndSaysWhyWhenNoRunCounts(RunPilotClient client, ScriptedRuntime runtime) {
        runtime.whenLabel("lr", "0.1").exitsWith(137);
        runtime.whenLabel("lr", "0.01").stdout("finished without reporting");

        assertThatThrownBy(() -> new BestOfSweep(client, TRAINING).best(List.of(0.1, 0.01)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("No run of the sweep succeeded with a loss")
                .hasMessageContaining("lr 0.1: run r-")
                .hasMessageContaining("FAILED")
                .hasMessageContaining("lr 0.01: run r-")
                .hasMessageContaining("SUCCEEDED without a loss");
    }

    @Test
    void theRealSweepRunsItsShellTrainingJobs(@TempDir Path home) throws Exception {
        assertThat(ExampleProcess.runMain(BestOfSweep.class, home)).contains("best learning rate: 0.01");
    }
}
