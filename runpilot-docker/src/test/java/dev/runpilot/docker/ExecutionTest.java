package dev.runpilot.docker;

import static dev.runpilot.docker.TestDocker.BUSYBOX;
import static dev.runpilot.docker.TestDocker.WITH_ENTRYPOINT;
import static org.assertj.core.api.Assertions.assertThat;

import dev.runpilot.sdk.GpuRequest;
import dev.runpilot.sdk.Job;
import dev.runpilot.sdk.LogStream;
import dev.runpilot.sdk.Volume;
import dev.runpilot.sdk.spi.ExitStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@RequiresDocker
class ExecutionTest {
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
    void stdoutAndStderrArriveAsSeparateStreamsLineByLine() {
        TestAttempt attempt = TestAttempt.start(runtime, shell(String.join("\n",
                "echo out-1",
                "echo err-1 >&2",
                "printf 'out-2\\r\\nout-3\\n\\nout-4'",
                "printf 'progress 1\\rprogress 2\\n' >&2",
                "echo 'METRIC loss=0.5'")).build(), work);

        ExitStatus status = attempt.await();

        assertThat(status).isEqualTo(ExitStatus.of(0));
        assertThat(attempt.stdout()).containsExactly("out-1", "out-2", "out-3", "", "out-4METRIC loss=0.5");
        assertThat(attempt.stderr()).containsExactly("err-1", "progress 1", "progress 2");
    }

    @Test
    void theExitCodeIsReported() {
        assertThat(TestAttempt.start(runtime, shell("echo failing; exit 7").build(), work).await())
                .isEqualTo(ExitStatus.of(7));
    }

    @Test
    void envSecretsAndRunpilotVariablesReachTheJobButRegistryCredentialsDoNot() {
        TestAttempt attempt = TestAttempt.start(runtime, shell("env | sort")
                .env("GREETING", "hello world")
                .secret("API_TOKEN", "s3cret")
                .secret("RUNPILOT_REGISTRY_USERNAME", "puller")
                .secret("RUNPILOT_REGISTRY_PASSWORD", "pull-password")
                .build(), work);

        assertThat(attempt.await().exitCode()).isZero();
        assertThat(attempt.stdout()).contains("GREETING=hello world", "API_TOKEN=s3cret", "RUNPILOT_ATTEMPT=1",
                "RUNPILOT_RUN_ID=" + attempt.runId(), "RUNPILOT_WORK_DIR=/workspace");
        assertThat(attempt.stdout()).noneMatch(line -> line.startsWith("RUNPILOT_REGISTRY_"));
    }

    @Test
    void theWorkDirectoryIsMountedAtWorkspaceAndIsTheWorkingDirectory() throws Exception {
        TestAttempt attempt = TestAttempt.start(runtime, shell("pwd; echo written > result.txt").build(), work);

        assertThat(attempt.await().exitCode()).isZero();
        assertThat(attempt.stdout()).containsExactly("/workspace");
        assertThat(Files.readString(attempt.workDir().resolve("result.txt"))).isEqualTo("written\n");
    }

    @Test
    void mountPointAndWorkingDirAreConfigurable(TestDocker docker) throws Exception {
        try (DockerRuntime custom = docker.runtime().workDirMount("/work/").build()) {
            TestAttempt attempt = TestAttempt.start(custom, shell("pwd; echo $RUNPILOT_WORK_DIR; echo deep > here.txt")
                    .workingDir("sub/dir").build(), work);

            assertThat(attempt.await().exitCode()).isZero();
            assertThat(attempt.stdout()).containsExactly("/work/sub/dir", "/work");
            assertThat(attempt.workDir().resolve("sub/dir/here.txt")).hasContent("deep");
        }
    }

    @Test
    void theJobRunsAsItsUser() {
        TestAttempt attempt = TestAttempt.start(runtime, shell("id -u; id -g").user("1234:2345").build(), work);

        assertThat(attempt.await().exitCode()).isZero();
        assertThat(attempt.stdout()).containsExactly("1234", "2345");
    }

    @Test
    void aCommandReplacesTheImagesCmdAndRunsThroughItsEntrypoint() {
        TestAttempt withArgs = TestAttempt.start(runtime, Job.builder().image(WITH_ENTRYPOINT).command("first", "second").build(),
                work);
        TestAttempt plain = TestAttempt.start(runtime, Job.builder().image(BUSYBOX).command("echo", "plain", "argv $HOME").build(),
                work);

        assertThat(withArgs.await().exitCode()).isZero();
        assertThat(withArgs.stdout()).containsExactly("entrypoint-says first second");
        assertThat(plain.await().exitCode()).isZero();
        assertThat(plain.stdout()).containsExactly("plain argv $HOME");
    }

    @Test
    void anEntrypointLineReplacesTheImagesEntrypointAndCmd() {
        TestAttempt attempt = TestAttempt.start(runtime, Job.builder().image(WITH_ENTRYPOINT).entrypoint("echo direct $0").build(),
                work);

        assertThat(attempt.await().exitCode()).isZero();
        assertThat(attempt.stdout()).containsExactly("direct sh");
    }

    @Test
    void whatCannotBecomeAContainerIsRefusedUpFront() {
        Job noImage = Job.builder().entrypoint("true").build();
        Job gpuType = shell("true").gpu(new GpuRequest(1, Optional.of("a100"))).build();
        Job badVolumes = shell("true").volume(new Volume("relative/dir", "/data", false))
                .volume(new Volume("cache", "data", false)).volume(new Volume("other", "/workspace", true)).build();

        assertThat(runtime.unsupported(noImage)).singleElement().asString().startsWith("image:").contains("runtime(\"process\")");
        assertThat(runtime.unsupported(gpuType)).singleElement().asString().contains("gpu type 'a100'");
        assertThat(runtime.unsupported(badVolumes)).hasSize(3)
                .anySatisfy(p -> assertThat(p).contains("'relative/dir' is neither an absolute host path nor a volume name"))
                .anySatisfy(p -> assertThat(p).contains("target 'data' must be an absolute path"))
                .anySatisfy(p -> assertThat(p).contains("'/workspace' is where the work directory is mounted"));
        assertThat(runtime.unsupported(shell("true").build())).isEmpty();
        assertThat(LogStream.values()).isNotEmpty();
    }
}
