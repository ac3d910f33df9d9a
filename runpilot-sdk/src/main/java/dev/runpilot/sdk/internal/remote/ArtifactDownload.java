package dev.runpilot.sdk.internal.remote;

import dev.runpilot.sdk.Artifact;
import dev.runpilot.sdk.StorageException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.http.HttpResponse;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Downloads one artifact from {@code GET /v1/runs/{id}/artifacts/{attempt}/{path}} into a file:
 * the bytes go to a temporary file beside the target, are counted and hashed on the way, and
 * replace the target only when the size and the SHA-256 (from the artifact, or the server's
 * {@value #SHA256_HEADER} header) match. A mismatch or a broken stream leaves the target as it was
 * and no temporary file behind.
 */
final class ArtifactDownload {
    /** The response header that carries the artifact's SHA-256, as the server sends it. */
    static final String SHA256_HEADER = "X-RunPilot-SHA256";

    private final ApiTransport transport;

    ArtifactDownload(ApiTransport transport) {
        this.transport = transport;
    }

    /** The API path of one artifact, every segment of its path encoded. */
    static String path(Artifact artifact) {
        StringBuilder path = new StringBuilder(HttpControlPlane.runPath(artifact.runId())).append("/artifacts/")
                .append(artifact.attempt());
        for (String segment : artifact.path().split("/", -1)) {
            path.append('/').append(ApiTransport.encode(segment).replace("+", "%20"));
        }
        return path.toString();
    }

    Path download(String runId, Artifact artifact, Path target) {
        Objects.requireNonNull(artifact, "artifact");
        Objects.requireNonNull(target, "target");
        if (!artifact.runId().equals(runId)) {
            throw new IllegalArgumentException("Artifact " + artifact.path() + " belongs to run " + artifact.runId() + ", not " + runId);
        }
        String path = path(artifact);
        String where = "artifact " + artifact.path() + " (attempt " + artifact.attempt() + ") of run " + runId + " from "
                + transport.base();
        HttpResponse<InputStream> response = transport.fetch(path).orElseThrow(() -> new StorageException("The server has no "
                + where + "; it may have been pruned. List the run's artifacts again (Run.artifacts())."));
        Path absolute = target.toAbsolutePath();
        OptionalLong announced = response.headers().firstValueAsLong("Content-Length");
        Optional<String> expectedSha = artifact.sha256().or(() -> response.headers().firstValue(SHA256_HEADER))
                .map(s -> s.toLowerCase(java.util.Locale.ROOT));
        Path temp = null;
        try (InputStream in = response.body()) {
            Files.createDirectories(absolute.getParent());
            temp = Files.createTempFile(absolute.getParent(), ".rp-download-", ".tmp");
            MessageDigest digest = sha256();
            long size;
            try (OutputStream out = new DigestOutputStream(Files.newOutputStream(temp), digest)) {
                size = in.transferTo(out);
            }
            long expectedSize = announced.isPresent() ? announced.getAsLong() : artifact.size();
            if (size != expectedSize || size != artifact.size()) {
                throw new StorageException("Downloaded " + where + " has " + size + " bytes, expected " + artifact.size()
                        + "; nothing was written to " + absolute + ". The artifact may have changed on the server; list it again.");
            }
            String actualSha = HexFormat.of().formatHex(digest.digest());
            if (expectedSha.isPresent() && !expectedSha.get().equals(actualSha)) {
                throw new StorageException("Downloaded " + where + " fails its checksum: SHA-256 " + actualSha + ", expected "
                        + expectedSha.get() + "; nothing was written to " + absolute + ".");
            }
            try {
                Files.move(temp, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, absolute, StandardCopyOption.REPLACE_EXISTING);
            }
            temp = null;
            return target;
        } catch (IOException e) {
            throw new StorageException("Cannot download " + where + " to " + absolute + ": " + e.getMessage(), e);
        } finally {
            if (temp != null) {
                try {
                    Files.deleteIfExists(temp);
                } catch (IOException ignored) {
                    // Best effort: the name marks it as a leftover download.
                }
            }
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("This JVM has no SHA-256", e);
        }
    }
}
