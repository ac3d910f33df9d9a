package dev.runpilot.docker.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.model.DeviceRequest;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.Mount;
import dev.runpilot.docker.RecordingOutput;
import dev.runpilot.docker.RequiresDocker;
import dev.runpilot.docker.TestDocker;
import dev.runpilot.sdk.GpuRequest;
import dev.runpilot.sdk.HealthCheck;
import dev.runpilot.sdk.Job;
import dev.runpilot.sdk.PullPolicy;
import dev.runpilot.sdk.Resources;
import dev.runpilot.sdk.Volume;
import dev.runpilot.sdk.spi.ExecutionRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the engine records for a container made from a job: created, inspected, removed, never started. */
@RequiresDocker
class ContainerDefinitionTest {
    @TempDir
    Path work;

    @Test
    void theEngineRecordsLimitsGpusMountsHealthCheckLabelsAndLogRotation(TestDocker docker) {
        RuntimeSettings settings = new RuntimeSettings(new EngineEndpoint(TestDocker.host(), "test"), Optional.empty(), work,
                "/workspace", false, PullPolicy.IF_NOT_PRESENT, 1024, 2 * 1024 * 1024, 4, Duration.ZERO);
        ContainerDefinition definition = new ContainerDefinition(settings, AgentIdentity.current());
        Job job = Job.builder().image(TestDocker.BUSYBOX).command("true")
                .resources(new Resources(1.5, 64L * 1024 * 1024, 42))
                .gpu(GpuRequest.of(2))
                .network("none")
                .user("1000")
                .volume(new Volume("/tmp", "/host-tmp", true))
                .volume(new Volume("runpilot-test-volume", "/cache", false))
                .healthCheck(new HealthCheck(List.of("test", "-f", "/tmp/ready"), Duration.ofSeconds(2), Duration.ofSeconds(3), 4,
                        Duration.ofSeconds(5)))
                .build();
        ExecutionRequest request = new ExecutionRequest("run-def", 3, "agent-def", job, job.command(), Map.of(), work,
                new RecordingOutput());
        DockerClient client = docker.client();

        String id = definition.apply(client.createContainerCmd(TestDocker.BUSYBOX), request,
                ContainerNames.forAttempt("run-def", 3)).exec().getId();
        try {
            InspectContainerResponse inspected = client.inspectContainerCmd(id).exec();
            HostConfig host = inspected.getHostConfig();

            assertThat(host.getNanoCPUs()).isEqualTo(1_500_000_000L);
            assertThat(host.getMemory()).isEqualTo(64L * 1024 * 1024);
            assertThat(host.getMemorySwap()).isEqualTo(64L * 1024 * 1024);
            assertThat(host.getPidsLimit()).isEqualTo(42L);
            assertThat(host.getNetworkMode()).isEqualTo("none");
            assertThat(host.getDeviceRequests()).singleElement().satisfies((DeviceRequest gpu) -> {
                assertThat(gpu.getDriver()).isEqualTo("nvidia");
                assertThat(gpu.getCount()).isEqualTo(2);
                assertThat(gpu.getCapabilities()).isEqualTo(List.of(List.of("gpu")));
            });
            assertThat(host.getMounts()).extracting(Mount::getTarget, Mount::getSource, Mount::getReadOnly).containsExactly(
                    org.assertj.core.groups.Tuple.tuple("/workspace", work.toAbsolutePath().toString(), null),
                    org.assertj.core.groups.Tuple.tuple("/host-tmp", "/tmp", true),
                    // the engine leaves out a false read-only flag
                    org.assertj.core.groups.Tuple.tuple("/cache", "runpilot-test-volume", null));
            assertThat(host.getLogConfig().getType().getType()).isEqualTo("json-file");
            assertThat(host.getLogConfig().getConfig()).containsEntry("max-size", "2097152").containsEntry("max-file", "4");
            assertThat(inspected.getConfig().getUser()).isEqualTo("1000");
            assertThat(inspected.getConfig().getWorkingDir()).isEqualTo("/workspace");
            assertThat(inspected.getConfig().getHealthcheck().getTest()).containsExactly("CMD", "test", "-f", "/tmp/ready");
            assertThat(inspected.getConfig().getHealthcheck().getInterval()).isEqualTo(2_000_000_000L);
            assertThat(inspected.getConfig().getHealthcheck().getRetries()).isEqualTo(4);
            assertThat(inspected.getConfig().getLabels())
                    .containsEntry("dev.runpilot.run-id", "run-def")
                    .containsEntry("dev.runpilot.attempt", "3")
                    .containsEntry("dev.runpilot.agent-id", "agent-def")
                    .containsEntry("dev.runpilot.agent-pid", Long.toString(ProcessHandle.current().pid()))
                    .containsKey("dev.runpilot.host");
        } finally {
            client.removeContainerCmd(id).withForce(true).withRemoveVolumes(true).exec();
            client.removeVolumeCmd("runpilot-test-volume").exec();
        }
    }
}
