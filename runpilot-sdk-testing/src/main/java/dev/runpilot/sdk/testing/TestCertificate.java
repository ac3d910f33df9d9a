package dev.runpilot.sdk.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A self-signed certificate for {@code 127.0.0.1}, its own private CA, for testing TLS on loopback: a
 * {@link dev.runpilot.sdk.server.RunPilotServer} serves HTTPS with {@link #serverContext()}, and clients and agents
 * trust {@link #pemFile()} ({@code trustCertificates(...)}, {@code --ca-certificate}, a profile's
 * {@code ca_certificate}).
 *
 * <pre>{@code
 * TestCertificate certificate = TestCertificate.create(tempDir);
 * RunPilotServer server = RunPilotServer.builder().port(0).https(certificate.serverContext()).build().start();
 * RunPilotClient client = RunPilot.client().endpoint(server.uri()).token(token)
 *         .trustCertificates(certificate.pemFile()).build();
 * }</pre>
 *
 * <p>It is made with the JDK's {@code keytool} (an EC key, valid for two days) in the directory given.
 */
public final class TestCertificate {
    private static final char[] PASSWORD = "changeit".toCharArray();

    private final Path keystore;
    private final Path pemFile;

    private TestCertificate(Path keystore, Path pemFile) {
        this.keystore = keystore;
        this.pemFile = pemFile;
    }

    /**
     * Makes the certificate: {@code runpilot-test.p12} (key and certificate) and {@code ca.pem} (the certificate)
     * in {@code dir}.
     *
     * @param dir an existing directory, such as a JUnit {@code @TempDir}
     * @return the certificate
     * @throws IllegalStateException if keytool fails or does not finish within a minute; the message has its output
     */
    public static TestCertificate create(Path dir) {
        Path keystore = dir.resolve("runpilot-test.p12");
        Path pem = dir.resolve("ca.pem");
        keytool("-genkeypair", "-alias", "runpilot", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=127.0.0.1",
                "-ext", "SAN=ip:127.0.0.1", "-validity", "2", "-storetype", "PKCS12", "-keystore", keystore.toString(),
                "-storepass", new String(PASSWORD));
        keytool("-exportcert", "-rfc", "-alias", "runpilot", "-keystore", keystore.toString(), "-storepass",
                new String(PASSWORD), "-file", pem.toString());
        return new TestCertificate(keystore, pem);
    }

    /** Returns the certificate as a PEM file: what clients and agents are told to trust. */
    public Path pemFile() {
        return pemFile;
    }

    /** Returns a new TLS context that presents this certificate: for {@code RunPilotServer.Builder.https}. */
    public SSLContext serverContext() {
        try {
            KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(load(), PASSWORD);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys.getKeyManagers(), null, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Cannot build a server TLS context from " + keystore + ": " + e.getMessage(), e);
        }
    }

    /**
     * Returns a new TLS context that trusts this certificate and no other, built from the key store rather than the
     * PEM file: for a client's {@code sslContext(...)}, or to check a PEM reader against.
     */
    public SSLContext trustingContext() {
        try {
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(load());
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Cannot build a client TLS context from " + keystore + ": " + e.getMessage(), e);
        }
    }

    private KeyStore load() throws GeneralSecurityException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            store.load(in, PASSWORD);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + keystore, e);
        }
        return store;
    }

    private static void keytool(String... args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        try {
            Process keytool = new ProcessBuilder(command).redirectErrorStream(true).start();
            byte[] output = keytool.getInputStream().readAllBytes();
            if (!keytool.waitFor(1, TimeUnit.MINUTES)) {
                keytool.destroyForcibly();
                throw new IllegalStateException("keytool " + args[0] + " did not finish within a minute");
            }
            if (keytool.exitValue() != 0) {
                throw new IllegalStateException("keytool " + args[0] + " failed with exit code " + keytool.exitValue() + ": "
                        + new String(output, StandardCharsets.UTF_8).strip());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot run keytool from " + System.getProperty("java.home"), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while running keytool", e);
        }
    }
}
