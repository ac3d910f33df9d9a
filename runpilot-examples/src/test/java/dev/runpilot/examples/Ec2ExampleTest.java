package dev.runpilot.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.Instance;
import software.amazon.awssdk.services.ec2.model.InstanceAttributeName;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Runs the EC2 example as a user would, in its own JVM, against moto (scripts/services/moto.sh, which
 * exports RUNPILOT_TEST_MOTO_ENDPOINT); skipped without moto unless CI=true, where it fails.
 *
 * <p>Moto boots nothing, so this test plays the instance: once moto says the instance is running, it
 * reads the instance's user data from moto and starts, in a child JVM, what that user data starts: the
 * agent bound to the run, once, with the endpoint and agent token the user data carries. Everything
 * stays on loopback: the endpoint is checked to be 127.0.0.1 before the agent starts, and no instance
 * address moto hands out is ever dialled.
 */
class Ec2ExampleTest {
    /** An Ubuntu AMI in moto's built-in list (moto validates AMIs and knows no 22.04 image). */
    private static final String MOTO_AMI = "ami-785db401";
    private static final Pattern ENV_LINE = Pattern.compile("^(RUNPILOT_[A-Z_]+)='([^']*)'$", Pattern.MULTILINE);

    @TempDir
    Path home;
    @TempDir
    Path agentWork;

    private URI moto;
    private Ec2Client ec2;
    private final String owner = "rp-example-" + UUID.randomUUID().toString().substring(0, 8);
    private final List<Process> processes = new ArrayList<>();

    @BeforeEach
    void connectToMoto() {
        String endpoint = System.getenv("RUNPILOT_TEST_MOTO_ENDPOINT");
        if (endpoint == null || endpoint.isBlank()) {
            if ("true".equals(System.getenv("CI"))) {
                fail("RUNPILOT_TEST_MOTO_ENDPOINT is not set: the EC2 example needs moto. Start it with"
                        + " `source scripts/services/moto.sh && moto_service_start` (scripts/test.sh does this).");
            }
            assumeTrue(false, "RUNPILOT_TEST_MOTO_ENDPOINT is not set; start moto with scripts/services/moto.sh");
        }
        moto = URI.create(endpoint);
        ec2 = Ec2Client.builder().endpointOverride(moto).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test"))).build();
    }

    @AfterEach
    void stopProcessesAndCheckNothingIsLeftRunning() {
        processes.forEach(Process::destroyForcibly);
        if (ec2 != null) {
            try {
                assertThat(instances()).as("instances of owner %s left pending or running", owner)
                        .noneMatch(i -> i.state().nameAsString().matches("pending|running"));
            } finally {
                ec2.close();
            }
        }
    }

    @Test
    void theJobRunsOnItsOwnInstanceWhichIsTerminatedAfterwards() throws Exception {
        String bucket = "rp-ec2-example-" + UUID.randomUUID().toString().substring(0, 8);
        try (S3Client s3 = S3Client.builder().endpointOverride(moto).region(Region.US_EAST_1).forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test"))).build()) {
            s3.createBucket(b -> b.bucket(bucket));
        }
        int port = freePort();
        Process example = startExample("--storage", "s3://" + bucket + "/runpilot?endpoint=" + moto + "&pathStyle=true",
                "--agent-url", "https://downloads.example.invalid/runpilot.jar",
                "--ec2-endpoint", moto.toString(), "--region", "us-east-1", "--ami", MOTO_AMI, "--owner", owner,
                "--port", String.valueOf(port));

        Instance instance = await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200))
                .failFast("the example exited early; its output is in " + home.resolve("example.log"), () -> !example.isAlive())
                .until(() -> instances().stream().filter(i -> i.state().nameAsString().equals("running")).findFirst(),
                        java.util.Optional::isPresent)
                .orElseThrow();
        Map<String, String> env = userDataEnvironment(instance.instanceId());
        assertThat(URI.create(env.get("RUNPILOT_ENDPOINT")))
                .as("the control plane the instance reports to (must be loopback here)")
                .isEqualTo(URI.create("http://127.0.0.1:" + port));
        playTheInstance(env);

        assertThat(example.waitFor(120, TimeUnit.SECONDS)).as("the example finished; output in %s", home.resolve("example.log")).isTrue();
        String output = Files.readString(home.resolve("example.log"));
        assertThat(example.exitValue()).as("exit code of the example; output:%n%s", output).isZero();
        assertThat(output)
                .containsPattern("submitted run r-\\S+; waiting for its instance")
                .contains("  | hello from ")
                .containsPattern("run r-\\S+ SUCCEEDED, exit code 0")
                .contains("attempt 1 ran on instance " + instance.instanceId() + " (t3.small)")
                .containsPattern("instance " + instance.instanceId() + " is (shutting-down|terminated)");
        assertThat(instances()).singleElement().satisfies(i -> {
            assertThat(i.instanceId()).isEqualTo(instance.instanceId());
            assertThat(i.state().nameAsString()).isIn("shutting-down", "terminated");
        });
    }

    /** What the user data puts in /etc/runpilot/agent.env: the run, the control plane and the agent token. */
    private Map<String, String> userDataEnvironment(String instanceId) {
        String userData = new String(Base64.getDecoder().decode(ec2.describeInstanceAttribute(r -> r.instanceId(instanceId)
                .attribute(InstanceAttributeName.USER_DATA)).userData().value()), StandardCharsets.UTF_8);
        Map<String, String> env = new HashMap<>();
        Matcher m = ENV_LINE.matcher(userData);
        while (m.find()) {
            env.put(m.group(1), m.group(2));
        }
        assertThat(env).as("agent settings in the user data:%n%s", userData)
                .containsKeys("RUNPILOT_RUN_ID", "RUNPILOT_ENDPOINT", "RUNPILOT_AGENT_TOKEN");
        return env;
    }

    /** Starts what the user data starts, `agent --once --run-id ID --endpoint URL`, in a child JVM (no --imds: no metadata service here). */
    private void playTheInstance(Map<String, String> env) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        ProcessBuilder builder = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), "dev.runpilot.sdk.agent.Agent",
                "--once", "--run-id", env.get("RUNPILOT_RUN_ID"), "--endpoint", env.get("RUNPILOT_ENDPOINT"),
                "--runtime", "process", "--work-dir", agentWork.toString())
                .redirectErrorStream(true).redirectOutput(home.resolve("agent.log").toFile());
        builder.environment().put("RUNPILOT_AGENT_TOKEN", env.get("RUNPILOT_AGENT_TOKEN"));
        builder.environment().put("RUNPILOT_HOME", home.resolve("agent-home").toString());
        processes.add(builder.start());
    }

    private Process startExample(String... args) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"), Ec2Example.class.getName()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(home.resolve("example.log").toFile());
        builder.environment().putAll(Map.of("AWS_ACCESS_KEY_ID", "test", "AWS_SECRET_ACCESS_KEY", "test", "AWS_REGION", "us-east-1",
                "RUNPILOT_HOME", home.resolve("example-home").toString()));
        Process process = builder.start();
        processes.add(process);
        return process;
    }

    private List<Instance> instances() {
        List<Instance> result = new ArrayList<>();
        ec2.describeInstancesPaginator(r -> r.filters(Filter.builder().name("tag:owner").values(owner).build()))
                .reservations().forEach(reservation -> result.addAll(reservation.instances()));
        return result;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
