package dev.runpilot.docker;

import static dev.runpilot.docker.TestDocker.BUSYBOX;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.runpilot.sdk.FailureReason;
import dev.runpilot.sdk.HealthCheck;
import dev.runpilot.sdk.Job;
import dev.runpilot.sdk.LogStream;
import dev.runpilot.sdk.spi.ExitStatus;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@RequiresDocker
class LifecycleTest {
    private static DockerRuntime runtime;

    @TempDir
    Path work;

    @BeforeAll
    static void open(TestDocker docker) {
        runtime = docker.runtime().build();
    }

    @AfterAll
    static void close() {
        if (runtime != null) {
            runtime.close();
        }
    }

    private static Job.Builder shell(String script) {
        return Job.builder().image(BUSYBOX).entrypoint(script);
    }

    @Test
    void stopSendsTheStopSignalAndWaitsForAJobThatHandlesIt() throws Exception {
        TestAttempt attempt = TestAttempt.start(runtime, shell(
                "trap 'echo got TERM; exit 3' TERM; echo ready; while true; do sleep 0.1; done").build(), work);
        await().atMost(Duration.ofSeconds(20)).until(() -> attempt.stdout().contains("ready"));

        attempt.execution().stop(Duration.ofSeconds(20));

        assertThat(attempt.execution().waitFor(Duration.ZERO)).contains(ExitStatus.of(3));
        assertThat(attempt.stdout()).containsExactly("ready", "got TERM");
    }

    @Test
    void stopKillsAJobThatIgnoresTheStopSignalWhenTheGracePeriodEnds(TestDocker docker) throws Exception {
        // sleep as the container's pid 1 has no handler for SIGTERM, so the kernel ignores it.
        TestAttempt attempt = TestAttempt.start(runtime, Job.builder().image(BUSYBOX).command("sleep", "300").build(), work);
        await().atMost(Duration.ofSeconds(20)).until(() -> !docker.containersOfRun(attempt.runId()).isEmpty()
                && docker.containersOfRun(attempt.runId()).get(0).getState().equals("running"));

        attempt.execution().stop(Duration.ofSeconds(1));

        assertThat(attempt.execution().waitFor(Duration.ZERO)).contains(ExitStatus.of(137));
        assertThat(docker.containersOfRun(attempt.runId())).isEmpty();
    }

    @Test
    void aFailingJobHealthCheckEndsTheJobUnhealthy() {
        TestAttempt attempt = TestAttempt.start(runtime, shell("trap 'exit 0' TERM; while true; do sleep 0.1; done")
                .healthCheck(new HealthCheck(List.of("sh", "-c", "echo not ready; exit 1"), Duration.ofMillis(200), Duration.ofSeconds(2),
                        2, Duration.ZERO)).build(), work);

        ExitStatus status = attempt.await();

        assertThat(status.reason()).contains(FailureReason.UNHEALTHY);
        assertThat(status.message()).containsPattern("health check failed \\d+ time\\(s\\) in a row").contains("saying: not ready");
    }

    @Test
    void theImagesOwnHealthCheckCountsToo() {
        ExitStatus status = TestAttempt.start(runtime, Job.builder().image(TestDocker.UNHEALTHY)
                .command("sh", "-c", "trap 'exit 0' TERM; while true; do sleep 0.1; done").build(),
                work).await();

        assertThat(status.reason()).contains(FailureReason.UNHEALTHY);
        assertThat(status.message()).contains("image check fails");
    }

    @Test
    void aPassingHealthCheckLetsTheJobSucceed() {
        ExitStatus status = TestAttempt.start(runtime, shell("sleep 1; echo done")
                .healthCheck(new HealthCheck(List.of("true"), Duration.ofMillis(200), Duration.ofSeconds(1), 1, Duration.ZERO))
                .build(), work).await();

        assertThat(status).isEqualTo(ExitStatus.of(0));
    }

    @Test
    void cpuAndMemoryUseAreRecordedAsMetricsWhileTheJobRuns(TestDocker docker) {
        try (DockerRuntime sampling = docker.runtime().statsInterval(Duration.ofSeconds(1)).build()) {
            TestAttempt attempt = TestAttempt.start(sampling, shell(
                    "end=$(( $(date +%s) + 4 )); while [ $(date +%s) -lt $end ]; do :; done; echo done").build(), work);

            assertThat(attempt.await().exitCode()).isZero();
            assertThat(attempt.output().metric("cpu_percent")).isNotEmpty().allSatisfy(v -> assertThat(v).isBetween(0.0, 400.0))
                    .anySatisfy(v -> assertThat(v).isGreaterThan(10.0));
            assertThat(attempt.output().metric("memory_peak_bytes")).isNotEmpty().allSatisfy(v -> assertThat(v).isPositive())
                    .isSorted();
        }
    }

    @Test
    void pastTheLogLimitOnlyMetricsPassAndTheNewestOutputIsAddedAtTheEnd(TestDocker docker) {
        try (DockerRuntime capped = docker.runtime().logLimit(100).build()) {
            TestAttempt attempt = TestAttempt.start(capped, shell(String.join("; ",
                    "i=1; while [ $i -le 200 ]; do echo \"line-$i\"; i=$((i+1)); done",
                    "echo 'METRIC loss=0.25'", "echo last")).build(), work);

            assertThat(attempt.await().exitCode()).isZero();
            List<RecordingOutput.Line> lines = attempt.output().lines();
            // 100 bytes: "line-1\n" .. "line-9\n" are 7 bytes each (63), "line-10\n" .. "line-13\n" 8 each (95).
            assertThat(attempt.stdout()).startsWith("line-1", "line-2").contains("line-13", "METRIC loss=0.25")
                    .doesNotContain("line-14", "line-100");
            // Only one stream here: the engine keeps the order within a stream, not between stdout and stderr.
            assertThat(attempt.stdout()).endsWith("line-199", "line-200", "last");
            assertThat(attempt.system()).anySatisfy(s -> assertThat(s).startsWith("log limit of 100 bytes reached"))
                    .anySatisfy(s -> assertThat(s).contains("of output were dropped by the log limit"));
            assertThat(lines.indexOf(new RecordingOutput.Line(LogStream.STDOUT, "METRIC loss=0.25")))
                    .isLessThan(lines.indexOf(new RecordingOutput.Line(LogStream.STDOUT, "last")));
        }
    }
}
