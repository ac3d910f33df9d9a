package dev.runpilot.gcp;

import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.google.cloud.NoCredentials;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.StorageOptions;
import java.net.URI;
import java.util.UUID;

/**
 * The Cloud Storage emulator that scripts/services/gcs.sh started, found through
 * {@code RUNPILOT_TEST_GCS_ENDPOINT}. Tests skip without it, or fail under {@code CI=true}.
 */
final class GcsEmulator {
    private GcsEmulator() {
    }

    /** Returns the endpoint, such as http://127.0.0.1:PORT, or skips/fails the test. */
    static String endpoint() {
        String endpoint = System.getenv("RUNPILOT_TEST_GCS_ENDPOINT");
        if (endpoint == null || endpoint.isBlank()) {
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                fail("RUNPILOT_TEST_GCS_ENDPOINT is not set: start the emulator with scripts/services/gcs.sh "
                        + "(scripts/test.sh does) before running the Cloud Storage tests");
            }
            assumeTrue(false, "The GCS emulator is not running (RUNPILOT_TEST_GCS_ENDPOINT unset); skipping");
        }
        return endpoint;
    }

    /** A client of the emulator that goes around the backend under test. */
    static Storage client() {
        return StorageOptions.http().setHost(endpoint()).setProjectId("runpilot-test")
                .setCredentials(NoCredentials.getInstance()).build().getService();
    }

    /** A bucket name no test used before; the emulator creates buckets on first use. */
    static String newBucket() {
        return "rp-" + UUID.randomUUID();
    }

    /** Returns gs://BUCKET/PREFIX?endpoint=... */
    static URI location(String bucket, String prefix) {
        return URI.create("gs://" + bucket + (prefix.isEmpty() ? "" : "/" + prefix) + "?endpoint=" + endpoint());
    }
}
