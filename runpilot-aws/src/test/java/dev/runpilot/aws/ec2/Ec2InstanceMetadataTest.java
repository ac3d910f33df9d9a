package dev.runpilot.aws.ec2;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.runpilot.sdk.Job;
import dev.runpilot.sdk.Run;
import dev.runpilot.sdk.RunPilot;
import dev.runpilot.sdk.RunPilotClient;
import dev.runpilot.sdk.RunStatus;
import dev.runpilot.sdk.agent.Agent;
import dev.runpilot.sdk.server.RunPilotServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.ec2.model.Instance;

/**
 * The agent of an instance the ec2 provider launched in moto reads that instance's identity from an
 * IMDSv2 stub on 127.0.0.1 serving moto's instance data (moto boots nothing, so the agent runs in
 * this JVM): the identity is in the agent's labels and on the attempt.
 */
class Ec2InstanceMetadataTest extends Ec2TestSupport {
    @TempDir
    Path agentWork;

    @Test
    void theAgentOfALaunchedInstanceReportsThatInstancesIdentity() throws Exception {
        String[] agentToken = new String[1];
        URI[] serverUri = new URI[1];
        Queue<Instance> served = new ConcurrentLinkedQueue<>();
        PlayedInstances compute = new PlayedInstances(
                moto.provider().templateName("runpilot-imds-" + System.nanoTime()).shutdownGrace(Duration.ofMinutes(5)).build(),
                moto, storage, instance -> true,
                (context, runId) -> {
                    Instance instance = moto.instancesOf(runId).stream().filter(i -> i.state().nameAsString().equals("running"))
                            .findFirst().orElseThrow();
                    served.add(instance);
                    Imds imds = new Imds(instance);
                    Agent agent = Agent.builder().endpoint(serverUri[0]).token(agentToken[0]).runId(runId).runtime("process")
                            .workDir(agentWork).instanceMetadata(imds.endpoint()).build().start();
                    return () -> {
                        agent.close();
                        imds.close();
                    };
                },
                true, "");
        String runId;
        String agentId;
        Path serverHome = home.resolve("server");
        try (RunPilotServer server = RunPilotServer.builder().home(serverHome).port(0).leaseDuration(Duration.ofSeconds(5))
                .compute(compute).build().start()) {
            serverUri[0] = server.uri();
            agentToken[0] = server.tokens().createAgentToken("ec2-instances");
            String userToken = server.tokens().createUserToken("team-a");
            try (RunPilotClient client = RunPilot.client().endpoint(server.uri()).token(userToken).build()) {
                Run run = client.submit(Job.builder().name("imds").command("sh", "-c", "echo on ec2").build());
                assertThat(run.await(Duration.ofSeconds(120)).orElseThrow().status()).isEqualTo(RunStatus.SUCCEEDED);
                runId = run.id();
                agentId = run.attempts().get(0).agentId();
            }
            Instance instance = served.element();
            JsonNode labels = agentLabels(server.uri(), userToken, agentId);
            assertThat(labels.path("ec2.instance-id").asText()).isEqualTo(instance.instanceId());
            assertThat(labels.path("ec2.instance-type").asText()).isEqualTo(instance.instanceTypeAsString());
            assertThat(labels.path("ec2.availability-zone").asText()).isEqualTo(instance.placement().availabilityZone());
            assertThat(labels.path("ec2.lifecycle").asText()).isEqualTo("on-demand");
        }
        Instance instance = served.element();
        try (RunPilotClient embedded = RunPilot.client().home(serverHome).runtime("process").build()) {
            Map<String, String> data = embedded.run(runId).attemptData(1);
            assertThat(data).containsEntry("ec2.instance-id", instance.instanceId())
                    .containsEntry("ec2.instance-type", instance.instanceTypeAsString())
                    .containsEntry("ec2.availability-zone", instance.placement().availabilityZone())
                    .containsEntry("ec2.lifecycle", "on-demand");
        }
    }

    private static JsonNode agentLabels(URI server, String token, String agentId) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(server.resolve("/v1/agents"))
                .header("Authorization", "Bearer " + token).GET().build(), HttpResponse.BodyHandlers.ofString());
        for (JsonNode agent : new ObjectMapper().readTree(response.body()).path("agents")) {
            if (agent.path("id").asText().equals(agentId)) {
                return agent.path("labels");
            }
        }
        throw new AssertionError("agent " + agentId + " is not listed: " + response.body());
    }

    /** An IMDSv2 stub on 127.0.0.1 serving one moto instance's identity, answering only with its session token. */
    private static final class Imds implements AutoCloseable {
        private final HttpServer server;

        Imds(Instance instance) {
            String token = UUID.randomUUID().toString();
            String lifecycle = instance.instanceLifecycleAsString() == null ? "on-demand" : instance.instanceLifecycleAsString();
            Map<String, String> paths = Map.of("/latest/meta-data/instance-id", instance.instanceId(),
                    "/latest/meta-data/instance-type", instance.instanceTypeAsString(),
                    "/latest/meta-data/placement/availability-zone", instance.placement().availabilityZone(),
                    "/latest/meta-data/instance-life-cycle", lifecycle);
            try {
                server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            server.createContext("/", exchange -> {
                try (exchange) {
                    String path = exchange.getRequestURI().getPath();
                    String body = path.equals("/latest/api/token") && exchange.getRequestMethod().equals("PUT") ? token
                            : token.equals(exchange.getRequestHeaders().getFirst("X-aws-ec2-metadata-token")) ? paths.get(path) : null;
                    int status = body != null ? 200 : path.equals("/latest/api/token") ? 400
                            : token.equals(exchange.getRequestHeaders().getFirst("X-aws-ec2-metadata-token")) ? 404 : 401;
                    byte[] bytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
                    exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
                    if (bytes.length > 0) {
                        exchange.getResponseBody().write(bytes);
                    }
                }
            });
            server.start();
        }

        URI endpoint() {
            return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }
}
