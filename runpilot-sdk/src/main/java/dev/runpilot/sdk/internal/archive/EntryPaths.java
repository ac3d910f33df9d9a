package dev.runpilot.sdk.internal.archive;

import dev.runpilot.sdk.ArchiveException;
import dev.runpilot.sdk.ArchiveException.Reason;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * The rules a path inside a bundle must follow: relative, {@code /}-separated, no empty, {@code .}
 * or {@code ..} segments, no backslash or NUL; and a link target must stay inside the root.
 */
public final class EntryPaths {
    /** The longest path a bundle may hold, in characters. */
    public static final int MAX_LENGTH = 4096;

    private EntryPaths() {
    }

    /**
     * Checks a path.
     *
     * @param path the path as found in the archive or tree
     * @param where what is being read, for the message (an archive name, a source directory)
     * @throws ArchiveException with {@link Reason#ABSOLUTE_PATH} or {@link Reason#PATH_TRAVERSAL}
     */
    public static void checkRelative(String path, String where) {
        if (path.startsWith("/") || path.length() >= 2 && path.charAt(1) == ':' && Character.isLetter(path.charAt(0))) {
            throw new ArchiveException(Reason.ABSOLUTE_PATH, where + " holds an absolute path '" + path
                    + "'; bundle entries must be relative to the bundle's root. The archive was refused.");
        }
        if (path.isEmpty() || path.length() > MAX_LENGTH || path.indexOf('\\') >= 0 || path.indexOf('\0') >= 0) {
            throw new ArchiveException(Reason.PATH_TRAVERSAL, where + " holds a path that is empty, longer than "
                    + MAX_LENGTH + " characters, or has a backslash or NUL: '" + printable(path) + "'");
        }
        for (String segment : path.split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                throw new ArchiveException(Reason.PATH_TRAVERSAL, where + " holds the path '" + printable(path)
                        + "' with a '" + segment + "' segment; bundle paths must be plain relative paths."
                        + " The archive was refused.");
            }
        }
    }

    /**
     * Checks that a symbolic link's target, resolved from the link's directory without following
     * other links, stays inside the root.
     *
     * @param linkPath the link's path, already checked by {@link #checkRelative}
     * @param target the link's target
     * @param where what is being read, for the message
     * @throws ArchiveException with {@link Reason#LINK_ESCAPE} if it is absolute or leaves the root
     */
    public static void checkLinkTarget(String linkPath, String target, String where) {
        if (target.isEmpty() || target.startsWith("/") || target.indexOf('\\') >= 0 || target.indexOf('\0') >= 0
                || target.length() > MAX_LENGTH) {
            throw linkEscape(linkPath, target, where);
        }
        Deque<String> resolved = new ArrayDeque<>();
        String[] linkSegments = linkPath.split("/");
        for (int i = 0; i < linkSegments.length - 1; i++) {
            resolved.addLast(linkSegments[i]);
        }
        for (String segment : target.split("/")) {
            if (segment.isEmpty() || segment.equals(".")) {
                continue;
            }
            if (segment.equals("..")) {
                if (resolved.isEmpty()) {
                    throw linkEscape(linkPath, target, where);
                }
                resolved.removeLast();
            } else {
                resolved.addLast(segment);
            }
        }
    }

    private static ArchiveException linkEscape(String linkPath, String target, String where) {
        return new ArchiveException(Reason.LINK_ESCAPE, where + ": the symbolic link '" + printable(linkPath)
                + "' points to '" + printable(target) + "', outside the bundle's root; only relative links that stay"
                + " inside the tree are allowed");
    }

    static String printable(String path) {
        String shown = path.length() > 200 ? path.substring(0, 200) + "..." : path;
        return shown.replace("\0", "\\0");
    }
}
