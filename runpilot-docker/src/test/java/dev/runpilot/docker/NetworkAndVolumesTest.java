package dev.runpilot.docker;

import static dev.runpilot.docker.TestDocker.BUSYBOX;
import static org.assertj.core.api.Assertions.assertThat;

import dev.runpilot.sdk.Job;
import dev.runpilot.sdk.Volume;
import dev.runpilot.sdk.spi.ExitStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@RequiresDocker
class NetworkAndVolumesTest {
    private static final String NETWORK = "runpilot-test-net";
    private static final String VOLUME = "runpilot-test-cache";
    private static DockerRuntime runtime;

    @TempDir
    Path work;
    @TempDir
    Path hostDir;

    @BeforeAll
    static void open(TestDocker docker) {
        runtime = docker.runtime().build();
        if (docker.client().listNetworksCmd().withNameFilter(NETWORK).exec().stream().noneMatch(n -> n.getName().equals(NETWORK))) {
            docker.client().createNetworkCmd().withName(NETWORK).withDriver("bridge").exec();
        }
    }

    @AfterAll
    static void close(TestDocker docker) {
        if (runtime != null) {
            runtime.close();
        }
        docker.client().removeNetworkCmd(NETWORK).exec();
        try {
            docker.client().removeVolumeCmd(VOLUME).exec();
        } catch (RuntimeException ignored) {
            // never created when a test failed early
        }
    }

    private static Job.Builder shell(String script) {
        return Job.builder().image(BUSYBOX).entrypoint(script);
    }

    @Test
    void networkNoneLeavesOnlyLoopback() {
        TestAttempt attempt = TestAttempt.start(runtime, shell("ls /sys/class/net").network("none").build(), work);

        assertThat(attempt.await().exitCode()).isZero();
        assertThat(attempt.stdout()).containsExactly("lo");
    }

    @Test
    void aUserNetworkIsJoined() {
        // Containers on a user-defined network get the engine's embedded DNS server.
        TestAttempt attempt = TestAttempt.start(runtime, shell("grep nameserver /etc/resolv.conf; ls /sys/class/net | sort")
                .network(NETWORK).build(), work);

        assertThat(attempt.await().exitCode()).isZero();
        assertThat(attempt.stdout()).containsExactly("nameserver 127.0.0.11", "eth0", "lo");
    }

    @Test
    void hostPathsMountReadWriteOrReadOnly() throws Exception {
        Files.writeString(hostDir.resolve("input.txt"), "from the host");
        Path readOnly = Files.createDirectories(hostDir.resolve("ro"));
        TestAttempt attempt = TestAttempt.start(runtime, shell(String.join("; ",
                "cat /data/input.txt; echo", "echo from the job > /data/output.txt",
                "echo nope > /locked/x 2>/dev/null && echo wrote-locked || echo locked-is-read-only"))
                .volume(new Volume(hostDir.toString(), "/data", false))
                .volume(new Volume(readOnly.toString(), "/locked", true)).build(), work);

        assertThat(attempt.await().exitCode()).isZero();
        assertThat(attempt.stdout()).containsExactly("from the host", "locked-is-read-only");
        assertThat(hostDir.resolve("output.txt")).hasContent("from the job");
        assertThat(readOnly.resolve("x")).doesNotExist();
    }

    @Test
    void aNamedVolumeOutlivesTheJobAndCanBeMountedReadOnly() {
        ExitStatus writer = TestAttempt.start(runtime, shell("echo cached > /cache/value")
                .volume(new Volume(VOLUME, "/cache", false)).build(), work).await();
        TestAttempt reader = TestAttempt.start(runtime, shell("cat /cache/value; touch /cache/other || echo read-only")
                .volume(new Volume(VOLUME, "/cache", true)).build(), work);

        assertThat(writer.exitCode()).isZero();
        assertThat(reader.await().exitCode()).isZero();
        assertThat(reader.stdout()).containsExactly("cached", "read-only");
    }
}
