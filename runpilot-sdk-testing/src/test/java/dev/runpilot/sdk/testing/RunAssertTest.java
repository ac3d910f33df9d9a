package dev.runpilot.sdk.testing;

import static dev.runpilot.sdk.testing.RunPilotAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runpilot.sdk.FailureReason;
import dev.runpilot.sdk.Job;
import dev.runpilot.sdk.Run;
import dev.runpilot.sdk.RunInfo;
import dev.runpilot.sdk.RunPilot;
import dev.runpilot.sdk.RunPilotClient;
import dev.runpilot.sdk.RunQuery;
import dev.runpilot.sdk.RunResult;
import dev.runpilot.sdk.RunStatus;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What the run assertions accept, and what their failure messages tell. */
class RunAssertTest {
    private final ScriptedRuntime runtime = ScriptedRuntime.create();
    private RunPilotClient client;

    @BeforeEach
    void open() {
        runtime.whenJobNamed("good").stdout("step 1", "all done").metric("loss", 0.04).metric("accuracy", 0.97);
        runtime.whenJobNamed("bad").stdout("loading data").stderr("Traceback: CUDA out of memory").exitsWith(2);
        runtime.whenJobNamed("forever").hangs();
        client = RunPilot.client().inMemory().runtime(runtime).build();
    }

    @AfterEach
    void close() {
        client.close();
    }

    private Run submit(String name) {
        return client.submit(Job.builder().name(name).command("python", name + ".py").build());
    }

    @Test
    void passingAssertionsChainOnARun() {
        Run run = submit("good");
        assertThat(run).succeeded().hasStatus(RunStatus.SUCCEEDED).hasExitCode(0).hasAttempts(1)
                .hasLogLine("all done").hasLogLineContaining("step").hasLogLine(line -> line.startsWith("step "))
                .hasNoLogLineContaining("Traceback")
                .hasMetric("loss").hasMetric("loss", loss -> loss < 0.1).hasMetric("accuracy", 0.97);
    }

    @Test
    void aFailedExpectationNamesTheRunItsStatusAndShowsTheLogTail() {
        Run run = submit("bad");
        assertThatThrownBy(() -> assertThat(run).succeeded())
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("Expected run " + run.id() + " (job 'bad') to have status SUCCEEDED")
                .hasMessageContaining("but it is FAILED, exit code 2, reason exit_code")
                .hasMessageContaining("after 1 attempt(s)")
                .hasMessageContaining("stdout | loading data")
                .hasMessageContaining("stderr | Traceback: CUDA out of memory");
    }

    @Test
    void eachAssertionFailsWhenItsFactDiffers() {
        Run run = submit("bad");
        assertThat(run).failed().hasExitCode(2).hasFailureReason(FailureReason.EXIT_CODE);
        assertThatThrownBy(() -> assertThat(run).hasExitCode(0)).hasMessageContaining("to have exit code 0");
        assertThatThrownBy(() -> assertThat(run).hasFailureReason(FailureReason.TIMEOUT))
                .hasMessageContaining("to have failure reason timeout");
        assertThatThrownBy(() -> assertThat(run).hasAttempts(2)).hasMessageContaining("to have had 2 attempt(s)");
        assertThatThrownBy(() -> assertThat(run).hasLogLine("all done"))
                .hasMessageContaining("to have a log line equal to \"all done\"");
        assertThatThrownBy(() -> assertThat(run).hasNoLogLineContaining("CUDA"))
                .hasMessageContaining("Traceback: CUDA out of memory");
        assertThatThrownBy(() -> assertThat(run).hasMetric("loss"))
                .hasMessageContaining("to have recorded metric \"loss\"");
    }

    @Test
    void aMetricOutsideItsBoundIsReportedWithItsValue() {
        Run run = submit("good");
        assertThatThrownBy(() -> assertThat(run).hasMetric("loss", loss -> loss < 0.01))
                .hasMessageContaining("to have a final loss that passes the given test, but it was 0.04");
        assertThatThrownBy(() -> assertThat(run).hasMetric("loss", 0.5))
                .hasMessageContaining("to have a final loss of 0.5, but it was 0.04");
    }

    @Test
    void aRunThatDoesNotEndInTimeFailsAndSaysItIsStillGoing() {
        Run run = submit("forever");
        assertThatThrownBy(() -> assertThat(run).within(Duration.ofMillis(200)).succeeded())
                .hasMessageContaining("Expected run " + run.id())
                .hasMessageContaining("to end within PT0.2S, but it is still");
        run.cancel();
    }

    @Test
    void aResultCarriesStatusAndMetricsButNoLog() {
        Run run = submit("good");
        RunResult result = run.await();
        assertThat(result).succeeded().hasExitCode(0).hasMetric("loss", 0.04);
        assertThatThrownBy(() -> assertThat(result).hasLogLine("all done"))
                .hasMessageContaining("A RunResult carries no log lines: assert on the Run (client.run(\"" + run.id() + "\"))");
    }

    @Test
    void aSnapshotFromAListingCarriesStatusAndExitCode() {
        Run run = submit("bad");
        run.await();
        RunInfo info = client.list(RunQuery.all()).runs().get(0);
        assertThat(info).failed().hasExitCode(2).hasAttempts(1);
        assertThatThrownBy(() -> assertThat(info).hasMetric("loss")).hasMessageContaining("A RunInfo carries no metrics");
        assertThatThrownBy(() -> assertThat(info).succeeded())
                .hasMessageContaining("Expected run " + run.id() + " (job 'bad') to have status SUCCEEDED");
    }

    @Test
    void anAssertionDescriptionLeadsTheMessage() {
        Run run = submit("bad");
        assertThatThrownBy(() -> assertThat(run).as("nightly training").succeeded())
                .hasMessageStartingWith("[nightly training] Expected run " + run.id());
    }
}
