package dev.runpilot.aws.ec2;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.Instance;
import software.amazon.awssdk.services.ec2.model.InstanceAttributeName;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.ssm.SsmClient;

/**
 * The moto server the tests run against ({@code RUNPILOT_TEST_MOTO_ENDPOINT}, started by
 * scripts/services/moto.sh with AMI and instance-type validation on).
 */
final class MotoEc2 implements AutoCloseable {
    /** An Ubuntu AMI in moto's built-in list (moto knows no 22.04 image; AMI validation refuses made-up ones). */
    static final String UBUNTU_AMI = "ami-785db401";
    static final StaticCredentialsProvider CREDENTIALS = StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test"));

    final URI endpoint;
    final Ec2Client ec2;

    private MotoEc2(URI endpoint) {
        this.endpoint = endpoint;
        this.ec2 = Ec2Client.builder().endpointOverride(endpoint).region(Region.US_EAST_1).credentialsProvider(CREDENTIALS).build();
    }

    /** Connects to moto and clears its state; skips the test (fails it under CI=true) without moto. */
    static MotoEc2 connect() {
        String value = System.getenv("RUNPILOT_TEST_MOTO_ENDPOINT");
        if (value == null || value.isBlank()) {
            if ("true".equals(System.getenv("CI"))) {
                throw new IllegalStateException("RUNPILOT_TEST_MOTO_ENDPOINT is not set: CI must start the moto service"
                        + " (scripts/services/moto.sh)");
            }
            Assumptions.abort("RUNPILOT_TEST_MOTO_ENDPOINT is not set; source scripts/services/moto.sh and start it to run EC2 tests");
        }
        // No reset: the S3 tests share this moto; every EC2 test names what it creates uniquely and
        // leaves no instance running.
        return new MotoEc2(URI.create(value));
    }

    void reset() {
        try {
            HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(endpoint.resolve("/moto-api/reset"))
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as("moto reset").isEqualTo(200);
        } catch (IOException e) {
            throw new IllegalStateException("moto at " + endpoint + " does not answer: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A provider builder pointed at moto, with test-friendly intervals. */
    Ec2ComputeProvider.Builder provider() {
        return Ec2ComputeProvider.builder().endpointOverride(endpoint).region("us-east-1").credentials(CREDENTIALS)
                .amiId(UBUNTU_AMI).agentUrl(URI.create("https://downloads.example.invalid/runpilot-agent.jar"))
                .pollInterval(java.time.Duration.ofMillis(200)).reconcileInterval(java.time.Duration.ZERO)
                .owner("runpilot-test");
    }

    IamClient iam() {
        return IamClient.builder().endpointOverride(endpoint).region(Region.AWS_GLOBAL).credentialsProvider(CREDENTIALS).build();
    }

    SsmClient ssm() {
        return SsmClient.builder().endpointOverride(endpoint).region(Region.US_EAST_1).credentialsProvider(CREDENTIALS).build();
    }

    /** Every RunPilot-tagged instance, in any state, of any owner. */
    List<Instance> runPilotInstances() {
        List<Instance> result = new ArrayList<>();
        ec2.describeInstancesPaginator(r -> r.filters(Filter.builder().name("tag:runpilot:managed").values("true").build()))
                .reservations().forEach(reservation -> result.addAll(reservation.instances()));
        return result;
    }

    /** The RunPilot-tagged instances that are pending or running. */
    List<Instance> liveRunPilotInstances() {
        return runPilotInstances().stream()
                .filter(i -> i.state().nameAsString().equals("pending") || i.state().nameAsString().equals("running")).toList();
    }

    /** The RunPilot-tagged instances launched for one run, in any state. */
    List<Instance> instancesOf(String runId) {
        return runPilotInstances().stream().filter(i -> i.tags().stream()
                .anyMatch(t -> t.key().equals("runpilot:run-id") && t.value().equals(runId))).toList();
    }

    /** The user data script the instance was launched with, decoded. */
    String userData(String instanceId) {
        String encoded = ec2.describeInstanceAttribute(r -> r.instanceId(instanceId).attribute(InstanceAttributeName.USER_DATA))
                .userData().value();
        return new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8);
    }

    static String tag(Instance instance, String key) {
        return instance.tags().stream().filter(t -> t.key().equals(key)).map(t -> t.value()).findFirst().orElse("");
    }

    @Override
    public void close() {
        ec2.close();
    }
}
