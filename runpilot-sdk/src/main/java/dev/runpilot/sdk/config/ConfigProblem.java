package dev.runpilot.sdk.config;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * One thing wrong with a job file, and where: the file, the line and column (both starting at 1) and the
 * field path, such as {@code retry.backoff.initial} or {@code env.API_TOKEN}.
 *
 * <p>{@link #toString()} gives the form compilers use, {@code file:line:column: field: message}, for
 * example {@code runpilot.yaml:7:10: timeout: expected a duration such as 90s, 1h30m or PT2H, found
 * 'soon'}. Secret values never appear in a problem.
 *
 * @param file the file the problem is in (a job file, a file it extends, or an env file)
 * @param line the line, starting at 1
 * @param column the column, starting at 1
 * @param field the field path, dot-separated; empty when the problem concerns the whole file
 * @param expected what the format wants there, when the problem is a wrong value
 * @param found what the file has there, when the problem is a wrong value
 * @param message the whole explanation, including what to do; for a wrong value it starts with
 *     {@code expected X, found Y}
 */
public record ConfigProblem(Path file, int line, int column, String field, Optional<String> expected,
                            Optional<String> found, String message) {
    /**
     * Checks the values.
     *
     * @throws IllegalArgumentException if line or column is below 1
     */
    public ConfigProblem {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(field, "field");
        Objects.requireNonNull(expected, "expected");
        Objects.requireNonNull(found, "found");
        Objects.requireNonNull(message, "message");
        if (line < 1 || column < 1) {
            throw new IllegalArgumentException("line and column start at 1, were " + line + ":" + column);
        }
    }

    /**
     * Returns where the problem is, as {@code file:line:column}.
     *
     * @return the location
     */
    public String location() {
        return file + ":" + line + ":" + column;
    }

    /** Returns {@code file:line:column: field: message} (without {@code field: } when the field is empty). */
    @Override
    public String toString() {
        return location() + ": " + (field.isEmpty() ? "" : field + ": ") + message;
    }
}
