package dev.runpilot.sdk.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runpilot.sdk.ControlPlaneException;
import dev.runpilot.sdk.RunPilot;
import dev.runpilot.sdk.RunPilotClient;
import dev.runpilot.sdk.RunPilotException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A client of a server on HTTPS with a self-signed certificate (its own private CA), made by keytool in the test. */
class ClientTlsTrustTest {
    @TempDir
    Path dir;

    private PrivateCaServer https;
    private RunPilotServer server;
    private String token;
    private Path pem;

    @BeforeEach
    void startHttpsServer() throws Exception {
        https = PrivateCaServer.start(dir);
        server = https.server;
        pem = https.pem;
        token = server.tokens().createUserToken("team-a");
        server.start();
    }

    @AfterEach
    void stop() {
        https.close();
    }

    @Test
    void theDefaultClientRefusesAnUntrustedCertificateAndSaysHowToTrustIt() {
        try (RunPilotClient client = client().build()) {
            assertThatThrownBy(client::list)
                    .isInstanceOf(ControlPlaneException.class)
                    .hasMessageContaining(server.uri().toString())
                    .hasMessageContaining("trustCertificates(")
                    .hasMessageContaining("ca_certificate");
        }
    }

    @Test
    void aClientTrustingTheCaPemWorks() {
        assertThat(Files.exists(pem)).isTrue();
        try (RunPilotClient client = client().trustCertificates(pem).build()) {
            assertThat(client.list().runs()).isEmpty();
            assertThat(client.submit(ServerFixture.shell("over-tls", "true")).id()).startsWith("r-");
        }
    }

    @Test
    void aClientWithAnSslContextWorks() throws Exception {
        try (RunPilotClient client = client().sslContext(https.trustingContext()).build()) {
            assertThat(client.list().runs()).isEmpty();
        }
    }

    @Test
    void aProfilesCaCertificateIsTrusted() throws Exception {
        Path home = Files.createDirectories(dir.resolve("client-home"));
        Path config = home.resolve("config");
        Files.writeString(config, "[lab]\nendpoint = " + server.uri() + "\ntoken = " + token + "\nca_certificate = " + pem + "\n");
        Files.setPosixFilePermissions(config, PosixFilePermissions.fromString("rw-------"));
        try (RunPilotClient client = RunPilot.client().home(home).profile("lab").requestTimeout(Duration.ofSeconds(10)).build()) {
            assertThat(client.list().runs()).isEmpty();
        }
    }

    @Test
    void aPemFileWithoutCertificatesIsAnErrorNamingIt() throws Exception {
        Path empty = Files.writeString(dir.resolve("empty.pem"), "not a certificate\n");
        assertThatThrownBy(() -> client().trustCertificates(empty).build())
                .isInstanceOf(RunPilotException.class).hasMessageContaining(empty.toString());
    }

    private RunPilotClient.Builder client() {
        return RunPilot.client().endpoint(server.uri()).token(token).requestTimeout(Duration.ofSeconds(10));
    }
}
