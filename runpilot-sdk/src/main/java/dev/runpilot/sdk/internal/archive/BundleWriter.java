package dev.runpilot.sdk.internal.archive;

import dev.runpilot.sdk.ArchiveException;
import dev.runpilot.sdk.ArchiveException.Reason;
import dev.runpilot.sdk.archive.Bundle;
import dev.runpilot.sdk.archive.EncryptionKey;
import dev.runpilot.sdk.archive.Manifest;
import dev.runpilot.sdk.archive.ManifestEntry;
import dev.runpilot.sdk.archive.Progress;
import dev.runpilot.sdk.archive.ProgressListener;
import dev.runpilot.sdk.archive.SigningKey;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/**
 * Makes one bundle: scan the tree, check the size limit, hash every file (in parallel), write the
 * manifest and its signature, then the tar stream of the files through the parallel gzip writer,
 * then, if asked, encrypt. The output appears under its final name only when complete.
 */
public final class BundleWriter {
    private static final FileTime EPOCH = FileTime.fromMillis(0);

    private final SourceScanner scanner;
    private final long sizeLimit;
    private final ProgressListener listener;
    private final Optional<SigningKey> signer;
    private final Optional<EncryptionKey> encryption;
    private final int parallelism;
    private final int level;

    /**
     * Creates a writer.
     *
     * @param ignorePatterns the caller's ignore patterns
     * @param sizeLimit the most bytes of file content a bundle may hold
     * @param listener who receives progress reports
     * @param signer the key to sign with, if any
     * @param encryption the key to encrypt with, if any
     * @param parallelism the number of threads that hash and compress
     * @param level the deflate level
     */
    public BundleWriter(List<String> ignorePatterns, long sizeLimit, ProgressListener listener,
            Optional<SigningKey> signer, Optional<EncryptionKey> encryption, int parallelism, int level) {
        this.scanner = new SourceScanner(ignorePatterns);
        this.sizeLimit = sizeLimit;
        this.listener = listener;
        this.signer = signer;
        this.encryption = encryption;
        this.parallelism = parallelism;
        this.level = level;
    }

    private record Hashed(long size, String sha256, FileTime modified) {
    }

    /**
     * Bundles a tree.
     *
     * @param sourceDir the tree
     * @param output the archive file to write, replaced if it exists
     * @return what was written
     */
    public Bundle write(Path sourceDir, Path output) {
        List<SourceFile> files = scanner.scan(sourceDir);
        checkSizeLimit(sourceDir, files);
        ExecutorService pool = Executors.newFixedThreadPool(parallelism, threadFactory());
        Path directory = output.toAbsolutePath().getParent();
        List<Path> temporaries = new ArrayList<>();
        try {
            List<Hashed> hashes = hashAll(files, pool);
            Manifest manifest = manifest(files, hashes);
            byte[] manifestJson = manifest.toJson();
            Optional<byte[]> signature = signer.map(key -> BundleFormat.encodeSignature(key.keyId(),
                    key.sign(BundleFormat.signedMessage(Hex.sha256Hex(manifestJson)))));
            Files.createDirectories(directory);
            Path archive = temporary(directory, output, temporaries);
            MessageDigest archiveDigest = Hex.sha256();
            try (OutputStream file = new DigestOutputStream(
                    new BufferedOutputStream(Files.newOutputStream(archive), 1 << 16), archiveDigest)) {
                writeTarGz(file, pool, manifestJson, signature, files, hashes);
            }
            if (encryption.isPresent()) {
                Path plain = archive;
                archive = temporary(directory, output, temporaries);
                archiveDigest = encrypt(plain, archiveDigest.digest(), archive);
            }
            long size = Files.size(archive);
            move(archive, output);
            return new Bundle(output, Hex.encode(archiveDigest.digest()), size, manifest,
                    signer.map(SigningKey::keyId), encryption.map(EncryptionKey::keyId));
        } catch (InterruptedIOException e) {
            Thread.currentThread().interrupt();
            throw new ArchiveException(Reason.IO_ERROR, "interrupted while bundling " + sourceDir, e);
        } catch (IOException e) {
            throw new ArchiveException(Reason.IO_ERROR, "cannot bundle " + sourceDir + " into " + output + ": " + e, e);
        } finally {
            pool.shutdownNow();
            for (Path temporary : temporaries) {
                try {
                    Files.deleteIfExists(temporary);
                } catch (IOException e) {
                    // best effort: a leftover temporary file is hidden and harmless
                }
            }
        }
    }

    private void checkSizeLimit(Path sourceDir, List<SourceFile> files) {
        long total = files.stream().mapToLong(SourceFile::size).sum();
        if (total <= sizeLimit) {
            return;
        }
        StringBuilder largest = new StringBuilder();
        files.stream().filter(f -> f.type() == ManifestEntry.Type.FILE)
                .sorted(Comparator.comparingLong(SourceFile::size).reversed().thenComparing(SourceFile::path))
                .limit(5)
                .forEach(f -> largest.append("\n  ").append(humanBytes(f.size())).append("  ").append(f.path()));
        throw new ArchiveException(Reason.TOO_LARGE, "the source tree " + sourceDir + " holds " + humanBytes(total)
                + " of files, over the bundle size limit of " + humanBytes(sizeLimit) + ". Largest files:" + largest
                + "\nAdd what the job does not need to .runpilotignore, or raise the limit with sizeLimit(...).");
    }

    private List<Hashed> hashAll(List<SourceFile> files, ExecutorService pool) throws IOException {
        List<Future<Hashed>> futures = new ArrayList<>(files.size());
        for (SourceFile file : files) {
            futures.add(file.type() == ManifestEntry.Type.FILE ? pool.submit(() -> hash(file)) : null);
        }
        long fileCount = files.stream().filter(f -> f.type() == ManifestEntry.Type.FILE).count();
        ProgressReporter progress = new ProgressReporter(listener, Progress.Stage.HASHING,
                files.stream().mapToLong(SourceFile::size).sum(), fileCount);
        List<Hashed> hashes = new ArrayList<>(files.size());
        for (Future<Hashed> future : futures) {
            if (future == null) {
                hashes.add(null);
                continue;
            }
            Hashed hashed = await(future);
            hashes.add(hashed);
            progress.addBytes(hashed.size());
            progress.addFile();
        }
        progress.finish();
        return hashes;
    }

    private static Hashed hash(SourceFile file) throws IOException {
        FileTime modified = Files.getLastModifiedTime(file.absolute(), LinkOption.NOFOLLOW_LINKS);
        MessageDigest digest = Hex.sha256();
        long size = 0;
        byte[] buffer = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(file.absolute(), LinkOption.NOFOLLOW_LINKS)) {
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
                size += n;
            }
        }
        return new Hashed(size, Hex.encode(digest.digest()), modified);
    }

    private static Hashed await(Future<Hashed> future) throws IOException {
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while hashing");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw new IOException(e.getCause());
        }
    }

    private static Manifest manifest(List<SourceFile> files, List<Hashed> hashes) {
        List<ManifestEntry> entries = new ArrayList<>(files.size());
        for (int i = 0; i < files.size(); i++) {
            SourceFile file = files.get(i);
            entries.add(switch (file.type()) {
                case FILE -> ManifestEntry.file(file.path(), file.isExecutable(), hashes.get(i).size(),
                        hashes.get(i).sha256());
                case DIRECTORY -> ManifestEntry.directory(file.path());
                case SYMLINK -> ManifestEntry.symlink(file.path(), file.linkTarget());
            });
        }
        return new Manifest(entries);
    }

    private void writeTarGz(OutputStream file, ExecutorService pool, byte[] manifestJson, Optional<byte[]> signature,
            List<SourceFile> files, List<Hashed> hashes) throws IOException {
        long total = hashes.stream().filter(h -> h != null).mapToLong(Hashed::size).sum();
        long fileCount = hashes.stream().filter(h -> h != null).count();
        ProgressReporter progress = new ProgressReporter(listener, Progress.Stage.ARCHIVING, total, fileCount);
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(
                new ParallelGzipOutputStream(file, pool, parallelism, level), "UTF-8")) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
            tar.setAddPaxHeadersForNonAsciiNames(true);
            writeBytes(tar, BundleFormat.MANIFEST_ENTRY, manifestJson);
            if (signature.isPresent()) {
                writeBytes(tar, BundleFormat.SIGNATURE_ENTRY, signature.get());
            }
            byte[] buffer = new byte[1 << 16];
            for (int i = 0; i < files.size(); i++) {
                SourceFile source = files.get(i);
                switch (source.type()) {
                    case DIRECTORY -> {
                        tar.putArchiveEntry(entry(source.path() + "/", TarConstants.LF_DIR, 0755, 0));
                        tar.closeArchiveEntry();
                    }
                    case SYMLINK -> {
                        TarArchiveEntry link = entry(source.path(), TarConstants.LF_SYMLINK, 0777, 0);
                        link.setLinkName(source.linkTarget());
                        tar.putArchiveEntry(link);
                        tar.closeArchiveEntry();
                    }
                    case FILE -> {
                        Hashed hashed = hashes.get(i);
                        tar.putArchiveEntry(entry(source.path(), TarConstants.LF_NORMAL,
                                source.isExecutable() ? 0755 : 0644, hashed.size()));
                        copyUnchanged(source, hashed, tar, buffer, progress);
                        tar.closeArchiveEntry();
                        progress.addFile();
                    }
                }
            }
            tar.finish();
        }
        progress.finish();
    }

    private static void copyUnchanged(SourceFile source, Hashed hashed, OutputStream tar, byte[] buffer,
            ProgressReporter progress) throws IOException {
        long copied = 0;
        try (InputStream in = Files.newInputStream(source.absolute(), LinkOption.NOFOLLOW_LINKS)) {
            for (int n; (n = in.read(buffer, 0, (int) Math.min(buffer.length, hashed.size() - copied + 1))) > 0; ) {
                if (copied + n > hashed.size()) {
                    throw changed(source);
                }
                tar.write(buffer, 0, n);
                copied += n;
                progress.addBytes(n);
            }
        }
        if (copied != hashed.size()
                || !Files.getLastModifiedTime(source.absolute(), LinkOption.NOFOLLOW_LINKS).equals(hashed.modified())) {
            throw changed(source);
        }
    }

    private static ArchiveException changed(SourceFile source) {
        return new ArchiveException(Reason.IO_ERROR, source.absolute() + " changed while it was being bundled;"
                + " stop whatever writes to it (or add it to .runpilotignore) and bundle again");
    }

    private static void writeBytes(TarArchiveOutputStream tar, String name, byte[] content) throws IOException {
        tar.putArchiveEntry(entry(name, TarConstants.LF_NORMAL, 0644, content.length));
        tar.write(content);
        tar.closeArchiveEntry();
    }

    private static TarArchiveEntry entry(String name, byte type, int mode, long size) {
        TarArchiveEntry entry = new TarArchiveEntry(name, type);
        entry.setMode(mode);
        entry.setSize(size);
        entry.setLastModifiedTime(EPOCH);
        entry.setUserId(0);
        entry.setGroupId(0);
        entry.setUserName("");
        entry.setGroupName("");
        return entry;
    }

    private MessageDigest encrypt(Path plain, byte[] plainSha256, Path encrypted) throws IOException {
        long length = Files.size(plain);
        MessageDigest digest = Hex.sha256();
        byte[] key = Base64.getDecoder().decode(encryption.orElseThrow().toBase64());
        try (InputStream in = new ProgressInputStream(Files.newInputStream(plain), listener,
                Progress.Stage.ENCRYPTING, length);
             OutputStream out = new DigestOutputStream(
                     new BufferedOutputStream(Files.newOutputStream(encrypted), 1 << 16), digest)) {
            SegmentedEncryption.encrypt(key, in, length, plainSha256, out);
        }
        return digest;
    }

    private static Path temporary(Path directory, Path output, List<Path> temporaries) throws IOException {
        Path temporary = Files.createTempFile(directory, "." + output.getFileName() + ".", ".partial");
        temporaries.add(temporary);
        return temporary;
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private ThreadFactory threadFactory() {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, "runpilot-bundle-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    static String humanBytes(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double value = bytes;
        int unit = -1;
        while (value >= 1024 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        return String.format(Locale.ROOT, "%.1f %s", value, units[unit]);
    }
}
