package dev.runpilot.azure;

import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import java.net.URI;
import java.util.UUID;

/**
 * The Azurite blob service that scripts/services/azurite.sh started, found through
 * {@code RUNPILOT_TEST_AZURITE_BLOB_ENDPOINT}. Tests skip without it, or fail under {@code CI=true}.
 */
final class Azurite {
    /** Azurite's development account and its published, well-known key. */
    static final String ACCOUNT = "devstoreaccount1";
    static final String ACCOUNT_KEY =
            "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private Azurite() {
    }

    /** Returns the blob endpoint, such as http://127.0.0.1:PORT/devstoreaccount1, or skips/fails the test. */
    static String endpoint() {
        String endpoint = System.getenv("RUNPILOT_TEST_AZURITE_BLOB_ENDPOINT");
        if (endpoint == null || endpoint.isBlank()) {
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                fail("RUNPILOT_TEST_AZURITE_BLOB_ENDPOINT is not set: start Azurite with scripts/services/azurite.sh "
                        + "(scripts/test.sh does) before running the Azure tests");
            }
            assumeTrue(false, "Azurite is not running (RUNPILOT_TEST_AZURITE_BLOB_ENDPOINT unset); skipping");
        }
        return endpoint;
    }

    static String connectionString() {
        return "DefaultEndpointsProtocol=http;AccountName=" + ACCOUNT + ";AccountKey=" + ACCOUNT_KEY
                + ";BlobEndpoint=" + endpoint() + ";";
    }

    /** A client of the emulator that goes around the backend under test. */
    static BlobServiceClient service() {
        return new BlobServiceClientBuilder().connectionString(connectionString()).buildClient();
    }

    /** Creates a new, empty container and returns it. */
    static BlobContainerClient newContainer() {
        BlobContainerClient container = service().getBlobContainerClient("rp-" + UUID.randomUUID());
        container.create();
        return container;
    }

    /** Returns az://devstoreaccount1/CONTAINER/PREFIX?endpoint=... for a container. */
    static URI location(String container, String prefix) {
        return URI.create("az://" + ACCOUNT + "/" + container + (prefix.isEmpty() ? "" : "/" + prefix)
                + "?endpoint=" + endpoint());
    }
}
