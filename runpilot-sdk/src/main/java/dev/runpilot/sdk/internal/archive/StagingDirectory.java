package dev.runpilot.sdk.internal.archive;

import dev.runpilot.sdk.ArchiveException;
import dev.runpilot.sdk.ArchiveException.Reason;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;

/**
 * A hidden temporary directory beside an extraction target, renamed into place on success and
 * deleted, with any parent directories it had to create, on failure.
 */
final class StagingDirectory implements AutoCloseable {
    private final Path target;
    private final Path root;
    private final Optional<Path> createdAncestor;
    private boolean committed;

    private StagingDirectory(Path target, Path root, Optional<Path> createdAncestor) {
        this.target = target;
        this.root = root;
        this.createdAncestor = createdAncestor;
    }

    /** Checks the target, creates missing parents and the staging directory. */
    static StagingDirectory create(Path requestedTarget) {
        Path target = requestedTarget.toAbsolutePath().normalize();
        checkTarget(target);
        Path parent = target.getParent();
        Optional<Path> createdAncestor = Optional.empty();
        try {
            Path missing = null;
            for (Path p = parent; p != null && !Files.exists(p, LinkOption.NOFOLLOW_LINKS); p = p.getParent()) {
                missing = p;
            }
            createdAncestor = Optional.ofNullable(missing);
            Files.createDirectories(parent);
            Path root = Files.createTempDirectory(parent, "." + target.getFileName() + ".extracting-");
            return new StagingDirectory(target, root, createdAncestor);
        } catch (IOException e) {
            createdAncestor.ifPresent(StagingDirectory::deleteQuietly);
            throw new ArchiveException(Reason.IO_ERROR, "cannot create a directory beside " + target + ": " + e, e);
        }
    }

    private static void checkTarget(Path target) {
        if (!Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        if (Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
            try (DirectoryStream<Path> entries = Files.newDirectoryStream(target)) {
                if (!entries.iterator().hasNext()) {
                    return;
                }
            } catch (IOException e) {
                throw new ArchiveException(Reason.IO_ERROR, "cannot read " + target + ": " + e, e);
            }
        }
        throw new ArchiveException(Reason.TARGET_EXISTS, "the extraction target " + target + " exists and is not an"
                + " empty directory; extract into a new directory");
    }

    Path root() {
        return root;
    }

    /** Renames the staging directory to the target. */
    void commit() throws IOException {
        if (root.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        try {
            Files.move(root, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.deleteIfExists(target);
            Files.move(root, target);
        }
        committed = true;
    }

    /** Deletes everything this staging created, unless it was committed. */
    @Override
    public void close() {
        if (!committed) {
            deleteQuietly(root);
            createdAncestor.ifPresent(StagingDirectory::deleteQuietly);
        }
    }

    private static void deleteQuietly(Path directory) {
        try {
            Files.walkFileTree(directory, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
                    Files.delete(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                    Files.delete(dir);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            // best effort: the directory is hidden and holds nothing that was verified
        }
    }
}
