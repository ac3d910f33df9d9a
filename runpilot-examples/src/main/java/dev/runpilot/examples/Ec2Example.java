package dev.runpilot.examples;

import dev.runpilot.aws.ec2.Ec2ComputeProvider;
import dev.runpilot.sdk.Job;
import dev.runpilot.sdk.Run;
import dev.runpilot.sdk.RunPilot;
import dev.runpilot.sdk.RunPilotClient;
import dev.runpilot.sdk.RunResult;
import dev.runpilot.sdk.server.RunPilotServer;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.Ec2ClientBuilder;

/**
 * Runs one job on its own EC2 instance: a RunPilot API server with the {@code ec2} compute provider
 * and S3 storage, and a client that submits a job to it. The provider launches an instance for the
 * run; the instance's user data starts the RunPilot agent, bound to that run, which claims it over
 * HTTP, runs it, sends its log, reports, and asks the server to terminate the instance. The example
 * prints the log, the result and the instance id the provider recorded on the attempt, then asks EC2
 * ({@code DescribeInstances}) until the instance is shutting down or terminated.
 *
 * <p>Why a server: the instance's agent must reach a control plane over the network, so the
 * embedded default (a file database on this machine) is not enough. The server here listens on
 * {@code --bind} (default 127.0.0.1) and {@code --port} (default 8420); instances reach it at
 * {@code --public-url} (default {@code http://<bind>:<port>}), which on AWS must be an address the
 * instances can reach, such as your machine's public name behind TLS, or a server you run in the VPC.
 *
 * <p>Options ({@code --name value}):
 * <ul>
 *   <li>{@code --storage} (required): where bundles, logs and the agent jar live, {@code s3://bucket/prefix}
 *       ({@code ?endpoint=http://127.0.0.1:PORT&pathStyle=true} for moto or MinIO);</li>
 *   <li>{@code --agent-url} (required): where instances download the agent, the shaded
 *       {@code runpilot-cli/target/runpilot.jar} uploaded somewhere they can fetch it;</li>
 *   <li>{@code --ec2-endpoint}: the EC2 API; default AWS ({@code $AWS_ENDPOINT_URL_EC2} if set);</li>
 *   <li>{@code --region}: default {@code $AWS_REGION}, else us-east-1;</li>
 *   <li>{@code --ami}: the image; default the public Ubuntu 22.04 AMI from SSM;</li>
 *   <li>{@code --instance-type}: default t3.small; {@code --owner}: the owner tag, default
 *       {@code runpilot-<user>};</li>
 *   <li>{@code --bind}, {@code --port}, {@code --public-url}: see above.</li>
 * </ul>
 * Credentials come from the AWS default chain (environment, profile, role). On AWS, with the IAM
 * setup of docs/ec2.md:
 * <pre>
 * ./mvnw -q -pl runpilot-examples exec:java -Dexec.mainClass=dev.runpilot.examples.Ec2Example \
 *     -Dexec.args="--storage s3://my-bucket/runpilot --agent-url https://downloads.example.com/runpilot.jar \
 *                  --bind 0.0.0.0 --public-url http://203.0.113.7:8420"
 * </pre>
 * Against moto, which boots nothing (so something must play the instance's agent; Ec2ExampleTest does),
 * see docs/ec2.md, "The EC2 example".
 */
public final class Ec2Example {
    private static final Duration RUN_TIMEOUT = Duration.ofMinutes(20);
    private static final Duration TERMINATION_TIMEOUT = Duration.ofMinutes(5);

    private Ec2Example() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = parse(args);
        URI storage = URI.create(required(options, "storage", "s3://my-bucket/runpilot"));
        URI agentUrl = URI.create(required(options, "agent-url", "https://downloads.example.com/runpilot.jar"));
        String region = options.getOrDefault("region", Optional.ofNullable(System.getenv("AWS_REGION")).orElse("us-east-1"));
        Optional<URI> ec2Endpoint = Optional.ofNullable(options.getOrDefault("ec2-endpoint", System.getenv("AWS_ENDPOINT_URL_EC2")))
                .filter(s -> !s.isBlank()).map(URI::create);
        String bind = options.getOrDefault("bind", "127.0.0.1");
        int port = Integer.parseInt(options.getOrDefault("port", "8420"));
        URI publicUrl = URI.create(options.getOrDefault("public-url", "http://" + bind + ":" + port));

        // The provider hands each instance an agent token bound to its run; tokens come from the server's database.
        AtomicReference<RunPilotServer> serverRef = new AtomicReference<>();
        Ec2ComputeProvider.Builder ec2 = Ec2ComputeProvider.builder()
                .region(region)
                .instanceType(options.getOrDefault("instance-type", "t3.small"))
                .agentUrl(agentUrl)
                .controlPlane(publicUrl)
                .agentTokens(runId -> Optional.of(serverRef.get().tokens().createAgentToken("ec2 instance for " + runId)));
        ec2Endpoint.ifPresent(ec2::endpointOverride);
        Optional.ofNullable(options.get("ami")).ifPresent(ec2::amiId);
        Optional.ofNullable(options.get("owner")).ifPresent(ec2::owner);

        Path home = Files.createTempDirectory("runpilot-ec2-example-");
        try (RunPilotServer server = RunPilotServer.builder().home(home).storage(storage).bindAddress(bind).port(port)
                .compute(ec2.build()).build()) {
            serverRef.set(server);
            server.start();
            System.out.println("server " + server.uri() + ", instances report to " + publicUrl);
            try (RunPilotClient client = RunPilot.client().endpoint(server.uri())
                    .token(server.tokens().createUserToken("examples")).build()) {
                Run run = client.submit(Job.builder()
                        .name("hello-ec2")
                        .command("sh", "-c", "echo \"hello from $(hostname)\"; echo 'METRIC loss=0.05'")
                        .timeout(Duration.ofMinutes(10))
                        .build());
                System.out.println("submitted run " + run.id() + "; waiting for its instance");
                run.logs().follow(line -> System.out.println("  | " + line.text()));
                RunResult result = run.await(RUN_TIMEOUT).orElseThrow(() -> new IllegalStateException(
                        "run " + run.id() + " did not finish within " + RUN_TIMEOUT + "; see its events with `runpilot show " + run.id() + "`"));
                System.out.println("run " + run.id() + " " + result.status() + ", exit code " + (result.exitCode().isPresent() ? String.valueOf(result.exitCode().getAsInt()) : "-"));
                String instanceId = instanceOf(run);
                System.out.println("attempt 1 ran on instance " + instanceId + " (" + run.attemptData(1).get("ec2.instance-type") + ")");
                System.out.println("instance " + instanceId + " is " + awaitTermination(ec2Endpoint, region, instanceId));
                result.requireSuccess();
            }
        } finally {
            try (var paths = Files.walk(home)) {
                paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** The instance the provider recorded on attempt 1; the launcher records it once EC2 says running. */
    private static String instanceOf(Run run) throws InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofMinutes(1));
        while (true) {
            String id = run.attemptData(1).get("ec2.instance-id");
            if (id != null && run.attemptData(1).containsKey("ec2.instance-type")) {
                return id;
            }
            if (Instant.now().isAfter(deadline)) {
                throw new IllegalStateException("run " + run.id() + " has no ec2.instance-id on attempt 1: " + run.attemptData(1));
            }
            Thread.sleep(250);
        }
    }

    /** Asks EC2 until the instance is shutting down or terminated, and returns that state. */
    private static String awaitTermination(Optional<URI> endpoint, String region, String instanceId) throws InterruptedException {
        Ec2ClientBuilder builder = Ec2Client.builder().region(software.amazon.awssdk.regions.Region.of(region));
        endpoint.ifPresent(builder::endpointOverride);
        try (Ec2Client ec2 = builder.build()) {
            Instant deadline = Instant.now().plus(TERMINATION_TIMEOUT);
            while (true) {
                String state = ec2.describeInstances(r -> r.instanceIds(instanceId)).reservations().get(0).instances().get(0)
                        .state().nameAsString();
                if (state.equals("shutting-down") || state.equals("terminated")) {
                    return state;
                }
                if (Instant.now().isAfter(deadline)) {
                    throw new IllegalStateException("instance " + instanceId + " is still " + state + " after " + TERMINATION_TIMEOUT
                            + "; terminate it with `aws ec2 terminate-instances --instance-ids " + instanceId + "`");
                }
                Thread.sleep(1000);
            }
        }
    }

    private static Map<String, String> parse(String[] args) {
        Map<String, String> options = new HashMap<>();
        for (int i = 0; i < args.length; i += 2) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("Options go as --name value pairs; '" + args[i] + "' has no value. See the Javadoc of "
                        + Ec2Example.class.getName());
            }
            options.put(args[i].substring(2), args[i + 1]);
        }
        return options;
    }

    private static String required(Map<String, String> options, String name, String example) {
        String value = options.get(name);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("Pass --" + name + ", such as --" + name + " " + example);
        }
        return value;
    }
}
