package dev.runpilot.sdk.internal.archive;

import java.util.ArrayList;
import java.util.List;

/**
 * An ordered list of {@link IgnorePattern}s, evaluated like git evaluates {@code .gitignore}: the
 * last pattern that matches a path decides, and a path beneath an ignored directory is ignored
 * whatever later patterns say (a directory that is not walked cannot re-include anything).
 *
 * <p>Instances are immutable; {@link #plus} returns a new list.
 */
public final class IgnoreRules {
    /** The patterns every bundle starts from; a {@code .runpilotignore} may re-include with {@code !}. */
    public static final List<String> DEFAULTS =
            List.of(".git", "__pycache__/", ".venv/", "node_modules/", "target/", "*.pyc");

    private static final IgnoreRules EMPTY = new IgnoreRules(List.of());

    private final List<IgnorePattern> patterns;

    private IgnoreRules(List<IgnorePattern> patterns) {
        this.patterns = List.copyOf(patterns);
    }

    /** @return rules that ignore nothing */
    public static IgnoreRules empty() {
        return EMPTY;
    }

    /**
     * Returns these rules followed by more lines, which take precedence over the existing ones.
     *
     * @param lines the lines, gitignore syntax
     * @param base the directory the lines apply beneath, relative and {@code /}-separated; empty for root
     * @param source where the lines came from, for error messages
     * @return the longer rule list
     * @throws IllegalArgumentException naming the source and line of a malformed pattern
     */
    public IgnoreRules plus(List<String> lines, String base, String source) {
        List<IgnorePattern> combined = new ArrayList<>(patterns);
        for (int i = 0; i < lines.size(); i++) {
            try {
                IgnorePattern.parse(lines.get(i), base).ifPresent(combined::add);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(source + ":" + (i + 1) + ": " + e.getMessage(), e);
            }
        }
        return new IgnoreRules(combined);
    }

    /**
     * Returns these rules followed by other rules, which take precedence.
     *
     * @param later the rules to append
     * @return the longer rule list
     */
    public IgnoreRules plus(IgnoreRules later) {
        if (later.patterns.isEmpty()) {
            return this;
        }
        List<IgnorePattern> combined = new ArrayList<>(patterns);
        combined.addAll(later.patterns);
        return new IgnoreRules(combined);
    }

    /**
     * Tells whether a path is ignored by the patterns alone, assuming its parent directories are not.
     * This is what a tree walk asks, since it never enters an ignored directory.
     *
     * @param path the path relative to the root, {@code /}-separated
     * @param isDirectory whether it is a directory
     * @return true if the last matching pattern ignores it
     */
    public boolean isIgnoredEntry(String path, boolean isDirectory) {
        for (int i = patterns.size() - 1; i >= 0; i--) {
            IgnorePattern pattern = patterns.get(i);
            if (pattern.matches(path, isDirectory)) {
                return !pattern.isNegated();
            }
        }
        return false;
    }

    /**
     * Tells whether a path is ignored, including because one of its parent directories is.
     *
     * @param path the path relative to the root, {@code /}-separated
     * @param isDirectory whether it is a directory
     * @return true if it would be left out of a bundle
     */
    public boolean isIgnored(String path, boolean isDirectory) {
        int slash = path.indexOf('/');
        while (slash >= 0) {
            if (isIgnoredEntry(path.substring(0, slash), true)) {
                return true;
            }
            slash = path.indexOf('/', slash + 1);
        }
        return isIgnoredEntry(path, isDirectory);
    }

    @Override
    public String toString() {
        return "IgnoreRules" + patterns;
    }
}
