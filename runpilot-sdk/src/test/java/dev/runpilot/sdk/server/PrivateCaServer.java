package dev.runpilot.sdk.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A started RunPilot server on HTTPS at 127.0.0.1 whose certificate is self-signed (its own private CA),
 * made by the JDK's keytool in a test's directory, with the CA as a PEM file for clients and agents to trust.
 */
final class PrivateCaServer implements AutoCloseable {
    private static final char[] PASSWORD = "changeit".toCharArray();

    final RunPilotServer server;
    /** The server's certificate as PEM: what {@code trustCertificates(...)} is given. */
    final Path pem;
    private final Path keystore;

    private PrivateCaServer(RunPilotServer server, Path pem, Path keystore) {
        this.server = server;
        this.pem = pem;
        this.keystore = keystore;
    }

    /** Makes the certificate under {@code dir}, starts a server on {@code dir/home} and returns it. */
    static PrivateCaServer start(Path dir) throws Exception {
        Path keystore = dir.resolve("server.p12");
        keytool("-genkeypair", "-alias", "runpilot", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=127.0.0.1",
                "-ext", "SAN=ip:127.0.0.1", "-validity", "2", "-storetype", "PKCS12", "-keystore", keystore.toString(),
                "-storepass", "changeit");
        Path pem = dir.resolve("ca.pem");
        keytool("-exportcert", "-rfc", "-alias", "runpilot", "-keystore", keystore.toString(), "-storepass", "changeit",
                "-file", pem.toString());
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(load(keystore), PASSWORD);
        SSLContext serverTls = SSLContext.getInstance("TLS");
        serverTls.init(keys.getKeyManagers(), null, null);
        RunPilotServer server = RunPilotServer.builder().home(dir.resolve("home")).port(0).https(serverTls).build();
        return new PrivateCaServer(server, pem, keystore);
    }

    /** A client-side TLS context that trusts the server's certificate, built without the SDK's PEM reader. */
    SSLContext trustingContext() throws Exception {
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(load(keystore));
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trust.getTrustManagers(), null);
        return context;
    }

    @Override
    public void close() {
        server.close();
    }

    private static KeyStore load(Path keystore) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            store.load(in, PASSWORD);
        }
        return store;
    }

    private static void keytool(String... args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        Process keytool = new ProcessBuilder(command).redirectErrorStream(true).start();
        keytool.getInputStream().transferTo(OutputStream.nullOutputStream());
        assertThat(keytool.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(keytool.exitValue()).isZero();
    }
}
