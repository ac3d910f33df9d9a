package dev.runpilot.gcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.runpilot.sdk.StorageException;
import dev.runpilot.sdk.spi.StorageBackend;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Failures name the gs:// URI and the cause. The emulator creates any bucket on first use and checks
 * no credentials, so those two answers come from a JDK HTTP server on loopback that replies as Cloud
 * Storage does; the unreachable endpoint is a closed loopback port.
 */
class GcsStorageErrorsTest {
    private HttpServer server;

    @AfterEach
    void stopServer() {
        if (server != null) {
            server.stop(0);
        }
    }

    @Test
    void aMissingBucketIsReportedWithTheUri_onStubServer_emulatorCreatesBucketsOnDemand() throws IOException {
        String endpoint = serveError(404, "The specified bucket does not exist.", "notFound");
        URI location = URI.create("gs://no-such-bucket/p?endpoint=" + endpoint);
        try (StorageBackend backend = GcsStorage.builder().location(location).maxAttempts(1).build()) {
            assertThatThrownBy(() -> backend.put("k", new ByteArrayInputStream(new byte[] {1})))
                    .isInstanceOf(StorageException.class)
                    .hasMessageContaining("gs://no-such-bucket/p")
                    .hasMessageContaining("bucket 'no-such-bucket' does not exist");
            assertThatThrownBy(() -> backend.list("", null, 10))
                    .isInstanceOf(StorageException.class)
                    .hasMessageContaining("bucket 'no-such-bucket' does not exist");
            // The client reports any 404 of an object read as "no object"; telling a missing bucket apart
            // would cost a bucket lookup per miss (which the emulator cannot answer either).
            assertThat(backend.stat("k")).isEmpty();
        }
    }

    @Test
    void rejectedCredentialsAreReported_onStubServer_emulatorChecksNoCredentials() throws IOException {
        String endpoint = serveError(401, "Invalid Credentials", "authError");
        URI location = URI.create("gs://bucket/p?endpoint=" + endpoint);
        try (StorageBackend backend = GcsStorage.builder().location(location).maxAttempts(1).build()) {
            assertThatThrownBy(() -> backend.put("k", new ByteArrayInputStream(new byte[] {1})))
                    .isInstanceOf(StorageException.class)
                    .hasMessageContaining("gs://bucket/p")
                    .hasMessageContaining("the credentials were rejected (HTTP 401");
        }
    }

    @Test
    void anUnreachableEndpointIsReportedWithTheEndpoint() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        String endpoint = "http://127.0.0.1:" + closedPort;
        URI location = URI.create("gs://bucket/p?endpoint=" + endpoint);
        try (StorageBackend backend = GcsStorage.builder().location(location).maxAttempts(1).build()) {
            assertThatThrownBy(() -> backend.put("k", new ByteArrayInputStream(new byte[] {1})))
                    .isInstanceOf(StorageException.class)
                    .hasMessageContaining("gs://bucket/p")
                    .hasMessageContaining("the Cloud Storage endpoint " + endpoint + " cannot be reached");
            assertThatThrownBy(() -> backend.get("k"))
                    .isInstanceOf(StorageException.class)
                    .hasMessageContaining("cannot be reached");
        }
    }

    @Test
    void anUnknownUriParameterIsRejectedWithTheUri() {
        assertThatThrownBy(() -> GcsStorage.builder().location(URI.create("gs://bucket/p?secret=x")))
                .hasMessageContaining("gs://bucket/p?secret=x")
                .hasMessageContaining("unknown parameter 'secret'");
    }

    @Test
    void theBuilderDescriptionNamesTheLocationAndNoCredentials() {
        assertThat(GcsStorage.builder().location(URI.create("gs://bucket/p?kmsKeyName=k")).toString())
                .contains("gs://bucket/p?kmsKeyName=k", "credentials=default");
    }

    /** Starts a loopback server answering every request with a Cloud Storage JSON error. */
    private String serveError(int status, String message, String reason) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        byte[] body = ("{\"error\":{\"code\":" + status + ",\"message\":\"" + message + "\",\"errors\":[{\"message\":\""
                + message + "\",\"domain\":\"global\",\"reason\":\"" + reason + "\"}]}}").getBytes(StandardCharsets.UTF_8);
        server.createContext("/", exchange -> {
            exchange.getRequestBody().readAllBytes();
            exchange.getResponseHeaders().add("Content-Type", "application/json; charset=UTF-8");
            exchange.sendResponseHeaders(status, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }
}
