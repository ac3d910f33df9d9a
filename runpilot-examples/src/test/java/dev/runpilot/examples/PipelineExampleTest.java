package dev.runpilot.examples;

import static dev.runpilot.sdk.testing.RunPilotAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import dev.runpilot.sdk.Attempt;
import dev.runpilot.sdk.Run;
import dev.runpilot.sdk.RunEvent;
import dev.runpilot.sdk.RunPilotClient;
import dev.runpilot.sdk.RunStatus;
import dev.runpilot.sdk.testing.RunPilotTest;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The depends_on pipeline: run as a user would, and step by step on an injected client. */
@RunPilotTest(workers = 3)
class PipelineExampleTest {
    @TempDir
    Path temp;

    @Test
    void theExampleRunsAllThreeStepsInOrder() throws Exception {
        String output = ExampleProcess.runMain(PipelineExample.class, temp.resolve("home"));
        assertThat(output)
                .containsPattern("prepare \\(r-\\S+\\): SUCCEEDED \\{}")
                .containsPattern("train \\(r-\\S+\\): SUCCEEDED \\{loss=0.12}")
                .containsPattern("evaluate \\(r-\\S+\\): SUCCEEDED \\{accuracy=0.91}")
                .contains("  train | training on 1000 rows")
                .contains("  evaluate | evaluating model");
    }

    @Test
    void eachStepWaitsPendingUntilTheOneBeforeItSucceeded(RunPilotClient client) {
        List<Run> runs = PipelineExample.submit(client, temp);
        Run prepare = runs.get(0);
        Run train = runs.get(1);
        Run evaluate = runs.get(2);
        assertThat(evaluate).succeeded().hasLogLine("evaluating model").hasMetric("accuracy", 0.91);
        assertThat(train).succeeded().hasLogLine("training on 1000 rows");
        assertThat(train.events()).extracting(RunEvent::to).startsWith(RunStatus.PENDING, RunStatus.QUEUED);
        assertThat(startOf(train)).isAfterOrEqualTo(endOf(prepare));
        assertThat(startOf(evaluate)).isAfterOrEqualTo(endOf(train));
    }

    private static Instant startOf(Run run) {
        return run.attempts().get(0).startedAt();
    }

    private static Instant endOf(Run run) {
        Attempt last = run.attempts().get(run.attempts().size() - 1);
        return last.endedAt().orElseThrow();
    }
}
