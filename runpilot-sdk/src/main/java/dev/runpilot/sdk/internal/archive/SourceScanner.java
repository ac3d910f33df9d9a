package dev.runpilot.sdk.internal.archive;

import dev.runpilot.sdk.ArchiveException;
import dev.runpilot.sdk.ArchiveException.Reason;
import dev.runpilot.sdk.archive.ManifestEntry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Walks a source tree and lists what a bundle of it holds, sorted by path.
 *
 * <p>Ignore rules come from, in rising precedence: {@link IgnoreRules#DEFAULTS}, the
 * {@code .runpilotignore} of the root, those of subdirectories (each applying beneath its own
 * directory), and the caller's patterns. Ignored directories are not entered. Symbolic links are
 * listed as links, never followed, and refused if they point outside the tree. Hard-linked files
 * are listed as separate files. Special files (FIFOs, sockets, devices) are refused.
 */
public final class SourceScanner {
    /** The name of the ignore file read in every directory. */
    public static final String IGNORE_FILE = ".runpilotignore";

    private final IgnoreRules overrides;

    /**
     * Creates a scanner.
     *
     * @param patterns the caller's patterns, which take precedence over every ignore file
     */
    public SourceScanner(List<String> patterns) {
        this.overrides = IgnoreRules.empty().plus(patterns, "", "ignore patterns");
    }

    /**
     * Lists a tree.
     *
     * @param root the source directory
     * @return its entries, sorted by path
     * @throws ArchiveException with {@link Reason#LINK_ESCAPE}, {@link Reason#SPECIAL_FILE} or
     *     {@link Reason#IO_ERROR}
     */
    public List<SourceFile> scan(Path root) {
        Path realRoot;
        try {
            realRoot = root.toRealPath();
        } catch (IOException e) {
            throw new ArchiveException(Reason.IO_ERROR, "cannot read the source directory " + root + ": " + e, e);
        }
        if (!Files.isDirectory(realRoot)) {
            throw new ArchiveException(Reason.IO_ERROR, "the source " + root + " is not a directory");
        }
        IgnoreRules rules = IgnoreRules.empty().plus(IgnoreRules.DEFAULTS, "", "default ignore patterns");
        List<SourceFile> found = new ArrayList<>();
        try {
            walk(realRoot, realRoot, "", rules, found);
        } catch (IOException | UncheckedIOException e) {
            throw new ArchiveException(Reason.IO_ERROR, "cannot read the source tree " + root + ": " + e, e);
        }
        found.sort(Comparator.comparing(SourceFile::path));
        return found;
    }

    private void walk(Path root, Path directory, String prefix, IgnoreRules inherited, List<SourceFile> found)
            throws IOException {
        IgnoreRules rules = inherited;
        Path ignoreFile = directory.resolve(IGNORE_FILE);
        if (Files.isRegularFile(ignoreFile, LinkOption.NOFOLLOW_LINKS)) {
            String source = prefix.isEmpty() ? IGNORE_FILE : prefix + "/" + IGNORE_FILE;
            rules = rules.plus(Files.readAllLines(ignoreFile, StandardCharsets.UTF_8), prefix, source);
        }
        IgnoreRules effective = rules.plus(overrides);
        List<Path> children = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(directory)) {
            stream.forEach(children::add);
        }
        for (Path child : children) {
            String name = child.getFileName().toString();
            String path = prefix.isEmpty() ? name : prefix + "/" + name;
            BasicFileAttributes attributes = readAttributes(child);
            if (attributes.isDirectory()) {
                if (!effective.isIgnoredEntry(path, true)) {
                    EntryPaths.checkRelative(path, "source tree " + root);
                    found.add(new SourceFile(path, child, ManifestEntry.Type.DIRECTORY, false, 0, FileTime.fromMillis(0),
                            ""));
                    walk(root, child, path, rules, found);
                }
            } else if (effective.isIgnoredEntry(path, false)) {
                continue;
            } else if (attributes.isSymbolicLink()) {
                EntryPaths.checkRelative(path, "source tree " + root);
                String target = Files.readSymbolicLink(child).toString();
                EntryPaths.checkLinkTarget(path, target, "source tree " + root
                        + " (add the link to .runpilotignore to leave it out)");
                found.add(new SourceFile(path, child, ManifestEntry.Type.SYMLINK, false, 0, FileTime.fromMillis(0),
                        target));
            } else if (attributes.isRegularFile()) {
                EntryPaths.checkRelative(path, "source tree " + root);
                found.add(new SourceFile(path, child, ManifestEntry.Type.FILE, isExecutable(child, attributes),
                        attributes.size(), attributes.lastModifiedTime(), ""));
            } else {
                throw new ArchiveException(Reason.SPECIAL_FILE, child + " is a FIFO, socket or device, which a bundle"
                        + " cannot hold; add '" + path + "' to .runpilotignore");
            }
        }
    }

    private static BasicFileAttributes readAttributes(Path path) throws IOException {
        if (path.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            return Files.readAttributes(path, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        }
        return Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    }

    private static boolean isExecutable(Path path, BasicFileAttributes attributes) {
        if (attributes instanceof PosixFileAttributes posix) {
            return posix.permissions().contains(PosixFilePermission.OWNER_EXECUTE);
        }
        return Files.isExecutable(path);
    }
}
