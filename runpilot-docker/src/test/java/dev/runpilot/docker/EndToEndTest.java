package dev.runpilot.docker;

import static dev.runpilot.docker.TestDocker.BUSYBOX;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runpilot.sdk.FailureReason;
import dev.runpilot.sdk.InvalidJobException;
import dev.runpilot.sdk.Job;
import dev.runpilot.sdk.LogLine;
import dev.runpilot.sdk.LogStream;
import dev.runpilot.sdk.Resources;
import dev.runpilot.sdk.Run;
import dev.runpilot.sdk.RunPilot;
import dev.runpilot.sdk.RunPilotClient;
import dev.runpilot.sdk.RunResult;
import dev.runpilot.sdk.RunStatus;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Jobs with an image through the public API, on the engine the runtime finds by itself. */
@RequiresDocker
class EndToEndTest {
    private static Job.Builder train() {
        return Job.builder().name("train").image(BUSYBOX)
                .entrypoint("echo \"training in $(pwd) as run $RUNPILOT_RUN_ID\"; echo 'METRIC {\"step\": 1, \"loss\": 0.75}'; "
                        + "echo 'METRIC loss=0.5'; echo warning >&2");
    }

    @Test
    void runtimeDockerRunsAJobWithAnImageToSuccessWithItsLogAndMetrics(TestDocker docker) {
        try (RunPilotClient client = RunPilot.client().inMemory().runtime("docker").build()) {
            Run run = client.submit(train().build());

            RunResult result = run.await(Duration.ofMinutes(1)).orElseThrow();

            assertThat(result.status()).isEqualTo(RunStatus.SUCCEEDED);
            assertThat(result.metrics()).containsEntry("loss", 0.5);
            assertThat(run.metrics().series("loss")).hasSize(2);
            assertThat(run.logs().read()).extracting(LogLine::stream, LogLine::text)
                    .contains(org.assertj.core.groups.Tuple.tuple(LogStream.STDOUT, "training in /workspace as run " + run.id()),
                            org.assertj.core.groups.Tuple.tuple(LogStream.STDERR, "warning"));
            assertThat(docker.containersOfRun(run.id())).isEmpty();
        }
    }

    @Test
    void runtimeAutoPicksDockerWhenAnEngineAnswers() {
        try (RunPilotClient client = RunPilot.client().inMemory().runtime("auto").build()) {
            assertThat(client.toString()).contains("runtime=docker");
            RunResult result = client.submit(train().build()).await(Duration.ofMinutes(1)).orElseThrow();

            assertThat(result.status()).isEqualTo(RunStatus.SUCCEEDED);
            assertThat(result.metrics()).containsEntry("loss", 0.5);
        }
    }

    @Test
    void runtimeAutoRunsJobsWithoutAnImageAsHostProcesses() {
        try (RunPilotClient client = RunPilot.client().inMemory().build()) {
            Run run = client.submit(Job.builder().entrypoint("pwd").build());
            RunResult result = run.await(Duration.ofMinutes(1)).orElseThrow();

            assertThat(result.status()).isEqualTo(RunStatus.SUCCEEDED);
            assertThat(run.logs().read()).filteredOn(line -> line.stream() == LogStream.STDOUT).singleElement()
                    .extracting(LogLine::text).asString().endsWith("/work/" + run.id() + "/1").doesNotStartWith("/workspace");
            assertThat(run.events()).extracting(e -> e.message()).anyMatch(m -> m.startsWith("started (pid "));
        }
    }

    @Test
    void aJobWithoutAnImageIsRefusedAtSubmit() {
        try (RunPilotClient client = RunPilot.client().inMemory().runtime("docker").build()) {
            assertThatThrownBy(() -> client.submit(Job.builder().entrypoint("true").build()))
                    .isInstanceOf(InvalidJobException.class)
                    .hasMessageContaining("names no image");
        }
    }

    @Test
    void aBuiltRuntimeServesAClientAndTimeoutAndOomEndTheirRuns(TestDocker docker) {
        try (DockerRuntime runtime = docker.runtime().build();
             RunPilotClient client = RunPilot.client().inMemory().runtime(runtime).gracePeriod(Duration.ofSeconds(1)).build()) {
            Run slow = client.submit(Job.builder().image(BUSYBOX).command("sleep", "300").timeout(Duration.ofSeconds(1)).build());
            Run hog = client.submit(Job.builder().image(BUSYBOX).entrypoint("x=$(head -c 200000000 /dev/zero | tr '\\0' a)")
                    .resources(Resources.of(0, 24L * 1024 * 1024)).build());

            RunResult timedOut = slow.await(Duration.ofMinutes(1)).orElseThrow();
            RunResult oom = hog.await(Duration.ofMinutes(1)).orElseThrow();

            assertThat(timedOut.status()).isEqualTo(RunStatus.TIMED_OUT);
            assertThat(oom.status()).isEqualTo(RunStatus.FAILED);
            assertThat(oom.reason()).contains(FailureReason.OOM_KILLED);
            assertThat(docker.containersOfRun(slow.id())).isEmpty();
            assertThat(docker.containersOfRun(hog.id())).isEmpty();
        }
    }
}
