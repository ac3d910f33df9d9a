package dev.runpilot.aws.internal.ec2;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Base64;
import java.util.Collection;

/**
 * Reads the CA certificates the {@code ec2} provider ships to its instances, so that their agents
 * trust a control plane whose certificate a private CA signed.
 */
public final class CaCertificates {
    /** How the setting is given, for error messages. */
    static final String SETTING = "Ec2ComputeProvider.builder().caCertificate(Path) / RUNPILOT_EC2_CA_CERTIFICATE";

    private CaCertificates() {
    }

    /**
     * Reads every X.509 certificate of a file (PEM {@code -----BEGIN CERTIFICATE-----} blocks, or DER)
     * and returns them as PEM, re-encoded from the parsed certificates: whatever else the file holds
     * (comments, a private key by mistake) does not reach the instance.
     *
     * @param file the CA certificate file
     * @return one PEM block per certificate, each line ending in a newline
     * @throws IllegalArgumentException naming the file and the setting if it is missing, unreadable
     *     or holds no certificate
     */
    public static String readPem(Path file) {
        Collection<? extends Certificate> certificates;
        try (InputStream in = Files.newInputStream(file)) {
            certificates = CertificateFactory.getInstance("X.509").generateCertificates(in);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("The CA certificate file " + file + " (" + SETTING + ") does not exist", e);
        } catch (IOException e) {
            throw new IllegalArgumentException("Cannot read the CA certificate file " + file + " (" + SETTING + "): " + e, e);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("The CA certificate file " + file + " (" + SETTING + ") is not PEM X.509"
                    + " certificates ('-----BEGIN CERTIFICATE-----' blocks): " + e.getMessage(), e);
        }
        if (certificates.isEmpty()) {
            throw new IllegalArgumentException("The CA certificate file " + file + " (" + SETTING + ") holds no certificate;"
                    + " expected '-----BEGIN CERTIFICATE-----' blocks");
        }
        Base64.Encoder base64 = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII));
        StringBuilder pem = new StringBuilder();
        for (Certificate certificate : certificates) {
            try {
                pem.append("-----BEGIN CERTIFICATE-----\n").append(base64.encodeToString(certificate.getEncoded()))
                        .append("\n-----END CERTIFICATE-----\n");
            } catch (GeneralSecurityException e) {
                throw new IllegalArgumentException("A certificate in " + file + " (" + SETTING + ") cannot be encoded: "
                        + e.getMessage(), e);
            }
        }
        return pem.toString();
    }
}
