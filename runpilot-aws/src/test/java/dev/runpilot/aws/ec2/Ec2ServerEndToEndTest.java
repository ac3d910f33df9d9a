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
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.ServiceLoader;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
        int port = freePort();
        URI serverUri = URI.create("http://127.0.0.1:" + port);
        List<String> userDataTokens = new CopyOnWriteArrayList<>();
        // The played instance's agent uses what a real one would: the token in its own user data.
        PlayedInstances compute = new PlayedInstances(
                moto.provider().templateName("runpilot-e2e-" + System.nanoTime()).shutdownGrace(Duration.ofMinutes(5))
                        .controlPlane(serverUri).build(),
                moto, s3Storage, instance -> true,
                (context, runId) -> {
                    String token = agentToken(moto.userData(moto.instancesOf(runId).get(0).instanceId()));
                    userDataTokens.add(token);
                    return Agent.builder().endpoint(serverUri).token(token).runId(runId).runtime("process").workDir(agentWork)
                            .build().start();
                },
                true, "");
        try (RunPilotServer server = RunPilotServer.builder().home(home.resolve("server")).storage(storageUri).port(port)
                .leaseDuration(Duration.ofSeconds(5)).compute(compute).build().start()) {
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
                // The token in the user data is the server's, bound to this run: it cannot serve another run.
                assertThat(userDataTokens).singleElement().satisfies(token -> {
                    HttpResponse<String> me = get(serverUri.resolve("/v1/auth/me"), token);
                    assertThat(me.statusCode()).isEqualTo(200);
                    assertThat(me.body()).contains("\"runId\":\"" + run.id() + "\"");
                    HttpResponse<String> other = post(serverUri.resolve("/v1/agents/register"), token,
                            "{\"host\":\"thief\",\"labels\":{\"runpilot.run-id\":\"run-elsewhere\"}}");
                    assertThat(other.statusCode()).isEqualTo(403);
                    assertThat(other.body()).contains("bound to run " + run.id());
                });
            }
        } finally {
            s3Storage.close();
        }
    }

    private static String agentToken(String userData) {
        Matcher m = Pattern.compile("^RUNPILOT_AGENT_TOKEN='([^']+)'$", Pattern.MULTILINE).matcher(userData);
        assertThat(m.find()).as("an agent token in the user data:%n%s", userData).isTrue();
        return m.group(1);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static HttpResponse<String> get(URI uri, String token) throws IOException, InterruptedException {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(uri).header("Authorization", "Bearer " + token).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> post(URI uri, String token, String json) throws IOException, InterruptedException {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(uri).header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
