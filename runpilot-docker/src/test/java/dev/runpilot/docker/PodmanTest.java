package dev.runpilot.docker;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.dockerjava.api.DockerClient;
import dev.runpilot.sdk.Job;
import dev.runpilot.sdk.PullPolicy;
import dev.runpilot.sdk.spi.ExitStatus;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The same runtime against Podman's Docker-compatible socket: a rootful {@code podman system service} started here on
 * a socket in a temporary directory, stopped by its PID. The busybox test image is copied over from the Docker engine
 * ({@code docker save | podman load}), so nothing is pulled.
 */
@RequiresDocker
class PodmanTest {
    private static final String IMAGE = "localhost/runpilot-test/busybox:1";
    private static Path dir;
    private static Process service;
    private static String socket;

    @TempDir
    Path work;

    @BeforeAll
    static void startPodman(TestDocker docker) throws Exception {
        DockerEngineExtension.requireTool("podman", "apt-get install podman; scripts/test.sh does");
        dir = Files.createTempDirectory("runpilot-podman-");
        // This machine's sandbox refuses the rlimits Podman sets by default; an empty list leaves them alone.
        Files.writeString(dir.resolve("containers.conf"), "[containers]\ndefault_ulimits = []\n", StandardCharsets.UTF_8);
        shell("docker save " + TestDocker.BUSYBOX + " | podman load -q && podman tag " + TestDocker.BUSYBOX + " " + IMAGE);
        socket = "unix://" + dir.resolve("podman.sock");
        ProcessBuilder builder = new ProcessBuilder("podman", "system", "service", "--time=0", socket)
                .redirectErrorStream(true).redirectOutput(dir.resolve("podman.log").toFile());
        builder.environment().put("CONTAINERS_CONF", dir.resolve("containers.conf").toString());
        service = builder.start();
        Path log = dir.resolve("podman.log");
        try {
            Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100))
                    .until(() -> {
                        if (!service.isAlive()) {
                            throw new AssertionError("podman system service exited: " + Files.readString(log));
                        }
                        return Files.exists(dir.resolve("podman.sock")) && answers(socket);
                    });
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("podman system service did not answer on " + socket + ": " + Files.readString(log), e);
        }
    }

    @AfterAll
    static void stopPodman() throws Exception {
        if (service != null) {
            service.destroy();
            if (!service.waitFor(10, TimeUnit.SECONDS)) {
                service.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void aJobRunsThroughPodmansDockerCompatibleSocket() throws Exception {
        try (DockerRuntime podman = DockerRuntime.builder().dockerHost(socket).defaultPullPolicy(PullPolicy.NEVER)
                .statsInterval(Duration.ZERO).build();
             DockerClient client = TestDocker.open(socket)) {
            TestAttempt attempt = TestAttempt.start(podman, Job.builder().image(IMAGE)
                    .entrypoint("echo \"hello from $(pwd) $GREETING\"; echo to-stderr >&2; echo saved > out.txt; exit 3")
                    .env("GREETING", "podman").build(), work);

            ExitStatus status = attempt.await();

            assertThat(status).isEqualTo(ExitStatus.of(3));
            assertThat(attempt.stdout()).containsExactly("hello from /workspace podman");
            assertThat(attempt.stderr()).containsExactly("to-stderr");
            assertThat(attempt.workDir().resolve("out.txt")).hasContent("saved");
            assertThat(client.listContainersCmd().withShowAll(true)
                    .withLabelFilter(Map.of(TestDocker.MANAGED_LABEL, "runpilot-docker")).exec()).isEmpty();
        }
    }

    private static void shell(String command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder("sh", "-c", command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (process.waitFor() != 0) {
            throw new AssertionError(command + " failed: " + output);
        }
    }

    private static boolean answers(String socket) {
        try (DockerClient client = TestDocker.open(socket)) {
            client.pingCmd().exec();
            return true;
        } catch (RuntimeException | java.io.IOException notYet) {
            return false;
        }
    }
}
