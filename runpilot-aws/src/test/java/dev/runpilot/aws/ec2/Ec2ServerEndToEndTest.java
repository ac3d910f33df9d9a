package dev.runpilot.aws.ec2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.runpilot.sdk.Job;
import dev.runpilot.sdk.Run;
import dev.runpilot.sdk.RunPilot;
import dev.runpilot.sdk.RunPilotClient;
import dev.runpilot.sdk.RunResult;
import dev.runpilot.sdk.RunStatus;
import dev.runpilot.sdk.agent.Agent;
import dev.runpilot.sdk.server.RunPilotServer;
import dev.runpilot.sdk.spi.StorageBackend;
import dev.runpilot.sdk.spi.StorageBackendFactory;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The whole loop through the API server: a client submits over HTTP; the server's ec2 provider
 * launches an instance in moto; the instance's agent (the HTTP {@link Agent} bound to the run, once,
 * started in this JVM because moto boots nothing) claims the run, runs it, reports; the server
 * archives the log to S3 (moto) and then hands the agent's {@code instance/shutdown} to the provider,
 * which terminates the instance.
 */
class Ec2ServerEndToEndTest extends Ec2TestSupport {
    @TempDir
    Path agentWork;

    @Test
    void submitLaunchRunOnceLogInS3ThenTerminate() throws Exception {
        String bucket = "rp-ec2-e2e-" + System.nanoTime();
        try (S3Client s3 = S3Client.builder().endpointOverride(moto.endpoint).region(Region.US_EAST_1)
                .credentialsProvider(MotoEc2.CREDENTIALS).forcePathStyle(true).build()) {
            s3.createBucket(b -> b.bucket(bucket));
        }
        URI storageUri = URI.create("s3://" + bucket + "/rp?endpoint=" + moto.endpoint + "&pathStyle=true");
        StorageBackend s3Storage = ServiceLoader.load(StorageBackendFactory.class).stream().map(ServiceLoader.Provider::get)
                .filter(f -> f.scheme().equals("s3")).findFirst().orElseThrow().create(storageUri, () -> home);
        String[] agentToken = new String[1];
        URI[] serverUri = new URI[1];
        PlayedInstances compute = new PlayedInstances(
                moto.provider().templateName("runpilot-e2e-" + System.nanoTime()).shutdownGrace(Duration.ofMinutes(5)).build(),
                moto, s3Storage, instance -> true,
                (context, runId) -> Agent.builder().endpoint(serverUri[0]).token(agentToken[0]).runId(runId).runtime("process")
                        .workDir(agentWork).build().start(),
                true, "");
        try (RunPilotServer server = RunPilotServer.builder().home(home.resolve("server")).storage(storageUri).port(0)
                .leaseDuration(Duration.ofSeconds(5)).compute(compute).build().start()) {
            serverUri[0] = server.uri();
            agentToken[0] = server.tokens().createAgentToken("ec2-instances");
            try (RunPilotClient client = RunPilot.client().endpoint(server.uri()).token(server.tokens().createUserToken("team-a")).build()) {
                Run run = client.submit(Job.builder().name("through-the-server").command("sh", "-c", "echo hello from ec2 via http").build());

                RunResult result = run.await(Duration.ofSeconds(120)).orElseThrow();

                assertThat(result.status()).isEqualTo(RunStatus.SUCCEEDED);
                // The provider's attempt data reaches the remote client through GET /v1/runs/{id}/attempts.
                await().atMost(Duration.ofSeconds(10)).until(() -> run.attemptData(1).containsKey("ec2.availability-zone"));
                assertThat(run.attemptData(1)).containsEntry("ec2.instance-type", "t3.small")
                        .containsEntry("ec2.instance-id", moto.instancesOf(run.id()).get(0).instanceId());
                await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(moto.instancesOf(run.id()))
                        .singleElement().satisfies(i -> assertThat(i.state().nameAsString()).isIn("shutting-down", "terminated")));
                // The record is written once the terminating call returns.
                await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(compute.terminations)
                        .as("calls that terminated an instance")
                        .filteredOn(t -> t.liveAfter() < t.liveBefore()).singleElement()
                        .satisfies(t -> {
                            assertThat(t.trigger()).isEqualTo("shutdownRequested");
                            assertThat(t.logStored()).as("log in S3 before the instance went").isTrue();
                        }));
                try (InputStream log = s3Storage.get(PlayedInstances.logKey(run.id(), 1)).orElseThrow()) {
                    assertThat(new String(log.readAllBytes(), StandardCharsets.UTF_8)).contains("hello from ec2 via http");
                }
            }
        } finally {
            s3Storage.close();
        }
    }
}
