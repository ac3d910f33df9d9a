package dev.runpilot.sdk.internal.artifact;

import java.util.Optional;

/**
 * Where artifacts live in storage: {@code runs/<run id>/artifacts/<attempt>/<path>}, the path being
 * the file's path relative to the attempt's work directory with {@code /} separators.
 */
public final class ArtifactLayout {
    private ArtifactLayout() {
    }

    /** The prefix of every artifact of a run. */
    public static String runPrefix(String runId) {
        return "runs/" + runId + "/artifacts/";
    }

    /** The key of one artifact. */
    public static String key(String runId, int attempt, String path) {
        return runPrefix(runId) + attempt + "/" + path;
    }

    /**
     * Whether a path may name an artifact: relative, {@code /}-separated, no empty, {@code .} or
     * {@code ..} segment, no backslash or control character, so that its key stays under the run's prefix.
     */
    public static boolean isSafePath(String path) {
        if (path == null || path.isEmpty() || path.length() > 1024 || path.indexOf('\\') >= 0) {
            return false;
        }
        if (path.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            return false;
        }
        for (String segment : path.split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                return false;
            }
        }
        return true;
    }

    /** An attempt number and path read back from a key under {@link #runPrefix}, or empty if the key is not one. */
    static Optional<Located> locate(String runId, String key) {
        String prefix = runPrefix(runId);
        if (!key.startsWith(prefix)) {
            return Optional.empty();
        }
        String rest = key.substring(prefix.length());
        int slash = rest.indexOf('/');
        if (slash <= 0 || slash == rest.length() - 1) {
            return Optional.empty();
        }
        try {
            return Optional.of(new Located(Integer.parseInt(rest.substring(0, slash)), rest.substring(slash + 1)));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    record Located(int attempt, String path) {
    }
}
