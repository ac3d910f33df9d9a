package dev.runpilot.docker;

import static dev.runpilot.docker.TestDocker.BUSYBOX;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.Container;
import dev.runpilot.sdk.Job;
import dev.runpilot.sdk.RunPilotException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@RequiresDocker
class HygieneTest {
    @TempDir
    Path work;

    private static Job waitingForGo() {
        return Job.builder().image(BUSYBOX).entrypoint("echo waiting; while [ ! -f go ]; do sleep 0.05; done").build();
    }

    @Test
    void containersCarryRunAttemptAndAgentLabelsAndAreRemovedAfterTheRun(TestDocker docker) throws Exception {
        try (DockerRuntime runtime = docker.runtime().build()) {
            TestAttempt attempt = TestAttempt.start(runtime, waitingForGo(), work);

            List<Container> running = docker.containersOfRun(attempt.runId());
            assertThat(running).singleElement().satisfies(c -> {
                assertThat(c.getLabels()).containsEntry(DockerRuntime.LABEL_RUN_ID, attempt.runId())
                        .containsEntry(DockerRuntime.LABEL_ATTEMPT, "1")
                        .containsEntry(DockerRuntime.LABEL_AGENT_ID, TestAttempt.AGENT_ID);
                assertThat(c.getNames()[0]).startsWith("/runpilot-" + attempt.runId() + "-1-");
            });
            assertThat(attempt.execution().describe()).startsWith("container " + running.get(0).getId().substring(0, 12));

            Files.writeString(attempt.workDir().resolve("go"), "");
            assertThat(attempt.await().exitCode()).isZero();
            assertThat(docker.containersOfRun(attempt.runId())).isEmpty();
        }
    }

    @Test
    void keepOnFailureKeepsOnlyFailedContainersUnderAKeptName(TestDocker docker) {
        try (DockerRuntime runtime = docker.runtime().keepOnFailure(true).build()) {
            TestAttempt succeeded = TestAttempt.start(runtime, Job.builder().image(BUSYBOX).command("true").build(), work);
            TestAttempt failed = TestAttempt.start(runtime, Job.builder().image(BUSYBOX).entrypoint("echo broken; exit 4").build(),
                    work);

            assertThat(succeeded.await().exitCode()).isZero();
            assertThat(failed.await().exitCode()).isEqualTo(4);
            assertThat(docker.containersOfRun(succeeded.runId())).isEmpty();
            List<Container> kept = docker.containersOfRun(failed.runId());
            try {
                assertThat(kept).singleElement().satisfies(c -> {
                    assertThat(c.getNames()[0]).startsWith("/runpilot-kept-" + failed.runId() + "-1-");
                    assertThat(c.getState()).isEqualTo("exited");
                });
            } finally {
                kept.forEach(c -> docker.client().removeContainerCmd(c.getId()).withForce(true).exec());
            }
        }
    }

    @Test
    void aNewRuntimeRemovesContainersThatDeadAgentsOnThisHostLeftAndNothingElse(TestDocker docker) throws Exception {
        Process gone = new ProcessBuilder("sleep", "60").start();
        long deadPid = gone.pid();
        long deadStart = gone.toHandle().info().startInstant().orElseThrow().toEpochMilli();
        gone.destroyForcibly().waitFor();
        String host = hostName();
        long livePid = ProcessHandle.current().pid();
        long liveStart = ProcessHandle.current().info().startInstant().orElseThrow().toEpochMilli();
        DockerClient client = docker.client();
        String deadRunning = leftContainer(client, "orphan-running", host, deadPid, deadStart, true, "runpilot-orphan-a");
        String deadExited = leftContainer(client, "orphan-exited", host, deadPid, deadStart, false, "runpilot-orphan-b");
        String reusedPid = leftContainer(client, "orphan-reused-pid", host, livePid, liveStart - 60_000, false, "runpilot-orphan-c");
        String live = leftContainer(client, "live-agent", host, livePid, liveStart, false, "runpilot-live-d");
        String otherHost = leftContainer(client, "other-host", "some-other-host", deadPid, deadStart, false, "runpilot-other-e");
        String kept = leftContainer(client, "kept", host, deadPid, deadStart, false, "runpilot-kept-f");
        try {
            docker.runtime().build().close();

            List<String> left = docker.runpilotContainers().stream().map(Container::getId).toList();
            assertThat(left).doesNotContain(deadRunning, deadExited, reusedPid).contains(live, otherHost, kept);
        } finally {
            for (String id : List.of(deadRunning, deadExited, reusedPid, live, otherHost, kept)) {
                try {
                    client.removeContainerCmd(id).withForce(true).exec();
                } catch (RuntimeException ignored) {
                    // already removed by the sweep
                }
            }
        }
    }

    @Test
    void closingTheRuntimeKillsAndRemovesWhatStillRuns(TestDocker docker) {
        DockerRuntime runtime = docker.runtime().build();
        TestAttempt attempt = TestAttempt.start(runtime, waitingForGo(), work);
        assertThat(docker.containersOfRun(attempt.runId())).hasSize(1);

        runtime.close();

        assertThat(docker.containersOfRun(attempt.runId())).isEmpty();
        assertThat(attempt.await().exitCode()).isEqualTo(137);
    }

    @Test
    void anUnreachableEngineIsAnErrorNamingTheSocketOrHostTried(TestDocker docker) {
        assertThatThrownBy(() -> DockerRuntime.builder().dockerHost("unix:///tmp/runpilot-no-engine.sock").build())
                .isInstanceOf(RunPilotException.class)
                .hasMessageContaining("Cannot reach a Docker engine at unix:///tmp/runpilot-no-engine.sock")
                .hasMessageContaining("DockerRuntime.builder().dockerHost(...)");
        assertThatThrownBy(() -> DockerRuntime.builder().dockerHost("tcp://127.0.0.1:1").build())
                .isInstanceOf(RunPilotException.class)
                .hasMessageContaining("tcp://127.0.0.1:1")
                .hasMessageContaining("DOCKER_HOST");
        assertThat(docker.runtime().build()).satisfies(runtime -> {
            assertThat(runtime.endpoint()).startsWith(TestDocker.host());
            runtime.close();
        });
    }

    /** A container as a RunPilot agent with this owner would have left it. */
    private static String leftContainer(DockerClient client, String run, String host, long pid, long started, boolean running,
                                        String name) {
        Map<String, String> labels = new HashMap<>();
        labels.put(TestDocker.MANAGED_LABEL, "runpilot-docker");
        labels.put(DockerRuntime.LABEL_RUN_ID, run);
        labels.put(DockerRuntime.LABEL_ATTEMPT, "1");
        labels.put(DockerRuntime.LABEL_AGENT_ID, "agent-" + pid);
        labels.put("dev.runpilot.host", host);
        labels.put("dev.runpilot.agent-pid", Long.toString(pid));
        labels.put("dev.runpilot.agent-pid-started", Long.toString(started));
        String id = client.createContainerCmd(BUSYBOX).withName(name + "-" + System.nanoTime()).withCmd("sleep", "300")
                .withLabels(labels).exec().getId();
        if (running) {
            client.startContainerCmd(id).exec();
        }
        return id;
    }

    private static String hostName() throws Exception {
        String env = System.getenv("HOSTNAME");
        return env != null && !env.isBlank() ? env : java.net.InetAddress.getLocalHost().getHostName();
    }
}
