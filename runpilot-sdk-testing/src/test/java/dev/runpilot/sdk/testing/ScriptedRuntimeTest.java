package dev.runpilot.sdk.testing;

import static dev.runpilot.sdk.testing.RunPilotAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.runpilot.sdk.FailureReason;
import dev.runpilot.sdk.InvalidJobException;
import dev.runpilot.sdk.Job;
import dev.runpilot.sdk.LogStream;
import dev.runpilot.sdk.RetryPolicy;
import dev.runpilot.sdk.Run;
import dev.runpilot.sdk.RunPilot;
import dev.runpilot.sdk.RunPilotClient;
import dev.runpilot.sdk.RunStatus;
import dev.runpilot.sdk.spi.ContainerRuntimeFactory;
import dev.runpilot.sdk.spi.ExitStatus;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.ServiceLoader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The scripted runtime driving a real embedded client: what each script step becomes in the run. */
class ScriptedRuntimeTest {
    private final ScriptedRuntime runtime = ScriptedRuntime.create();
    private RunPilotClient client;

    @TempDir
    Path temp;

    private RunPilotClient client() {
        client = RunPilot.client().inMemory().runtime(runtime).workers(2).gracePeriod(Duration.ofMillis(200)).build();
        return client;
    }

    @AfterEach
    void close() {
        if (client != null) {
            client.close();
        }
    }

    private static Job job(String name) {
        return Job.builder().name(name).command("python", "train.py").build();
    }

    @Test
    void aScriptedJobPrintsItsLinesAndEndsWithItsExitCode() {
        runtime.whenJobNamed("train").stdout("epoch 1", "epoch 2").stderr("warning: slow disk").exitsWith(3);
        Run run = client().submit(job("train"));
        assertThat(run).failed().hasExitCode(3).hasFailureReason(FailureReason.EXIT_CODE)
                .hasLogLine("epoch 1").hasLogLine("epoch 2").hasLogLine("warning: slow disk");
        assertThat(run.logs().read()).filteredOn(l -> l.stream() == LogStream.STDERR).extracting(l -> l.text())
                .containsExactly("warning: slow disk");
    }

    @Test
    void anUnconfiguredScriptSucceedsSilently() {
        runtime.whenJobNamed("train");
        assertThat(client().submit(job("train"))).succeeded().hasExitCode(0);
    }

    @Test
    void metricLinesAndRuntimeMetricsBecomeRunMetrics() {
        runtime.whenJobNamed("train").metric("loss", 0.5).metric("loss", 0.05).runtimeMetric("memory_peak_bytes", 1024);
        Run run = client().submit(job("train"));
        assertThat(run).succeeded().hasMetric("loss", 0.05).hasMetric("memory_peak_bytes", 1024)
                .hasLogLine("METRIC loss=0.05");
        assertThat(run.metrics().series("loss")).extracting(p -> p.value()).containsExactly(0.5, 0.05);
    }

    @Test
    void successiveOutcomesPlayOnSuccessiveAttempts() {
        ScriptedRuntime.Script script = runtime.whenJobNamed("flaky").stdout("try 1").exitsWith(75).then().stdout("try 2");
        Run run = client().submit(job("flaky").toBuilder()
                .retry(RetryPolicy.builder().maxAttempts(3).initialBackoff(Duration.ZERO).build()).build());
        assertThat(run).succeeded().hasAttempts(2).hasLogLine("try 1").hasLogLine("try 2");
        assertThat(script.timesPlayed()).isEqualTo(2);
    }

    @Test
    void aHangingJobRunsUntilCancelledAndIsRecordedAsStopped() {
        runtime.whenJobNamed("server").stdout("listening").hangs();
        Run run = client().submit(job("server"));
        await().until(() -> run.status() == RunStatus.RUNNING && !run.logs().read().isEmpty()
                && run.logs().read().stream().anyMatch(l -> l.text().equals("listening")));
        run.cancel();
        assertThat(run).hasStatus(RunStatus.CANCELLED).hasFailureReason(FailureReason.CANCELLED).hasExitCode(143);
        assertThat(runtime.stopped()).extracting(r -> r.runId()).containsExactly(run.id());
    }

    @Test
    void aHangingJobTimesOut() {
        runtime.whenJobNamed("stuck").hangs();
        Run run = client().submit(job("stuck").toBuilder().timeout(Duration.ofMillis(100)).build());
        assertThat(run).hasStatus(RunStatus.TIMED_OUT).hasFailureReason(FailureReason.TIMEOUT);
    }

    @Test
    void aJobThatIgnoresStopIsKilledAfterTheGracePeriod() {
        runtime.whenJobNamed("stubborn").hangs().ignoresStop();
        Run run = client().submit(job("stubborn").toBuilder().timeout(Duration.ofMillis(100)).build());
        assertThat(run).hasStatus(RunStatus.TIMED_OUT).hasExitCode(137);
    }

    @Test
    void aScriptedDurationKeepsTheRunRunningUntilItPasses() {
        runtime.whenJobNamed("slow").stdout("started").takes(Duration.ofMinutes(10)).stdout("never printed");
        Run run = client().submit(job("slow"));
        await().until(() -> run.logs().read().stream().anyMatch(l -> l.text().equals("started")));
        assertThat(run.status()).isEqualTo(RunStatus.RUNNING);
        run.cancel();
        assertThat(run).hasStatus(RunStatus.CANCELLED);
        assertThat(run.logs().read()).noneMatch(l -> l.text().equals("never printed"));
    }

    @Test
    void aJobThatFailsToStartFailsWithARuntimeError() {
        runtime.whenJobNamed("broken").failsToStart("image 'nope:1' not found");
        Run run = client().submit(job("broken"));
        assertThat(run).failed().hasFailureReason(FailureReason.RUNTIME_ERROR).hasLogLineContaining("image 'nope:1' not found");
    }

    @Test
    void aFailureReasonTheRuntimeKnowsIsReported() {
        runtime.whenJobNamed("hungry").endsWith(new ExitStatus(137, Optional.of(FailureReason.OOM_KILLED), "out of memory"));
        assertThat(client().submit(job("hungry"))).failed().hasFailureReason(FailureReason.OOM_KILLED).hasExitCode(137);
    }

    @Test
    void scriptsMatchByLabelAndCommandAndTheLastAddedWins() {
        runtime.always().exitsWith(9);
        runtime.whenLabel("team", "vision").stdout("by label");
        runtime.whenCommandContains("evaluate.py").stdout("by command");
        RunPilotClient client = client();
        assertThat(client.submit(Job.builder().name("a").command("python", "evaluate.py").label("team", "vision").build()))
                .succeeded().hasLogLine("by command");
        assertThat(client.submit(Job.builder().name("b").command("python", "x.py").label("team", "vision").build()))
                .succeeded().hasLogLine("by label");
        assertThat(client.submit(Job.builder().name("c").command("python", "x.py").build())).failed().hasExitCode(9);
    }

    @Test
    void anActionSeesTheRequestAndCanWriteIntoTheWorkDirectory() {
        runtime.whenJobNamed("env").perform(p -> {
            p.stdout("token=" + p.request().environment().get("PLAIN"));
            p.stdout("run=" + p.request().runId());
        });
        Run run = client().submit(job("env").toBuilder().env("PLAIN", "visible").build());
        assertThat(run).succeeded().hasLogLine("token=visible").hasLogLine("run=" + run.id());
        assertThat(runtime.requests()).hasSize(1);
    }

    @Test
    void anActionThatThrowsEndsTheRunWithARuntimeError() {
        runtime.whenJobNamed("boom").perform(p -> {
            throw new IllegalStateException("kaboom");
        });
        assertThat(client().submit(job("boom"))).failed().hasFailureReason(FailureReason.RUNTIME_ERROR)
                .hasLogLineContaining("kaboom");
    }

    @Test
    void anUnscriptedJobIsRefusedAtSubmitWithoutAFallback() {
        runtime.whenJobNamed("train");
        RunPilotClient client = client();
        assertThatThrownBy(() -> client.submit(job("evaluate")))
                .isInstanceOf(InvalidJobException.class)
                .hasMessageContaining("no script of the scripted runtime matches job 'evaluate'")
                .hasMessageContaining("job named 'train'")
                .hasMessageContaining("whenJobNamed(\"evaluate\")");
    }

    @Test
    void anUnscriptedJobRunsInTheFallback() {
        var process = ServiceLoader.load(ContainerRuntimeFactory.class).stream().map(ServiceLoader.Provider::get)
                .filter(f -> f.name().equals("process")).findFirst().orElseThrow().create(() -> temp);
        ScriptedRuntime withFallback = ScriptedRuntime.withFallback(process);
        withFallback.whenJobNamed("scripted").stdout("played");
        try (RunPilotClient client = RunPilot.client().inMemory().runtime(withFallback).build()) {
            assertThat(client.submit(TestJobs.echo("really ran").build())).succeeded().hasLogLine("really ran");
            assertThat(client.submit(Job.builder().name("scripted").command("no-such-binary").build()))
                    .succeeded().hasLogLine("played");
        }
    }

    @Test
    void closingTheClientStopsWhatIsStillPlaying() {
        runtime.whenJobNamed("forever").hangs();
        RunPilotClient client = client();
        Run run = client.submit(job("forever"));
        await().until(() -> run.status() == RunStatus.RUNNING);
        client.close();
        assertThat(runtime.stopped()).extracting(r -> r.runId()).containsExactly(run.id());
    }

}
