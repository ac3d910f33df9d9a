package dev.runpilot.sdk.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runpilot.sdk.ControlPlaneException;
import dev.runpilot.sdk.RunPilot;
import dev.runpilot.sdk.RunPilotClient;
import dev.runpilot.sdk.RunPilotException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A client of a server on HTTPS with a self-signed certificate (its own private CA), made by keytool in the test. */
class ClientTlsTrustTest {
    private static final char[] PASSWORD = "changeit".toCharArray();

    @TempDir
    Path dir;

    private RunPilotServer server;
    private String token;
    private Path keystore;
    private Path pem;

    @BeforeEach
    void startHttpsServer() throws Exception {
        keystore = dir.resolve("server.p12");
        keytool("-genkeypair", "-alias", "runpilot", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=127.0.0.1",
                "-ext", "SAN=ip:127.0.0.1", "-validity", "2", "-storetype", "PKCS12", "-keystore", keystore.toString(),
                "-storepass", "changeit");
        pem = dir.resolve("ca.pem");
        keytool("-exportcert", "-rfc", "-alias", "runpilot", "-keystore", keystore.toString(), "-storepass", "changeit",
                "-file", pem.toString());
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(store(), PASSWORD);
        SSLContext serverTls = SSLContext.getInstance("TLS");
        serverTls.init(keys.getKeyManagers(), null, null);
        server = RunPilotServer.builder().home(dir.resolve("home")).port(0).https(serverTls).build();
        token = server.tokens().createUserToken("team-a");
        server.start();
    }

    @AfterEach
    void stop() {
        server.close();
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
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(store());
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trust.getTrustManagers(), null);
        try (RunPilotClient client = client().sslContext(context).build()) {
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

    private KeyStore store() throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            store.load(in, PASSWORD);
        }
        return store;
    }

    private static void keytool(String... args) throws Exception {
        java.util.List<String> command = new java.util.ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(java.util.List.of(args));
        Process keytool = new ProcessBuilder(command).redirectErrorStream(true).start();
        keytool.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
        assertThat(keytool.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(keytool.exitValue()).isZero();
    }
}
