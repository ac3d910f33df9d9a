package dev.runpilot.sdk.internal.config;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/**
 * Reads a job file, a file it extends or an env file as text: checks its size before reading it, and
 * refuses invalid UTF-8 and control characters with their line and column.
 */
final class ConfigFileReader {
    private final long maxFileSize;

    ConfigFileReader(long maxFileSize) {
        this.maxFileSize = maxFileSize;
    }

    /**
     * Returns the text of {@code file}, or records why it cannot be had and returns empty.
     *
     * @param file the file to read
     * @param referencedFrom where the file was named (an {@code extends} or {@code env_file} value), or
     *     empty for the file the user asked to load
     * @param field the field that named it, empty for the loaded file
     */
    Optional<String> read(Path file, Optional<Mark> referencedFrom, String field, Problems problems) {
        Mark reference = referencedFrom.orElse(Mark.startOf(file));
        if (!Files.exists(file)) {
            problems.add(reference, field, "file not found: " + file.toAbsolutePath().normalize());
            return Optional.empty();
        }
        if (!Files.isRegularFile(file)) {
            problems.add(reference, field, "not a regular file: " + file.toAbsolutePath().normalize());
            return Optional.empty();
        }
        byte[] bytes;
        try {
            long size = Files.size(file);
            if (size > maxFileSize) {
                tooLarge(file, size, problems);
                return Optional.empty();
            }
            try (InputStream in = Files.newInputStream(file)) {
                bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxFileSize + 1));
            }
        } catch (IOException | SecurityException e) {
            problems.add(reference, field, "cannot read " + file + ": " + e.getMessage());
            return Optional.empty();
        }
        if (bytes.length > maxFileSize) {
            tooLarge(file, bytes.length, problems);
            return Optional.empty();
        }
        return decode(file, bytes, problems).filter(text -> hasOnlyPrintableCharacters(file, text, problems));
    }

    private void tooLarge(Path file, long size, Problems problems) {
        problems.add(Mark.startOf(file), "", "file is " + size + " bytes (" + readable(size) + "), over the limit of "
                + maxFileSize + " bytes (" + readable(maxFileSize) + "); a job file describes a job, keep data out"
                + " of it (or raise JobFile.loader().maxFileSize(...))");
    }

    private static Optional<String> decode(Path file, byte[] bytes, Problems problems) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(bytes.length + 1);
        CoderResult result = decoder.decode(in, out, true);
        if (!result.isError()) {
            result = decoder.flush(out);
        }
        out.flip();
        if (result.isError()) {
            int offset = in.position();
            Mark at = Mark.at(file, out.toString(), out.length());
            problems.add(at, "", String.format(Locale.ROOT, "invalid UTF-8 (byte 0x%02X at byte offset %d); job files"
                    + " must be UTF-8 text, is this a binary file?", bytes[offset] & 0xFF, offset));
            return Optional.empty();
        }
        String text = out.toString();
        return Optional.of(text.startsWith("\uFEFF") ? text.substring(1) : text);
    }

    /** YAML allows tab, line breaks and printable characters only; anything else means binary content. */
    private static boolean hasOnlyPrintableCharacters(Path file, String text, Problems problems) {
        for (int i = 0; i < text.length(); ) {
            int c = text.codePointAt(i);
            if (!isYamlPrintable(c)) {
                problems.add(Mark.at(file, text, i), "", String.format(Locale.ROOT,
                        "control character U+%04X is not allowed in a job file; is this a binary file?", c));
                return false;
            }
            i += Character.charCount(c);
        }
        return true;
    }

    private static boolean isYamlPrintable(int c) {
        return c == '\t' || c == '\n' || c == '\r' || (c >= 0x20 && c <= 0x7E) || c == 0x85
                || (c >= 0xA0 && c <= 0xD7FF) || (c >= 0xE000 && c <= 0xFFFD) || (c >= 0x10000 && c <= 0x10FFFF);
    }

    static String readable(long bytes) {
        if (bytes >= 1024L * 1024 * 1024) {
            return String.format(Locale.ROOT, "%.1f GiB", bytes / (1024.0 * 1024 * 1024));
        }
        if (bytes >= 1024L * 1024) {
            return String.format(Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024));
        }
        if (bytes >= 1024) {
            return String.format(Locale.ROOT, "%.1f KiB", bytes / 1024.0);
        }
        return bytes + " B";
    }
}
