package dev.runpilot.sdk.internal.storage;

import dev.runpilot.sdk.StorageException;
import dev.runpilot.sdk.spi.ObjectInfo;
import dev.runpilot.sdk.spi.ObjectPage;
import dev.runpilot.sdk.spi.StorageBackend;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Keeps objects as files under a directory: key {@code a/b.log} is the file {@code <root>/a/b.log}.
 * Writes go to a temporary file in the same directory and are moved into place atomically, so a
 * reader never sees half an object and a failed write leaves nothing behind.
 */
public final class FileStorageBackend implements StorageBackend {
    private static final String TEMP_PREFIX = ".rp-upload-";

    private final Path root;
    private final URI uri;

    public FileStorageBackend(Path root) {
        this.root = root.toAbsolutePath().normalize();
        this.uri = this.root.toUri();
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
        Path temp = null;
        try {
            Files.createDirectories(target.getParent());
            temp = Files.createTempFile(target.getParent(), TEMP_PREFIX, ".tmp");
            MessageDigest sha256 = sha256();
            long size;
            try (OutputStream out = new DigestOutputStream(Files.newOutputStream(temp), sha256)) {
                size = content.transferTo(out);
            }
            move(temp, target);
            temp = null;
            return new ObjectInfo(key, size, Optional.of(HexFormat.of().formatHex(sha256.digest())), Optional.empty(),
                    Files.getLastModifiedTime(target).toInstant());
        } catch (IOException e) {
            throw new StorageException("Cannot write '" + key + "' to " + uri + ": " + e, e);
        } finally {
            if (temp != null) {
                try {
                    Files.deleteIfExists(temp);
                } catch (IOException ignored) {
                    // Best effort: the temporary file is named so that listings skip it.
                }
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
        try {
            return Optional.of(Files.newInputStream(file));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new StorageException("Cannot read '" + key + "' from " + uri + ": " + e, e);
        }
    }

    @Override
    public Optional<ObjectInfo> stat(String key) {
        Path file = resolve(key);
        try {
            BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
            if (!attributes.isRegularFile()) {
                return Optional.empty();
            }
            return Optional.of(new ObjectInfo(key, attributes.size(), Optional.empty(), Optional.empty(),
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
                    .filter(p -> !p.getFileName().toString().startsWith(TEMP_PREFIX))
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
        try {
            boolean deleted = Files.deleteIfExists(resolve(key));
            pruneEmptyDirectories(resolve(key).getParent());
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
        }
        Path path = root.resolve(key).normalize();
        if (!path.startsWith(root)) {
            throw new IllegalArgumentException("Invalid storage key '" + key + "': it leaves " + root);
        }
        return path;
    }

    private String keyOf(Path file) {
        return root.relativize(file).toString().replace(file.getFileSystem().getSeparator(), "/");
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

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("This JVM lacks SHA-256", e);
        }
    }

    @Override
    public String toString() {
        return "FileStorageBackend{" + uri + '}';
    }
}
