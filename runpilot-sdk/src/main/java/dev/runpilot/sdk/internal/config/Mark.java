package dev.runpilot.sdk.internal.config;

import java.nio.file.Path;

/**
 * A position in a file: line and column start at 1.
 *
 * @param file the file
 * @param line the line
 * @param column the column, counted in characters
 */
record Mark(Path file, int line, int column) {
    static Mark startOf(Path file) {
        return new Mark(file, 1, 1);
    }

    /** Returns the mark of the character at {@code offset} in {@code text}, the content of {@code file}. */
    static Mark at(Path file, String text, int offset) {
        return new LineMap(file, text).mark(offset);
    }

    @Override
    public String toString() {
        return file + ":" + line + ":" + column;
    }
}
