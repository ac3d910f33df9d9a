package dev.runpilot.sdk.archive;

import java.util.Objects;

/**
 * One file, directory or symbolic link of a source bundle, as its {@link Manifest} records it.
 *
 * <p>{@code sha256} is the lower-case hex SHA-256 of a file's bytes and empty for the other types;
 * {@code size} is a file's length and 0 for the others; {@code linkTarget} is a link's target
 * (relative, inside the tree) and empty for the others. {@code mode} is {@code 0644} or
 * {@code 0755} for files, {@code 0755} for directories and {@code 0777} for links.
 *
 * @param path the path relative to the bundle's root, {@code /}-separated, no trailing slash
 * @param type what the entry is
 * @param mode the POSIX permission bits
 * @param size a file's length in bytes; 0 for the other types
 * @param sha256 a file's SHA-256 in lower-case hex; empty for the other types
 * @param linkTarget a link's target; empty for the other types
 */
public record ManifestEntry(String path, Type type, int mode, long size, String sha256, String linkTarget) {
    /** What a manifest entry is. */
    public enum Type {
        /** A regular file. */
        FILE,
        /** A directory. */
        DIRECTORY,
        /** A symbolic link whose target stays inside the tree. */
        SYMLINK
    }

    /**
     * Checks that no component is null and the size is not negative.
     *
     * @throws IllegalArgumentException if {@code size} is negative
     */
    public ManifestEntry {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(sha256, "sha256");
        Objects.requireNonNull(linkTarget, "linkTarget");
        if (size < 0) {
            throw new IllegalArgumentException("size must not be negative, was " + size + " for " + path);
        }
    }

    /**
     * Returns a file entry.
     *
     * @param path the relative path
     * @param executable whether the file is executable (mode 0755, else 0644)
     * @param size its length in bytes
     * @param sha256 its SHA-256 in lower-case hex
     * @return the entry
     */
    public static ManifestEntry file(String path, boolean executable, long size, String sha256) {
        return new ManifestEntry(path, Type.FILE, executable ? 0755 : 0644, size, sha256, "");
    }

    /**
     * Returns a directory entry (mode 0755).
     *
     * @param path the relative path
     * @return the entry
     */
    public static ManifestEntry directory(String path) {
        return new ManifestEntry(path, Type.DIRECTORY, 0755, 0, "", "");
    }

    /**
     * Returns a symbolic link entry (mode 0777).
     *
     * @param path the relative path
     * @param target the link's target, relative to the link's directory
     * @return the entry
     */
    public static ManifestEntry symlink(String path, String target) {
        return new ManifestEntry(path, Type.SYMLINK, 0777, 0, "", target);
    }

    /** @return true for an executable file (mode 0755) */
    public boolean isExecutable() {
        return type == Type.FILE && (mode & 0100) != 0;
    }
}
