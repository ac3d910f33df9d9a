package dev.runpilot.sdk.internal.remote;

import dev.runpilot.sdk.RunPilotException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Collection;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/** Builds the TLS context of a client or agent that trusts the certificates of a PEM file (a private CA) and no others. */
final class PemTrust {
    /** How a client trusts a private CA, for the error of a failed TLS handshake. */
    static final String CLIENT_ADVICE = "RunPilot.client().trustCertificates(Path.of(\"ca.pem\")) or .sslContext(...), or"
            + " 'ca_certificate = /path/to/ca.pem' in the profile (~/.runpilot/config)";
    /** How an agent trusts a private CA, for the error of a failed TLS handshake. */
    static final String AGENT_ADVICE = "Agent.builder().trustCertificates(Path.of(\"ca.pem\")) or .sslContext(...); for"
            + " 'runpilot agent': --ca-certificate /path/to/ca.pem, $RUNPILOT_CA_CERTIFICATE, or 'ca_certificate' in the profile";

    private PemTrust() {
    }

    /**
     * The TLS context a client or agent uses: the one given, else one trusting the certificates of the
     * PEM file given, else none (the JDK's default trust store).
     *
     * @throws RunPilotException if the PEM file cannot be read or holds no certificate
     */
    static Optional<SSLContext> choose(Optional<SSLContext> given, Optional<Path> pemFile) {
        return given.isPresent() ? given : pemFile.map(PemTrust::context);
    }

    /**
     * Reads every certificate of a PEM file ({@code -----BEGIN CERTIFICATE-----} blocks) and returns a
     * context that trusts exactly those.
     *
     * @throws RunPilotException if the file cannot be read or holds no certificate
     */
    static SSLContext context(Path pemFile) {
        Collection<? extends Certificate> certificates;
        try (InputStream in = Files.newInputStream(pemFile)) {
            certificates = CertificateFactory.getInstance("X.509").generateCertificates(in);
        } catch (IOException e) {
            throw new RunPilotException("Cannot read the CA certificates " + pemFile + ": " + e.getMessage(), e);
        } catch (GeneralSecurityException e) {
            throw new RunPilotException("The CA certificate file " + pemFile + " is not PEM or DER X.509 certificates: "
                    + e.getMessage(), e);
        }
        if (certificates.isEmpty()) {
            throw new RunPilotException("The CA certificate file " + pemFile + " holds no certificate;"
                    + " expected '-----BEGIN CERTIFICATE-----' blocks");
        }
        try {
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            int i = 0;
            for (Certificate certificate : certificates) {
                store.setCertificateEntry("ca-" + i++, certificate);
            }
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(store);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException | IOException e) {
            throw new RunPilotException("Cannot build a TLS context from " + pemFile + ": " + e.getMessage(), e);
        }
    }
}
