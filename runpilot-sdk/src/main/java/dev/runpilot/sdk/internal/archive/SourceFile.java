package dev.runpilot.sdk.internal.archive;

import dev.runpilot.sdk.archive.ManifestEntry;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;

/**
 * A file, directory or link found in a source tree, before it is hashed.
 *
 * @param path the path relative to the root, {@code /}-separated
 * @param absolute where it is on disk
 * @param type what it is
 * @param isExecutable for files, whether the owner may execute it
 * @param size for files, the length in bytes when the tree was scanned
 * @param modified for files, the modification time when the tree was scanned
 * @param linkTarget for links, the target
 */
public record SourceFile(String path, Path absolute, ManifestEntry.Type type, boolean isExecutable, long size,
        FileTime modified, String linkTarget) {
}
