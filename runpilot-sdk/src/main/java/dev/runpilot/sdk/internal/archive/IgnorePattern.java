package dev.runpilot.sdk.internal.archive;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * One line of a {@code .runpilotignore} file, compiled: gitignore syntax (negation {@code !},
 * directory-only {@code dir/}, anchoring by a leading or inner {@code /}, {@code **}, {@code *},
 * {@code ?}, bracket expressions with ranges, {@code !}/{@code ^} negation and {@code [:class:]}).
 *
 * <p>A pattern holds the directory of the file it came from ({@code base}, empty for the root): it
 * applies only beneath that directory, relative to it, like a nested {@code .gitignore}.
 */
public final class IgnorePattern {
    private static final Map<String, String> CLASSES = Map.ofEntries(
            Map.entry("alnum", "\\p{Alnum}"), Map.entry("alpha", "\\p{Alpha}"), Map.entry("blank", "\\p{Blank}"),
            Map.entry("cntrl", "\\p{Cntrl}"), Map.entry("digit", "\\p{Digit}"), Map.entry("graph", "\\p{Graph}"),
            Map.entry("lower", "\\p{Lower}"), Map.entry("print", "\\p{Print}"), Map.entry("punct", "\\p{Punct}"),
            Map.entry("space", "\\p{Space}"), Map.entry("upper", "\\p{Upper}"), Map.entry("xdigit", "\\p{XDigit}"));

    private final String source;
    private final String base;
    private final boolean negated;
    private final boolean directoryOnly;
    private final boolean anchored;
    private final Pattern regex;

    private IgnorePattern(String source, String base, boolean negated, boolean directoryOnly, boolean anchored,
            Pattern regex) {
        this.source = source;
        this.base = base;
        this.negated = negated;
        this.directoryOnly = directoryOnly;
        this.anchored = anchored;
        this.regex = regex;
    }

    /**
     * Compiles one line.
     *
     * @param line the line as written
     * @param base the directory (relative, {@code /}-separated, no trailing slash) the pattern applies
     *     beneath; empty for the root
     * @return the pattern, or empty for a blank line or comment
     * @throws IllegalArgumentException for an unknown {@code [:class:]}
     */
    public static Optional<IgnorePattern> parse(String line, String base) {
        String text = stripTrailingSpaces(line);
        if (text.isEmpty() || text.startsWith("#")) {
            return Optional.empty();
        }
        boolean negated = text.startsWith("!");
        if (negated) {
            text = text.substring(1);
        }
        boolean directoryOnly = false;
        while (text.endsWith("/") && !isEscaped(text, text.length() - 1)) {
            directoryOnly = true;
            text = text.substring(0, text.length() - 1);
        }
        boolean anchored = text.contains("/");
        while (text.startsWith("/")) {
            text = text.substring(1);
        }
        if (text.isEmpty()) {
            return Optional.empty();
        }
        Pattern regex = Pattern.compile(toRegex(text), Pattern.DOTALL);
        return Optional.of(new IgnorePattern(line, base, negated, directoryOnly, anchored, regex));
    }

    /** @return the line this pattern was compiled from */
    public String source() {
        return source;
    }

    /** @return true for a {@code !} pattern, which re-includes what earlier patterns ignored */
    public boolean isNegated() {
        return negated;
    }

    /**
     * Tells whether this pattern matches a path.
     *
     * @param path the path relative to the tree's root, {@code /}-separated
     * @param isDirectory whether the path is a directory
     * @return true if it matches (whether that ignores or re-includes depends on {@link #isNegated()})
     */
    public boolean matches(String path, boolean isDirectory) {
        if (directoryOnly && !isDirectory) {
            return false;
        }
        String relative;
        if (base.isEmpty()) {
            relative = path;
        } else if (path.startsWith(base) && path.length() > base.length() + 1 && path.charAt(base.length()) == '/') {
            relative = path.substring(base.length() + 1);
        } else {
            return false;
        }
        String subject = anchored ? relative : relative.substring(relative.lastIndexOf('/') + 1);
        return regex.matcher(subject).matches();
    }

    @Override
    public String toString() {
        return base.isEmpty() ? source : base + ": " + source;
    }

    private static String stripTrailingSpaces(String line) {
        int end = line.length();
        while (end > 0 && (line.charAt(end - 1) == '\r' || line.charAt(end - 1) == '\n')) {
            end--;
        }
        while (end > 0 && line.charAt(end - 1) == ' ' && !isEscaped(line, end - 1)) {
            end--;
        }
        return line.substring(0, end);
    }

    private static boolean isEscaped(String text, int index) {
        int backslashes = 0;
        for (int i = index - 1; i >= 0 && text.charAt(i) == '\\'; i--) {
            backslashes++;
        }
        return backslashes % 2 == 1;
    }

    private static String toRegex(String glob) {
        List<String> segments = new ArrayList<>();
        for (String segment : glob.split("/", -1)) {
            boolean repeatedStars = segment.equals("**") && !segments.isEmpty()
                    && segments.get(segments.size() - 1).equals("**");
            if (!repeatedStars) {
                segments.add(segment);
            }
        }
        if (segments.size() == 1 && segments.get(0).equals("**")) {
            return ".*";
        }
        StringBuilder regex = new StringBuilder();
        boolean needSlash = false;
        for (int i = 0; i < segments.size(); i++) {
            String segment = segments.get(i);
            if (segment.equals("**")) {
                if (i == 0) {
                    regex.append("(?:.*/)?");
                } else if (i == segments.size() - 1) {
                    regex.append("/.*");
                } else {
                    regex.append("/(?:.*/)?");
                }
                needSlash = false;
            } else {
                if (needSlash) {
                    regex.append('/');
                }
                appendSegment(regex, segment);
                needSlash = true;
            }
        }
        return regex.toString();
    }

    private static void appendSegment(StringBuilder regex, String segment) {
        int i = 0;
        while (i < segment.length()) {
            char c = segment.charAt(i);
            if (c == '*') {
                regex.append("[^/]*");
                i++;
            } else if (c == '?') {
                regex.append("[^/]");
                i++;
            } else if (c == '[') {
                int end = appendBracket(regex, segment, i);
                if (end < 0) {
                    appendLiteral(regex, '[');
                    i++;
                } else {
                    i = end;
                }
            } else if (c == '\\' && i + 1 < segment.length()) {
                appendLiteral(regex, segment.charAt(i + 1));
                i += 2;
            } else {
                appendLiteral(regex, c);
                i++;
            }
        }
    }

    /** Appends a bracket expression starting at {@code open}; returns the index after it, or -1 if unclosed. */
    private static int appendBracket(StringBuilder regex, String segment, int open) {
        int i = open + 1;
        boolean negate = i < segment.length() && (segment.charAt(i) == '!' || segment.charAt(i) == '^');
        if (negate) {
            i++;
        }
        StringBuilder items = new StringBuilder();
        boolean first = true;
        while (i < segment.length()) {
            char c = segment.charAt(i);
            if (c == ']' && !first) {
                if (items.length() == 0) {
                    regex.append(negate ? "[^/]" : "(?!)"); // only reversed ranges: git matches nothing
                } else {
                    regex.append(negate ? "[^/" + items + "]" : "[" + items + "&&[^/]]");
                }
                return i + 1;
            }
            first = false;
            if (c == '[' && i + 1 < segment.length() && segment.charAt(i + 1) == ':') {
                int close = segment.indexOf(":]", i + 2);
                if (close < 0) {
                    return -1;
                }
                String name = segment.substring(i + 2, close);
                String javaClass = CLASSES.get(name);
                if (javaClass == null) {
                    throw new IllegalArgumentException("unknown character class [:" + name + ":]; known: "
                            + new java.util.TreeSet<>(CLASSES.keySet()));
                }
                items.append(javaClass);
                i = close + 2;
                continue;
            }
            char low = c;
            int next = i + 1;
            if (c == '\\' && next < segment.length()) {
                low = segment.charAt(next);
                next++;
            }
            if (next + 1 < segment.length() && segment.charAt(next) == '-' && segment.charAt(next + 1) != ']') {
                int highAt = next + 1;
                char high = segment.charAt(highAt);
                int after = highAt + 1;
                if (high == '\\' && after < segment.length()) {
                    high = segment.charAt(after);
                    after++;
                }
                if (high >= low) {
                    items.append(escapeInClass(low)).append('-').append(escapeInClass(high));
                }
                i = after;
            } else {
                items.append(escapeInClass(low));
                i = next;
            }
        }
        return -1;
    }

    private static String escapeInClass(char c) {
        return Character.isLetterOrDigit(c) ? String.valueOf(c) : "\\" + c;
    }

    private static void appendLiteral(StringBuilder regex, char c) {
        if (Character.isLetterOrDigit(c)) {
            regex.append(c);
        } else {
            regex.append('\\').append(c);
        }
    }
}
