package dev.runpilot.sdk.internal.config;

import java.nio.file.Path;
import java.util.Arrays;

/** Turns character offsets in a file's text into {@link Mark}s without rescanning the text each time. */
final class LineMap {
    private final Path file;
    private final String text;
    private final int[] lineStarts;

    LineMap(Path file, String text) {
        this.file = file;
        this.text = text;
        int[] starts = new int[16];
        int count = 1;
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) == '\n') {
                if (count == starts.length) {
                    starts = Arrays.copyOf(starts, count * 2);
                }
                starts[count++] = i + 1;
            }
        }
        this.lineStarts = Arrays.copyOf(starts, count);
    }

    Mark mark(int offset) {
        int clamped = Math.max(0, Math.min(offset, text.length()));
        int index = Arrays.binarySearch(lineStarts, clamped);
        int line = index >= 0 ? index : -index - 2;
        int column = text.codePointCount(lineStarts[line], clamped) + 1;
        return new Mark(file, line + 1, column);
    }
}
