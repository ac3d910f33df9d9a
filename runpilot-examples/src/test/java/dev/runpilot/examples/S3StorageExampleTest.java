package dev.runpilot.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the S3 example as a user would, in its own JVM, against moto (scripts/services/moto.sh, which
 * exports RUNPILOT_TEST_MOTO_ENDPOINT); skipped without moto unless CI=true, where it fails.
 */
class S3StorageExampleTest {
    private final HttpClient http = HttpClient.newHttpClient();
    private URI moto;
    private String bucket;

    @TempDir
    Path home;

    @BeforeEach
    void createBucket() throws Exception {
        String endpoint = System.getenv("RUNPILOT_TEST_MOTO_ENDPOINT");
        if (endpoint == null || endpoint.isBlank()) {
            if ("true".equals(System.getenv("CI"))) {
                fail("RUNPILOT_TEST_MOTO_ENDPOINT is not set: the S3 example needs moto. Start it with"
                        + " `source scripts/services/moto.sh && moto_service_start` (scripts/test.sh does this).");
            }
            assumeTrue(false, "RUNPILOT_TEST_MOTO_ENDPOINT is not set; start moto with scripts/services/moto.sh");
        }
        moto = URI.create(endpoint);
        bucket = "rp-example-" + UUID.randomUUID().toString().substring(0, 13);
        HttpResponse<String> created = http.send(HttpRequest.newBuilder(moto.resolve("/" + bucket))
                .PUT(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(created.statusCode()).as("creating bucket %s on moto: %s", bucket, created.body()).isEqualTo(200);
    }

    @Test
    void theRunsBundleLogAndArtifactGoToTheBucketAndTheArtifactComesBack() throws Exception {
        String storage = "s3://" + bucket + "/runpilot?endpoint=" + moto + "&pathStyle=true";
        String output = ExampleProcess.runMain(S3StorageExample.class, home,
                Map.of("AWS_ACCESS_KEY_ID", "test", "AWS_SECRET_ACCESS_KEY", "test", "AWS_REGION", "us-east-1"), storage);

        assertThat(output)
                .contains("  | training on 3 rows")
                .containsPattern("run r-\\S+ SUCCEEDED, storage s3://" + bucket + "/runpilot")
                .containsPattern("artifact out/model.txt \\(8 bytes, key runs/r-\\S+/artifacts/1/out/model.txt\\): weights");
        String keys = http.send(HttpRequest.newBuilder(moto.resolve("/" + bucket + "?list-type=2")).GET().build(),
                HttpResponse.BodyHandlers.ofString()).body();
        assertThat(keys).contains("<Key>runpilot/bundles/").containsPattern("<Key>runpilot/runs/r-[^/]+/logs/attempt-1.log</Key>");
    }
}
