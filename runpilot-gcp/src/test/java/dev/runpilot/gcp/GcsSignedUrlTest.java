package dev.runpilot.gcp;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.auth.oauth2.ServiceAccountCredentials;
import dev.runpilot.sdk.spi.PresignedUrl;
import dev.runpilot.sdk.spi.StorageBackend;
import java.io.ByteArrayInputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * V4 signed URLs, signed with a service account key made up for the test (an RSA key pair generated
 * here). The emulator serves GET on the signed path but ignores the signature, and has no route for
 * signed PUTs, so the write URL is checked for its V4 form only.
 */
class GcsSignedUrlTest {
    private static final String SIGNER = "runpilot-test@runpilot-test.iam.gserviceaccount.com";

    @Test
    void aSignedReadUrlServesTheObjectOverPlainHttp_emulatorIgnoresTheSignature() throws Exception {
        String bucket = GcsEmulator.newBucket();
        try (StorageBackend backend = GcsStorage.builder().location(GcsEmulator.location(bucket, "p"))
                .urlSigner(generatedServiceAccount()).build()) {
            byte[] content = "read through a signed URL".getBytes(StandardCharsets.UTF_8);
            backend.put("dir/object.txt", new ByteArrayInputStream(content));

            PresignedUrl url = backend.presign("dir/object.txt", PresignedUrl.Access.READ, Duration.ofMinutes(5))
                    .orElseThrow();

            assertV4(url);
            assertThat(url.url().getRawPath()).isEqualTo("/" + bucket + "/p/dir/object.txt");
            assertThat(url.toString()).doesNotContain(url.url().getRawQuery());
            HttpResponse<byte[]> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(url.url()).GET().build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).isEqualTo(content);
        }
    }

    @Test
    void aSignedWriteUrlHasTheV4Form_emulatorCannotServeSignedPuts() throws Exception {
        try (StorageBackend backend = GcsStorage.builder().location(GcsEmulator.location("bucket", "p"))
                .urlSigner(generatedServiceAccount()).build()) {
            PresignedUrl url = backend.presign("k", PresignedUrl.Access.WRITE, Duration.ofMinutes(5)).orElseThrow();
            assertThat(url.access()).isEqualTo(PresignedUrl.Access.WRITE);
            assertV4(url);
        }
    }

    @Test
    void withoutCredentialsOrASignerThereIsNoUrl() {
        try (StorageBackend backend = GcsStorage.builder().location(GcsEmulator.location("bucket", "p")).build()) {
            assertThat(backend.presign("k", PresignedUrl.Access.READ, Duration.ofMinutes(5))).isEmpty();
        }
    }

    private static void assertV4(PresignedUrl url) {
        String query = url.url().getRawQuery();
        assertThat(query).contains("X-Goog-Algorithm=GOOG4-RSA-SHA256", "X-Goog-Expires=300",
                "X-Goog-Credential=" + SIGNER.replace("@", "%40"), "X-Goog-Signature=");
        String signature = query.substring(query.indexOf("X-Goog-Signature=") + "X-Goog-Signature=".length());
        assertThat(signature.split("&")[0]).hasSize(512).matches("[0-9a-f]+");
        assertThat(url.expiresAt()).isBetween(Instant.now().plus(Duration.ofMinutes(4)), Instant.now().plus(Duration.ofMinutes(6)));
    }

    private static ServiceAccountCredentials generatedServiceAccount() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        KeyPair keys = generator.generateKeyPair();
        return ServiceAccountCredentials.newBuilder().setClientEmail(SIGNER).setPrivateKey(keys.getPrivate())
                .setProjectId("runpilot-test").build();
    }
}
