package dev.runpilot.sdk.internal.archive;

import dev.runpilot.sdk.ArchiveException;
import dev.runpilot.sdk.ArchiveException.Reason;
import dev.runpilot.sdk.archive.Manifest;
import dev.runpilot.sdk.archive.ManifestEntry;
import java.util.HashMap;
import java.util.Map;

/**
 * Checks a manifest before anything is extracted: every path plain and relative, sorted and
 * unique, no entry beneath a file or link, every link inside the root, and the extraction limits.
 */
final class ManifestChecks {
    private ManifestChecks() {
    }

    static void check(Manifest manifest, SafeExtraction.Limits limits, String where) {
        if (manifest.entries().size() > limits.maxEntries()) {
            throw new ArchiveException(Reason.TOO_MANY_ENTRIES, where + " holds " + manifest.entries().size()
                    + " entries, over the limit of " + limits.maxEntries() + "; raise maxEntries if this is expected");
        }
        Map<String, ManifestEntry.Type> seen = new HashMap<>();
        String previous = null;
        long total = 0;
        for (ManifestEntry entry : manifest.entries()) {
            String path = entry.path();
            EntryPaths.checkRelative(path, where);
            if (previous != null && previous.compareTo(path) >= 0) {
                throw new ArchiveException(Reason.CORRUPT, where + ": its manifest is not sorted or lists '"
                        + EntryPaths.printable(path) + "' twice");
            }
            previous = path;
            checkParents(seen, path, where);
            if (entry.type() == ManifestEntry.Type.SYMLINK) {
                EntryPaths.checkLinkTarget(path, entry.linkTarget(), where);
            }
            if (entry.size() > limits.maxFileBytes()) {
                throw new ArchiveException(Reason.FILE_TOO_LARGE, where + ": '" + EntryPaths.printable(path)
                        + "' is " + entry.size() + " bytes, over the per-file limit of " + limits.maxFileBytes()
                        + "; raise maxFileBytes if this is expected");
            }
            total += entry.size();
            if (total > limits.maxTotalBytes()) {
                throw new ArchiveException(Reason.TOO_LARGE, where + " holds more than " + limits.maxTotalBytes()
                        + " bytes of files, over the limit; raise maxTotalBytes if this is expected");
            }
            seen.put(path, entry.type());
        }
    }

    private static void checkParents(Map<String, ManifestEntry.Type> seen, String path, String where) {
        for (int slash = path.indexOf('/'); slash >= 0; slash = path.indexOf('/', slash + 1)) {
            ManifestEntry.Type parent = seen.get(path.substring(0, slash));
            if (parent == ManifestEntry.Type.SYMLINK) {
                throw new ArchiveException(Reason.LINK_ESCAPE, where + ": '" + EntryPaths.printable(path)
                        + "' lies beneath the symbolic link '" + path.substring(0, slash) + "'; writing it would"
                        + " follow the link");
            }
            if (parent == ManifestEntry.Type.FILE) {
                throw new ArchiveException(Reason.CORRUPT, where + ": '" + EntryPaths.printable(path)
                        + "' lies beneath the file '" + path.substring(0, slash) + "'");
            }
        }
    }
}
