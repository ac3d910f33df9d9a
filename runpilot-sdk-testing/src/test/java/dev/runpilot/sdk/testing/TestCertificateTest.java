package dev.runpilot.sdk.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runpilot.sdk.ControlPlaneException;
import dev.runpilot.sdk.RunPilot;
import dev.runpilot.sdk.RunPilotClient;
import dev.runpilot.sdk.RunQuery;
import dev.runpilot.sdk.server.RunPilotServer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link TestCertificate}: a server serves HTTPS with it, and only clients that trust it get an answer. */
class TestCertificateTest {
    @TempDir
    Path dir;

    @Test
    void aServerOnItIsReachedByClientsTrustingThePemOrTheContextAndRefusedOtherwise() {
        TestCertificate certificate = TestCertificate.create(dir);
        assertThat(certificate.pemFile()).isRegularFile();
        assertThat(contentOf(certificate.pemFile())).startsWith("-----BEGIN CERTIFICATE-----");

        try (RunPilotServer server = RunPilotServer.builder().home(dir.resolve("home")).port(0)
                .https(certificate.serverContext()).build()) {
            String token = server.tokens().createUserToken("ml");
            server.start();
            assertThat(server.uri().getScheme()).isEqualTo("https");

            try (RunPilotClient byPem = RunPilot.client().endpoint(server.uri()).token(token)
                    .trustCertificates(certificate.pemFile()).build();
                    RunPilotClient byContext = RunPilot.client().endpoint(server.uri()).token(token)
                            .sslContext(certificate.trustingContext()).build()) {
                assertThat(byPem.list(RunQuery.builder().build()).runs()).isEmpty();
                assertThat(byContext.list(RunQuery.builder().build()).runs()).isEmpty();
            }
            try (RunPilotClient untrusting = RunPilot.client().endpoint(server.uri()).token(token).build()) {
                assertThatThrownBy(() -> untrusting.list(RunQuery.builder().build()))
                        .isInstanceOf(ControlPlaneException.class).hasMessageContaining(server.uri().toString());
            }
        }
    }

    private static String contentOf(Path file) {
        try {
            return Files.readString(file);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
