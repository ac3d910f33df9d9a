package dev.runpilot.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import dev.runpilot.sdk.RunStatus;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Prints a command's result as a table for people, or as JSON or YAML for programs. In JSON and YAML
 * the result is one document on standard output; hints and progress go to standard error.
 */
final class Output {
    /** The formats {@code -o} accepts. */
    enum Format {
        table, json, yaml
    }

    private final Format format;
    private final PrintWriter out;
    private final PrintWriter err;
    private final boolean quiet;
    private final boolean colors;

    Output(Format format, PrintWriter out, PrintWriter err, boolean quiet, boolean colors) {
        this.format = format;
        this.out = out;
        this.err = err;
        this.quiet = quiet;
        this.colors = colors;
    }

    /** Returns whether the output is for a program (JSON or YAML). */
    boolean isStructured() {
        return format != Format.table;
    }

    Format format() {
        return format;
    }

    PrintWriter out() {
        return out;
    }

    PrintWriter err() {
        return err;
    }

    boolean isQuiet() {
        return quiet;
    }

    /**
     * Prints a result: {@code document} (maps, lists, strings, numbers) as JSON or YAML, else calls
     * {@code table} to print it for people.
     */
    void print(Object document, Runnable table) {
        if (isStructured()) {
            out.println(serialize(document, format));
        } else {
            table.run();
        }
        out.flush();
    }

    /** Prints one compact JSON object on its own line (for streams such as {@code logs -f -o json}). */
    void printLine(Object document) {
        try {
            out.println(JsonHolder.COMPACT.writeValueAsString(document));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON: " + e.getMessage(), e);
        }
        out.flush();
    }

    /** Prints a line for people on standard error, unless -q. */
    void hint(String text) {
        if (!quiet) {
            err.println(text);
            err.flush();
        }
    }

    /** Colours a status for a terminal: green for success, red for failure, yellow for in progress. */
    String status(RunStatus status) {
        String text = status.name();
        if (!colors) {
            return text;
        }
        return switch (status) {
            case SUCCEEDED -> "\u001b[32m" + text + "\u001b[0m";
            case FAILED, TIMED_OUT -> "\u001b[31m" + text + "\u001b[0m";
            case CANCELLED, CANCELLING -> "\u001b[35m" + text + "\u001b[0m";
            default -> "\u001b[33m" + text + "\u001b[0m";
        };
    }

    /** Makes a table that prints to standard output with columns padded to their widest cell. */
    Table table(String... headers) {
        return new Table(headers);
    }

    /** Loads Jackson only when JSON is written: table output starts faster without it. */
    private static final class JsonHolder {
        static final ObjectMapper COMPACT = new ObjectMapper();
    }

    static String serialize(Object document, Format format) {
        ObjectMapper mapper = format == Format.yaml
                ? new ObjectMapper(YAMLFactory.builder()
                        .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
                        .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
                        .build())
                : new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        try {
            return mapper.writeValueAsString(document).stripTrailing();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + format + ": " + e.getMessage(), e);
        }
    }

    /** A table of text cells; ANSI colour codes do not count towards a column's width. */
    final class Table {
        private final String[] headers;
        private final List<String[]> rows = new ArrayList<>();

        private Table(String[] headers) {
            this.headers = headers;
        }

        Table row(Object... cells) {
            String[] row = new String[headers.length];
            for (int i = 0; i < headers.length; i++) {
                row[i] = i < cells.length && cells[i] != null ? cells[i].toString() : "";
            }
            rows.add(row);
            return this;
        }

        void print() {
            int[] widths = new int[headers.length];
            for (int i = 0; i < headers.length; i++) {
                widths[i] = headers[i].length();
                for (String[] row : rows) {
                    widths[i] = Math.max(widths[i], visibleLength(row[i]));
                }
            }
            printRow(headers, widths);
            for (String[] row : rows) {
                printRow(row, widths);
            }
            out.flush();
        }

        private void printRow(String[] cells, int[] widths) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < cells.length; i++) {
                line.append(cells[i]);
                if (i < cells.length - 1) {
                    line.append(" ".repeat(widths[i] - visibleLength(cells[i]) + 2));
                }
            }
            out.println(line.toString().stripTrailing());
        }
    }

    static int visibleLength(String text) {
        return text.replaceAll("\u001b\\[[0-9;]*m", "").length();
    }

    static String lower(Enum<?> value) {
        return value.name().toLowerCase(Locale.ROOT);
    }
}
