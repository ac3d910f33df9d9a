package dev.runpilot.docker;

import static dev.runpilot.docker.TestDocker.BUSYBOX;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runpilot.sdk.FailureReason;
import dev.runpilot.sdk.GpuRequest;
import dev.runpilot.sdk.Job;
import dev.runpilot.sdk.Resources;
import dev.runpilot.sdk.RunPilotException;
import dev.runpilot.sdk.spi.ExitStatus;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@RequiresDocker
class ResourcesTest {
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

    @Test
    void cpuMemoryAndPidLimitsAreEnforcedInsideTheContainer() {
        // cgroup v1 files first, then the v2 ones; the job prints whichever this engine has.
        TestAttempt attempt = TestAttempt.start(runtime, Job.builder().image(BUSYBOX).entrypoint(String.join("; ",
                "cat /sys/fs/cgroup/pids/pids.max 2>/dev/null || cat /sys/fs/cgroup/pids.max",
                "cat /sys/fs/cgroup/memory/memory.limit_in_bytes 2>/dev/null || cat /sys/fs/cgroup/memory.max",
                "q=$(cat /sys/fs/cgroup/cpu/cpu.cfs_quota_us 2>/dev/null) && p=$(cat /sys/fs/cgroup/cpu/cpu.cfs_period_us)"
                        + " && echo \"$q $p\" || cat /sys/fs/cgroup/cpu.max"))
                .resources(new Resources(0.5, 48L * 1024 * 1024, 37)).build(), work);

        assertThat(attempt.await().exitCode()).isZero();
        assertThat(attempt.stdout()).containsExactly("37", Long.toString(48L * 1024 * 1024), "50000 100000");
    }

    @Test
    void aJobOverItsMemoryLimitIsReportedOomKilled() {
        // The shell itself grows a variable past the limit, so the OOM killer takes the container's main process.
        TestAttempt attempt = TestAttempt.start(runtime, Job.builder().image(BUSYBOX)
                .entrypoint("echo starting; x=$(head -c 200000000 /dev/zero | tr '\\0' a); echo survived ${#x}")
                .resources(Resources.of(0, 24L * 1024 * 1024)).build(), work);

        ExitStatus status = attempt.await();

        assertThat(status.reason()).contains(FailureReason.OOM_KILLED);
        assertThat(status.exitCode()).isEqualTo(137);
        assertThat(status.message()).contains("out of memory");
        assertThat(attempt.stdout()).containsExactly("starting");
    }

    @Test
    void aGpuJobOnAnEngineWithoutTheNvidiaRuntimeFailsToStartAndLeavesNothing(TestDocker docker) {
        int before = docker.runpilotContainers().size();

        assertThatThrownBy(() -> TestAttempt.start(runtime, Job.builder().image(BUSYBOX).command("true")
                .gpu(new GpuRequest(1, Optional.empty())).build(), work))
                .isInstanceOf(RunPilotException.class)
                .hasMessageContaining("Cannot start container")
                .hasMessageContaining("nvidia")
                .hasMessageContaining("NVIDIA container toolkit");
        assertThat(docker.runpilotContainers()).hasSize(before);
    }
}
