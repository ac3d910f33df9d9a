package dev.runpilot.sdk.internal.config;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Parses {@code .env} files: {@code KEY=VALUE} lines, blank lines and {@code #} comments, an optional
 * {@code export } prefix, and single- or double-quoted values.
 *
 * <p>Unquoted values are trimmed and end at a {@code #} preceded by whitespace. Single-quoted values are
 * literal. Double-quoted values may span lines and understand {@code \n}, {@code \r}, {@code \t},
 * {@code \\}, {@code \"} and {@code \$}. Values are never interpolated. A key set twice keeps its last
 * value. Problems are located but never quote a value: env files hold secrets.
 */
final class DotEnvFile {
    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    /**
     * One variable from an env file.
     *
     * @param name its name
     * @param value its value
     * @param mark where its line starts
     */
    record Variable(String name, String value, Mark mark) {
    }

    private final LineMap lines;
    private final String text;
    private final Problems problems;
    private final Map<String, Variable> variables = new LinkedHashMap<>();
    private int pos;

    private DotEnvFile(Path file, String text, Problems problems) {
        this.lines = new LineMap(file, text);
        this.text = text;
        this.problems = problems;
    }

    /** Parses {@code text}, the content of {@code file}, recording each malformed line as a problem. */
    static Map<String, Variable> parse(Path file, String text, Problems problems) {
        DotEnvFile parser = new DotEnvFile(file, text, problems);
        parser.parseAll();
        return parser.variables;
    }

    private void parseAll() {
        while (pos < text.length()) {
            skipBlanks();
            if (pos >= text.length()) {
                return;
            }
            char c = text.charAt(pos);
            if (c == '\n' || c == '\r') {
                pos++;
            } else if (c == '#') {
                skipLine();
            } else {
                parseAssignment();
            }
        }
    }

    private void parseAssignment() {
        Mark lineMark = mark(pos);
        if (text.startsWith("export", pos) && pos + 6 < text.length()
                && (text.charAt(pos + 6) == ' ' || text.charAt(pos + 6) == '\t')) {
            pos += 6;
            skipBlanks();
        }
        int keyStart = pos;
        while (pos < text.length() && "= \t\r\n#".indexOf(text.charAt(pos)) < 0) {
            pos++;
        }
        String key = text.substring(keyStart, pos);
        if (!NAME.matcher(key).matches()) {
            fail(keyStart, "expected a variable name (letters, digits and _, not starting with a digit) at the start"
                    + " of a KEY=VALUE line");
            return;
        }
        skipBlanks();
        if (pos >= text.length() || text.charAt(pos) != '=') {
            fail(pos, "expected '=' after " + key + " (lines have the form KEY=VALUE)");
            return;
        }
        pos++;
        skipBlanks();
        String value = readValue(key);
        if (value != null) {
            variables.put(key, new Variable(key, value, lineMark));
        }
    }

    /** Reads the value after '='; returns null after recording a problem. */
    private String readValue(String key) {
        if (pos < text.length() && (text.charAt(pos) == '"' || text.charAt(pos) == '\'')) {
            char quote = text.charAt(pos);
            int open = pos;
            String value = quote == '"' ? readDoubleQuoted() : readSingleQuoted();
            if (value == null) {
                fail(open, "the value of " + key + " opens a " + (quote == '"' ? "double" : "single")
                        + " quote that is never closed");
                return null;
            }
            skipBlanks();
            if (pos < text.length() && text.charAt(pos) != '#' && text.charAt(pos) != '\n' && text.charAt(pos) != '\r') {
                fail(pos, "unexpected text after the closing quote of " + key + "'s value");
                return null;
            }
            skipLine();
            return value;
        }
        int start = pos;
        skipLine();
        String value = text.substring(start, pos);
        for (int i = 0; i < value.length(); i++) {
            if (value.charAt(i) == '#' && (i == 0 || Character.isWhitespace(value.charAt(i - 1)))) {
                value = value.substring(0, i);
                break;
            }
        }
        return value.strip();
    }

    private String readDoubleQuoted() {
        StringBuilder value = new StringBuilder();
        for (int i = pos + 1; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '"') {
                pos = i + 1;
                return value.toString();
            }
            if (c == '\\' && i + 1 < text.length()) {
                char next = text.charAt(++i);
                switch (next) {
                    case 'n' -> value.append('\n');
                    case 'r' -> value.append('\r');
                    case 't' -> value.append('\t');
                    case '\\', '"', '$' -> value.append(next);
                    default -> value.append('\\').append(next);
                }
            } else {
                value.append(c);
            }
        }
        return null;
    }

    private String readSingleQuoted() {
        int close = text.indexOf('\'', pos + 1);
        if (close < 0) {
            return null;
        }
        String value = text.substring(pos + 1, close);
        pos = close + 1;
        return value;
    }

    private void fail(int at, String message) {
        problems.add(mark(at), "env_file", message);
        skipLine();
    }

    private void skipBlanks() {
        while (pos < text.length() && (text.charAt(pos) == ' ' || text.charAt(pos) == '\t')) {
            pos++;
        }
    }

    private void skipLine() {
        while (pos < text.length() && text.charAt(pos) != '\n') {
            pos++;
        }
    }

    private Mark mark(int offset) {
        return lines.mark(offset);
    }
}
