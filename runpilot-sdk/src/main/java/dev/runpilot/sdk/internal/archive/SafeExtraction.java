package dev.runpilot.sdk.internal.archive;

import dev.runpilot.sdk.ArchiveException;
import dev.runpilot.sdk.ArchiveException.Reason;
import dev.runpilot.sdk.archive.EncryptionKey;
import dev.runpilot.sdk.archive.ExtractedBundle;
import dev.runpilot.sdk.archive.Manifest;
import dev.runpilot.sdk.archive.ManifestEntry;
import dev.runpilot.sdk.archive.Progress;
import dev.runpilot.sdk.archive.ProgressListener;
import dev.runpilot.sdk.archive.TrustedKeys;
import dev.runpilot.sdk.archive.VerificationKey;
import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;

/**
 * One verified extraction: decrypt if needed, read and verify the manifest and signature, check
 * every entry against the manifest while streaming it into a staging directory, and rename the
 * staging directory into place only when everything verified. One instance per call.
 */
public final class SafeExtraction {
    private static final long RATIO_GRACE_BYTES = 1024 * 1024;
    private static final long TAR_OVERHEAD_PER_ENTRY = 3 * 512 + 2 * EntryPaths.MAX_LENGTH;

    /**
     * What an extraction may unpack.
     *
     * @param maxEntries the most entries
     * @param maxTotalBytes the most bytes of files in total
     * @param maxFileBytes the most bytes in one file
     * @param maxCompressionRatio how many times the archive bytes read the unpacked bytes may reach
     */
    public record Limits(int maxEntries, long maxTotalBytes, long maxFileBytes, int maxCompressionRatio) {
    }

    private final TrustedKeys trustedKeys;
    private final boolean signatureRequired;
    private final Optional<EncryptionKey> decryptionKey;
    private final Limits limits;
    private final ProgressListener listener;
    private final String where = "the archive";
    private MeteredInputStream compressed;
    private MeteredInputStream uncompressed;
    private long written;
    private Optional<String> verifiedSigner = Optional.empty();
    /** An entry read while looking for the signature, to be handled as the first content entry. */
    private TarArchiveEntry pending;

    /**
     * Prepares an extraction.
     *
     * @param trustedKeys the keys whose signatures are accepted
     * @param signatureRequired whether a trusted signature is required
     * @param decryptionKey the key for encrypted bundles, if any
     * @param limits the limits
     * @param listener who receives progress reports
     */
    public SafeExtraction(TrustedKeys trustedKeys, boolean signatureRequired, Optional<EncryptionKey> decryptionKey,
            Limits limits, ProgressListener listener) {
        this.trustedKeys = trustedKeys;
        this.signatureRequired = signatureRequired;
        this.decryptionKey = decryptionKey;
        this.limits = limits;
        this.listener = listener;
    }

    /**
     * Runs the extraction.
     *
     * @param archive the bundle's bytes
     * @param target the directory to create
     * @param expectedSha256 the SHA-256 the bytes must have, if known
     * @return what was unpacked
     */
    public ExtractedBundle run(InputStream archive, Path target, Optional<String> expectedSha256) {
        MessageDigest archiveDigest = Hex.sha256();
        compressed = new MeteredInputStream(new DigestInputStream(archive, archiveDigest), limit -> null);
        try {
            BufferedInputStream buffered = new BufferedInputStream(compressed, 1 << 16);
            buffered.mark(SegmentedEncryption.magicLength());
            byte[] magic = buffered.readNBytes(SegmentedEncryption.magicLength());
            buffered.reset();
            boolean encrypted = SegmentedEncryption.hasMagic(magic);
            InputStream gzip = encrypted ? SegmentedEncryption.decrypt(keyFor(), buffered) : buffered;
            if (!encrypted && (magic.length < 2 || magic[0] != 0x1f || magic[1] != (byte) 0x8b)) {
                throw new ArchiveException(Reason.CORRUPT, where + " is neither a gzip stream nor an encrypted"
                        + " RunPilot bundle");
            }
            uncompressed = new MeteredInputStream(GzipCompressorInputStream.builder().setInputStream(gzip)
                    .setDecompressConcatenated(true).get(), limit ->
                    new ArchiveException(Reason.TOO_LARGE, where + " expands to more than " + limit
                            + " bytes of tar data, more than its manifest declares"));
            uncompressed.limit(BundleFormat.MAX_MANIFEST_BYTES + 64L * 1024);
            TarArchiveInputStream tar = new TarArchiveInputStream(uncompressed, "UTF-8");
            Manifest manifest = readVerifiedManifest(tar);
            long tarBound = manifest.totalSize() + (manifest.entries().size() + 4L) * TAR_OVERHEAD_PER_ENTRY;
            uncompressed.limit(uncompressed.count() + tarBound + 64L * 1024);
            try (StagingDirectory staging = StagingDirectory.create(target)) {
                List<ManifestEntry> links = writeEntries(tar, manifest, staging.root());
                drain(uncompressed);
                drain(buffered);
                String sha256 = Hex.encode(archiveDigest.digest());
                if (expectedSha256.isPresent() && !expectedSha256.get().equalsIgnoreCase(sha256)) {
                    throw new ArchiveException(Reason.CHECKSUM_MISMATCH, where + " has SHA-256 " + sha256
                            + " but " + expectedSha256.get() + " was expected: it is not the bundle that was stored");
                }
                createLinks(links, staging.root());
                staging.commit();
                return new ExtractedBundle(target.toAbsolutePath().normalize(), sha256, manifest, verifiedSigner,
                        encrypted ? decryptionKey.map(EncryptionKey::keyId) : Optional.empty());
            }
        } catch (ArchiveException e) {
            throw e;
        } catch (InterruptedIOException e) {
            Thread.currentThread().interrupt();
            throw new ArchiveException(Reason.IO_ERROR, "interrupted while extracting into " + target, e);
        } catch (IOException e) {
            throw classify(e, target);
        }
    }

    private byte[] keyFor() {
        return decryptionKey.map(key -> Base64.getDecoder().decode(key.toBase64())).orElseThrow(() ->
                new ArchiveException(Reason.KEY_REQUIRED, where + " is encrypted and no decryption key was given;"
                        + " configure the agent with the key the bundle was encrypted with"));
    }

    private Manifest readVerifiedManifest(TarArchiveInputStream tar) throws IOException {
        TarArchiveEntry first = tar.getNextEntry();
        if (first == null || !first.getName().equals(BundleFormat.MANIFEST_ENTRY) || !isRegularFile(first)
                || first.getSize() > BundleFormat.MAX_MANIFEST_BYTES) {
            throw new ArchiveException(Reason.CORRUPT, where + " does not start with " + BundleFormat.MANIFEST_ENTRY
                    + "; it is not a RunPilot bundle");
        }
        byte[] manifestJson = readExactly(tar, first.getSize(), BundleFormat.MANIFEST_ENTRY);
        Optional<BundleFormat.SignatureBlock> signature = Optional.empty();
        TarArchiveEntry second = tar.getNextEntry();
        if (second != null && second.getName().equals(BundleFormat.SIGNATURE_ENTRY)) {
            if (!isRegularFile(second) || second.getSize() > BundleFormat.MAX_SIGNATURE_BYTES) {
                throw new ArchiveException(Reason.SIGNATURE_REJECTED, where + " has a malformed signature entry");
            }
            signature = Optional.of(BundleFormat.decodeSignature(readExactly(tar, second.getSize(),
                    BundleFormat.SIGNATURE_ENTRY)));
            second = null;
        }
        verifySignature(manifestJson, signature);
        Manifest manifest = ManifestCodec.decode(manifestJson);
        ManifestChecks.check(manifest, limits, where);
        pending = second;
        return manifest;
    }

    private void verifySignature(byte[] manifestJson, Optional<BundleFormat.SignatureBlock> signature) {
        if (signature.isEmpty()) {
            if (signatureRequired) {
                throw new ArchiveException(Reason.SIGNATURE_REJECTED, where + " is unsigned and signatures are"
                        + " required; bundle it with a signing key whose public key the agent trusts");
            }
            return;
        }
        String keyId = signature.get().keyId();
        Optional<VerificationKey> key = trustedKeys.find(keyId);
        if (key.isEmpty()) {
            if (signatureRequired) {
                throw new ArchiveException(Reason.SIGNATURE_REJECTED, where + " is signed by key " + keyId
                        + ", which is not trusted (trusted: " + trustedKeys.keys().stream()
                        .map(VerificationKey::keyId).sorted().toList() + ")");
            }
            return;
        }
        byte[] message = BundleFormat.signedMessage(Hex.sha256Hex(manifestJson));
        if (!key.get().verify(message, signature.get().signature())) {
            throw new ArchiveException(Reason.SIGNATURE_REJECTED, where + "'s signature by key " + keyId
                    + " does not verify: its manifest was altered after signing, or the signature is forged");
        }
        verifiedSigner = Optional.of(keyId);
    }

    private List<ManifestEntry> writeEntries(TarArchiveInputStream tar, Manifest manifest, Path root)
            throws IOException {
        List<ManifestEntry> links = new ArrayList<>();
        ProgressReporter progress = new ProgressReporter(listener, Progress.Stage.EXTRACTING, manifest.totalSize(),
                manifest.fileCount());
        byte[] buffer = new byte[1 << 16];
        List<ManifestEntry> entries = manifest.entries();
        for (int i = 0; i < entries.size(); i++) {
            ManifestEntry expected = entries.get(i);
            TarArchiveEntry entry = pending != null ? pending : tar.getNextEntry();
            pending = null;
            if (entry == null) {
                throw new ArchiveException(Reason.TRUNCATED, where + " ends after " + i + " of its "
                        + entries.size() + " entries; it was cut short in transfer or storage");
            }
            checkMatches(entry, expected);
            Path path = root.resolve(expected.path());
            switch (expected.type()) {
                case DIRECTORY -> {
                    Files.createDirectories(path);
                    setMode(path, 0755);
                }
                case SYMLINK -> links.add(expected);
                case FILE -> {
                    Files.createDirectories(path.getParent());
                    writeFile(tar, expected, path, buffer, progress);
                    progress.addFile();
                }
            }
        }
        TarArchiveEntry extra = pending != null ? pending : tar.getNextEntry();
        if (extra != null) {
            throw new ArchiveException(Reason.CORRUPT, where + " holds '" + EntryPaths.printable(extra.getName())
                    + "', which its manifest does not list");
        }
        progress.finish();
        return links;
    }

    private void checkMatches(TarArchiveEntry entry, ManifestEntry expected) {
        byte flag = entry.getLinkFlag();
        String name = flag == TarConstants.LF_DIR && entry.getName().endsWith("/")
                ? entry.getName().substring(0, entry.getName().length() - 1) : entry.getName();
        EntryPaths.checkRelative(name, where);
        if (flag == TarConstants.LF_LINK) {
            throw new ArchiveException(Reason.HARD_LINK, where + " holds the hard link '" + EntryPaths.printable(name)
                    + "' to '" + EntryPaths.printable(entry.getLinkName()) + "'; bundles never hold hard links");
        }
        if (flag == TarConstants.LF_CHR || flag == TarConstants.LF_BLK || flag == TarConstants.LF_FIFO) {
            throw new ArchiveException(Reason.SPECIAL_FILE, where + " holds '" + EntryPaths.printable(name)
                    + "', a device node or FIFO; bundles hold only files, directories and links");
        }
        if (flag == TarConstants.LF_SYMLINK) {
            EntryPaths.checkLinkTarget(name, entry.getLinkName(), where);
        }
        ManifestEntry.Type type = flag == TarConstants.LF_DIR ? ManifestEntry.Type.DIRECTORY
                : flag == TarConstants.LF_SYMLINK ? ManifestEntry.Type.SYMLINK
                : isRegularFile(entry) ? ManifestEntry.Type.FILE : null;
        boolean matches = name.equals(expected.path()) && type == expected.type()
                && (type != ManifestEntry.Type.FILE || entry.getSize() == expected.size()
                        && (entry.getMode() & 07777) == expected.mode())
                && (type != ManifestEntry.Type.SYMLINK || entry.getLinkName().equals(expected.linkTarget()));
        if (!matches) {
            throw mismatch("the entry '" + EntryPaths.printable(name) + "' (type '" + (char) flag + "', "
                    + entry.getSize() + " bytes) does not match the manifest's next entry '" + expected.path() + "' ("
                    + expected.type().name().toLowerCase(Locale.ROOT) + ", " + expected.size() + " bytes)");
        }
    }

    private void writeFile(InputStream tar, ManifestEntry expected, Path path, byte[] buffer,
            ProgressReporter progress) throws IOException {
        MessageDigest digest = Hex.sha256();
        long remaining = expected.size();
        try (OutputStream out = Files.newOutputStream(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                LinkOption.NOFOLLOW_LINKS)) {
            while (remaining > 0) {
                int n = tar.read(buffer, 0, (int) Math.min(buffer.length, remaining));
                if (n < 0) {
                    throw new ArchiveException(Reason.TRUNCATED, where + " ends inside '" + expected.path() + "'");
                }
                digest.update(buffer, 0, n);
                out.write(buffer, 0, n);
                remaining -= n;
                written += n;
                progress.addBytes(n);
                checkRatio();
            }
        }
        setMode(path, expected.mode());
        String actual = Hex.encode(digest.digest());
        if (!actual.equals(expected.sha256())) {
            throw mismatch("the bytes of '" + expected.path() + "' have SHA-256 " + actual + " but the manifest says "
                    + expected.sha256());
        }
    }

    private void checkRatio() {
        if (written > RATIO_GRACE_BYTES && written > (double) limits.maxCompressionRatio() * compressed.count()) {
            throw new ArchiveException(Reason.COMPRESSION_RATIO, where + " expanded " + written + " bytes from "
                    + compressed.count() + " compressed bytes, over the ratio limit of " + limits.maxCompressionRatio()
                    + ":1 (a decompression bomb?); raise maxCompressionRatio if this is expected");
        }
    }

    private ArchiveException mismatch(String detail) {
        if (verifiedSigner.isPresent()) {
            return new ArchiveException(Reason.SIGNATURE_REJECTED, where + " does not match its signed manifest ("
                    + detail + "): it was altered after signing");
        }
        return new ArchiveException(Reason.CHECKSUM_MISMATCH, where + " does not match its manifest: " + detail);
    }

    private static void createLinks(List<ManifestEntry> links, Path root) throws IOException {
        Path realRoot = root.toRealPath();
        for (ManifestEntry link : links) {
            Path path = root.resolve(link.path());
            Files.createDirectories(path.getParent());
            Files.createSymbolicLink(path, path.getFileSystem().getPath(link.linkTarget()));
        }
        for (ManifestEntry link : links) {
            Path path = root.resolve(link.path());
            if (Files.exists(path) && !path.toRealPath().startsWith(realRoot)) {
                throw new ArchiveException(Reason.LINK_ESCAPE, "the symbolic link '" + link.path() + "' resolves"
                        + " outside the extraction directory");
            }
        }
    }

    private static void setMode(Path path, int mode) throws IOException {
        if (path.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            Files.setPosixFilePermissions(path, PosixFilePermissions.fromString(mode == 0755 ? "rwxr-xr-x"
                    : "rw-r--r--"));
        }
    }

    private static boolean isRegularFile(TarArchiveEntry entry) {
        return entry.getLinkFlag() == TarConstants.LF_NORMAL || entry.getLinkFlag() == TarConstants.LF_OLDNORM;
    }

    private static byte[] readExactly(InputStream in, long size, String name) throws IOException {
        byte[] bytes = in.readNBytes((int) size);
        if (bytes.length != size) {
            throw new ArchiveException(Reason.TRUNCATED, "the archive ends inside " + name);
        }
        return bytes;
    }

    private static void drain(InputStream in) throws IOException {
        byte[] buffer = new byte[8192];
        while (in.read(buffer) >= 0) {
            // reading to the end makes the gzip layer check its CRC and length, and the decryption its last segment
        }
    }

    private ArchiveException classify(IOException e, Path target) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String message = String.valueOf(t.getMessage()).toLowerCase(Locale.ROOT);
            if (t instanceof EOFException || message.contains("truncated") || message.contains("premature end")) {
                return new ArchiveException(Reason.TRUNCATED, where + " ends early; it was cut short in transfer or"
                        + " storage" + (e.getMessage() == null ? "" : " (" + e.getMessage() + ")"), e);
            }
        }
        if (e instanceof java.nio.file.FileSystemException) {
            return new ArchiveException(Reason.IO_ERROR, "cannot extract into " + target + ": " + e, e);
        }
        return new ArchiveException(Reason.CORRUPT, where + " is damaged: " + e.getMessage(), e);
    }
}
