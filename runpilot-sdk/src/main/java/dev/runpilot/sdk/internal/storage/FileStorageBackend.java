package dev.runpilot.sdk.internal.storage;

import dev.runpilot.sdk.StorageException;
import dev.runpilot.sdk.spi.ChecksumVerifyingInputStream;
import dev.runpilot.sdk.spi.ObjectInfo;
import dev.runpilot.sdk.spi.ObjectPage;
import dev.runpilot.sdk.spi.StorageBackend;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * Keeps objects as files under a directory: key {@code a/b.log} is the file {@code <root>/a/b.log}.
 * Writes go to a temporary file in the same directory and are moved into place atomically, so a
 * reader never sees half an object and a failed write leaves nothing behind.
 *
 * <p>Each object's SHA-256 and content type live in a sidecar file beside it,
 * {@code <root>/a/.rp-meta-b.log} (a {@link Properties} file). Names starting with {@code .rp-} are
 * reserved for sidecars and temporary files: listings skip them and keys may not use them. Reads
 * verify the sidecar's SHA-256 ({@link ChecksumVerifyingInputStream}); an object written before
 * sidecars existed, or whose sidecar was removed, is served unverified and stats without a digest.
 *
 * <p>An object and its sidecar are replaced together under a per-key lock held for the two moves,
 * and readers take the same lock to open the object and read its sidecar, so a reader in this JVM
 * never pairs one writer's bytes with another's digest. Writers in two processes sharing one
 * directory are not coordinated: a racing pair can leave a sidecar that does not match, which a
 * later read reports as a checksum mismatch rather than returning wrong bytes silently.
 */
public final class FileStorageBackend implements StorageBackend {
    private static final String RESERVED_PREFIX = ".rp-";
    private static final String TEMP_PREFIX = ".rp-upload-";
    private static final String META_PREFIX = ".rp-meta-";
    private static final int LOCK_STRIPES = 64;

    private final Path root;
    private final URI uri;
    private final Object[] locks = new Object[LOCK_STRIPES];

    public FileStorageBackend(Path root) {
        this.root = root.toAbsolutePath().normalize();
        this.uri = this.root.toUri();
        for (int i = 0; i < LOCK_STRIPES; i++) {
            locks[i] = new Object();
        }
        try {
            Files.createDirectories(this.root);
        } catch (IOException e) {
            throw new StorageException("Cannot create the storage directory " + this.root + " (" + e
                    + "). Choose a writable location with RunPilot.client().storage(URI).", e);
        }
    }

    @Override
    public URI uri() {
        return uri;
    }

    @Override
    public ObjectInfo put(String key, InputStream content, String contentType) {
        Path target = resolve(key);
        Path sidecar = sidecarOf(target);
        Path temp = null;
        Path tempMeta = null;
        try {
            Files.createDirectories(target.getParent());
            temp = Files.createTempFile(target.getParent(), TEMP_PREFIX, ".tmp");
            MessageDigest sha256 = ChecksumVerifyingInputStream.newSha256();
            long size;
            try (OutputStream out = new DigestOutputStream(Files.newOutputStream(temp), sha256)) {
                size = content.transferTo(out);
            }
            String digest = HexFormat.of().formatHex(sha256.digest());
            tempMeta = Files.createTempFile(target.getParent(), TEMP_PREFIX, ".meta");
            writeMetadata(tempMeta, new Metadata(Optional.of(digest), Optional.of(contentType)));
            synchronized (lockFor(key)) {
                move(tempMeta, sidecar);
                tempMeta = null;
                move(temp, target);
                temp = null;
            }
            return new ObjectInfo(key, size, Optional.of(digest), Optional.of(contentType),
                    Files.getLastModifiedTime(target).toInstant());
        } catch (IOException e) {
            throw new StorageException("Cannot write '" + key + "' to " + uri + ": " + e, e);
        } finally {
            if (temp != null || tempMeta != null) {
                deleteQuietly(temp);
                deleteQuietly(tempMeta);
                pruneEmptyDirectories(target.getParent());
            }
        }
    }

    @Override
    public Optional<InputStream> get(String key) {
        Path file = resolve(key);
        if (Files.isDirectory(file)) {
            return Optional.empty();
        }
        InputStream in;
        Metadata metadata;
        try {
            synchronized (lockFor(key)) {
                in = Files.newInputStream(file);
                try {
                    metadata = readMetadata(sidecarOf(file));
                } catch (IOException | RuntimeException e) {
                    in.close();
                    throw e;
                }
            }
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new StorageException("Cannot read '" + key + "' from " + uri + ": " + e, e);
        }
        if (metadata.sha256().isEmpty()) {
            return Optional.of(in);
        }
        return Optional.of(new ChecksumVerifyingInputStream(in, metadata.sha256().get(), "'" + key + "' in " + uri));
    }

    @Override
    public Optional<ObjectInfo> stat(String key) {
        Path file = resolve(key);
        try {
            BasicFileAttributes attributes;
            Metadata metadata;
            synchronized (lockFor(key)) {
                attributes = Files.readAttributes(file, BasicFileAttributes.class);
                if (!attributes.isRegularFile()) {
                    return Optional.empty();
                }
                metadata = readMetadata(sidecarOf(file));
            }
            return Optional.of(new ObjectInfo(key, attributes.size(), metadata.sha256(), metadata.contentType(),
                    attributes.lastModifiedTime().toInstant()));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new StorageException("Cannot stat '" + key + "' in " + uri + ": " + e, e);
        }
    }

    @Override
    public ObjectPage list(String prefix, String pageToken, int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1, was " + limit);
        }
        List<ObjectInfo> objects = new ArrayList<>();
        boolean more = false;
        try (Stream<Path> files = Files.walk(root)) {
            List<String> keys = files.filter(Files::isRegularFile)
                    .filter(p -> !p.getFileName().toString().startsWith(RESERVED_PREFIX))
                    .map(this::keyOf)
                    .filter(k -> k.startsWith(prefix))
                    .filter(k -> pageToken == null || k.compareTo(pageToken) > 0)
                    .sorted()
                    .toList();
            for (String key : keys) {
                if (objects.size() == limit) {
                    more = true;
                    break;
                }
                stat(key).ifPresent(objects::add);
            }
        } catch (IOException | UncheckedIOException e) {
            throw new StorageException("Cannot list '" + prefix + "' in " + uri + ": " + e, e);
        }
        return new ObjectPage(objects, more ? Optional.of(objects.get(objects.size() - 1).key()) : Optional.empty());
    }

    @Override
    public boolean delete(String key) {
        Path file = resolve(key);
        try {
            boolean deleted;
            synchronized (lockFor(key)) {
                deleted = !Files.isDirectory(file) && Files.deleteIfExists(file);
                Files.deleteIfExists(sidecarOf(file));
            }
            pruneEmptyDirectories(file.getParent());
            return deleted;
        } catch (IOException e) {
            throw new StorageException("Cannot delete '" + key + "' from " + uri + ": " + e, e);
        }
    }

    @Override
    public long deletePrefix(String prefix) {
        if (prefix.isEmpty()) {
            throw new IllegalArgumentException("deletePrefix needs a non-empty prefix; refusing to delete everything in " + uri);
        }
        long deleted = 0;
        String token = null;
        do {
            ObjectPage page = list(prefix, token, 1000);
            for (ObjectInfo object : page.objects()) {
                if (delete(object.key())) {
                    deleted++;
                }
            }
            token = page.nextPageToken().orElse(null);
        } while (token != null);
        return deleted;
    }

    private Path resolve(String key) {
        if (key.isEmpty() || key.startsWith("/") || key.contains("\\") || key.contains("\0")) {
            throw new IllegalArgumentException("Invalid storage key '" + key + "': keys are relative '/'-separated paths");
        }
        for (String segment : key.split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                throw new IllegalArgumentException("Invalid storage key '" + key + "': empty, '.' and '..' segments are not allowed");
            }
            if (segment.startsWith(RESERVED_PREFIX)) {
                throw new IllegalArgumentException("Invalid storage key '" + key + "': names starting with '"
                        + RESERVED_PREFIX + "' are reserved for the file backend's own files in " + uri);
            }
        }
        Path path = root.resolve(key).normalize();
        if (!path.startsWith(root)) {
            throw new IllegalArgumentException("Invalid storage key '" + key + "': it leaves " + root);
        }
        return path;
    }

    private static Path sidecarOf(Path file) {
        return file.resolveSibling(META_PREFIX + file.getFileName());
    }

    private Object lockFor(String key) {
        return locks[Math.floorMod(key.hashCode(), LOCK_STRIPES)];
    }

    private String keyOf(Path file) {
        return root.relativize(file).toString().replace(file.getFileSystem().getSeparator(), "/");
    }

    private record Metadata(Optional<String> sha256, Optional<String> contentType) {
    }

    private static void writeMetadata(Path file, Metadata metadata) throws IOException {
        Properties properties = new Properties();
        metadata.sha256().ifPresent(sha -> properties.setProperty("sha256", sha));
        metadata.contentType().ifPresent(type -> properties.setProperty("contentType", type));
        try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            properties.store(out, null);
        }
    }

    private static Metadata readMetadata(Path sidecar) throws IOException {
        Properties properties = new Properties();
        try (Reader in = Files.newBufferedReader(sidecar, StandardCharsets.UTF_8)) {
            properties.load(in);
        } catch (NoSuchFileException e) {
            return new Metadata(Optional.empty(), Optional.empty());
        }
        return new Metadata(Optional.ofNullable(properties.getProperty("sha256")),
                Optional.ofNullable(properties.getProperty("contentType")));
    }

    private void pruneEmptyDirectories(Path dir) {
        Path current = dir;
        while (current != null && current.startsWith(root) && !current.equals(root)) {
            try {
                Files.deleteIfExists(current);
            } catch (DirectoryNotEmptyException e) {
                return;
            } catch (IOException e) {
                return;
            }
            current = current.getParent();
        }
    }

    private static void deleteQuietly(Path file) {
        if (file == null) {
            return;
        }
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // Best effort: temporary files are named so that listings skip them.
        }
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    @Override
    public String toString() {
        return "FileStorageBackend{" + uri + '}';
    }
}
