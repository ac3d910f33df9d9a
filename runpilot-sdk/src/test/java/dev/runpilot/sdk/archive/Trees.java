package dev.runpilot.sdk.archive;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/** Builds and reads small trees for archive tests. */
final class Trees {
    private Trees() {
    }

    static Path write(Path root, String relative, String content) {
        return write(root, relative, content.getBytes(StandardCharsets.UTF_8));
    }

    static Path write(Path root, String relative, byte[] content) {
        try {
            Path file = root.resolve(relative);
            Files.createDirectories(file.getParent());
            return Files.write(file, content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void makeExecutable(Path file) {
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-x---"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Describes a tree: each path with its type, mode and content (or link target). */
    static Map<String, String> describe(Path root) {
        Map<String, String> description = new TreeMap<>();
        try (Stream<Path> paths = Files.walk(root)) {
            paths.filter(p -> !p.equals(root)).forEach(p -> {
                String relative = root.relativize(p).toString().replace('\\', '/');
                try {
                    if (Files.isSymbolicLink(p)) {
                        description.put(relative, "link -> " + Files.readSymbolicLink(p));
                    } else if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                        description.put(relative, "dir " + mode(p));
                    } else {
                        description.put(relative, "file " + mode(p) + " " + new String(Files.readAllBytes(p),
                                StandardCharsets.ISO_8859_1).hashCode());
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return description;
    }

    private static String mode(Path p) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS));
    }

    /** Lists every path under a directory, for before/after comparisons. */
    static Map<String, String> snapshot(Path directory) {
        Map<String, String> listing = new TreeMap<>();
        try (Stream<Path> paths = Files.walk(directory)) {
            paths.forEach(p -> listing.put(directory.relativize(p).toString(),
                    Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS) ? "dir" : "other"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return listing;
    }
}
