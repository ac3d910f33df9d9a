package dev.runpilot.aws.internal;

import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.URI;
import java.util.UUID;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/** The moto server that scripts/services/moto.sh starts, and a plain S3 client on it for setting up and inspecting buckets. */
final class Moto {
    static final StaticCredentialsProvider CREDENTIALS =
            StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test"));

    private Moto() {
    }

    /** The endpoint from RUNPILOT_TEST_MOTO_ENDPOINT; skips the test without it, or fails it when CI=true. */
    static URI endpoint() {
        String endpoint = System.getenv("RUNPILOT_TEST_MOTO_ENDPOINT");
        if (endpoint == null || endpoint.isBlank()) {
            if ("true".equals(System.getenv("CI"))) {
                fail("RUNPILOT_TEST_MOTO_ENDPOINT is not set: the S3 tests need moto. Start it with"
                        + " `source scripts/services/moto.sh && moto_service_start` (scripts/test.sh does this).");
            }
            assumeTrue(false, "RUNPILOT_TEST_MOTO_ENDPOINT is not set; start moto with scripts/services/moto.sh");
        }
        return URI.create(endpoint);
    }

    /** A plain SDK client on moto, in us-east-1, path-style. */
    static S3Client client() {
        return S3Client.builder().endpointOverride(endpoint()).region(Region.US_EAST_1).credentialsProvider(CREDENTIALS)
                .forcePathStyle(true).build();
    }

    /** Creates a bucket with a unique name, so that tests never see each other's objects. */
    static String newBucket(S3Client s3) {
        String bucket = "rp-test-" + UUID.randomUUID().toString().substring(0, 18);
        s3.createBucket(b -> b.bucket(bucket));
        return bucket;
    }
}
