package dev.runpilot.sdk.internal.config;

import dev.runpilot.sdk.internal.config.YamlNode.Entry;
import dev.runpilot.sdk.internal.config.YamlNode.Kind;
import dev.runpilot.sdk.internal.config.YamlNode.Mapping;
import dev.runpilot.sdk.internal.config.YamlNode.Scalar;
import dev.runpilot.sdk.internal.config.YamlNode.Sequence;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads typed values out of YAML nodes. Each method returns empty after recording a located problem that
 * says what was expected and what was found.
 *
 * <p>A string into which {@code ${VAR}} references were substituted is also accepted where a number,
 * boolean, duration or size is expected, so that {@code priority: ${PRIORITY:-0}} works.
 */
final class ValueReader {
    static final String DURATION = "a duration such as 90s, 1h30m or PT2H";
    private static final Pattern INTEGER = Pattern.compile("[-+]?[0-9][0-9_]*");
    private static final Pattern DECIMAL = Pattern.compile("[-+]?([0-9][0-9_]*)?(\\.[0-9]+)?([eE][-+]?[0-9]+)?");

    private final Problems problems;

    ValueReader(Problems problems) {
        this.problems = problems;
    }

    Problems problems() {
        return problems;
    }

    /** A string field: strings and numbers are accepted; booleans, lists and mappings are not. */
    Optional<String> string(YamlNode node, String path) {
        if (node instanceof Scalar scalar && scalar.kind() != Kind.NULL && scalar.kind() != Kind.BOOLEAN) {
            return Optional.of(scalar.text());
        }
        if (node instanceof Scalar scalar && scalar.kind() == Kind.BOOLEAN) {
            problems.wrongValue(node.mark(), path, "a string", node.describe(), "quote it (\"" + scalar.text()
                    + "\") if you mean the text");
            return Optional.empty();
        }
        problems.wrongValue(node.mark(), path, "a string", node);
        return Optional.empty();
    }

    /** A list item, map value or command argument: any scalar but null, as its text. */
    Optional<String> text(YamlNode node, String path) {
        if (node instanceof Scalar scalar && scalar.kind() != Kind.NULL) {
            return Optional.of(scalar.text());
        }
        problems.wrongValue(node.mark(), path, "a string", node);
        return Optional.empty();
    }

    Optional<Long> integer(YamlNode node, String path, long min, long max) {
        Optional<String> text = numberText(node, Kind.INTEGER);
        if (text.isPresent() && INTEGER.matcher(text.get()).matches()) {
            try {
                long value = Long.parseLong(text.get().replace("_", ""));
                if (value >= min && value <= max) {
                    return Optional.of(value);
                }
            } catch (NumberFormatException e) {
                // out of range of a long: reported below like any other out-of-range value
            }
            problems.wrongValue(node.mark(), path, range("an integer", min, max), node);
            return Optional.empty();
        }
        problems.wrongValue(node.mark(), path, range("an integer", min, max), node);
        return Optional.empty();
    }

    Optional<Double> decimal(YamlNode node, String path, double min, double max) {
        Optional<String> text = numberText(node, Kind.DECIMAL).or(() -> numberText(node, Kind.INTEGER));
        String expected = "a number from " + trim(min) + (max == Double.MAX_VALUE ? " up" : " to " + trim(max));
        if (text.isPresent() && DECIMAL.matcher(text.get()).matches() && !text.get().equals("")) {
            try {
                double value = Double.parseDouble(text.get().replace("_", ""));
                if (value >= min && value <= max && Double.isFinite(value)) {
                    return Optional.of(value);
                }
            } catch (NumberFormatException e) {
                // reported below
            }
        }
        problems.wrongValue(node.mark(), path, expected, node);
        return Optional.empty();
    }

    Optional<Boolean> bool(YamlNode node, String path) {
        if (node instanceof Scalar scalar && (scalar.kind() == Kind.BOOLEAN
                || (scalar.interpolated() && scalar.kind() == Kind.STRING))) {
            String text = scalar.text().strip().toLowerCase(java.util.Locale.ROOT);
            if (text.equals("true") || text.equals("false")) {
                return Optional.of(text.equals("true"));
            }
        }
        problems.wrongValue(node.mark(), path, "true or false", node);
        return Optional.empty();
    }

    Optional<Duration> duration(YamlNode node, String path) {
        if (node instanceof Scalar scalar && (scalar.kind() == Kind.INTEGER || scalar.kind() == Kind.STRING)) {
            Optional<Duration> duration = DurationText.parse(scalar.text().replace("_", ""));
            if (duration.isPresent()) {
                return duration;
            }
        }
        problems.wrongValue(node.mark(), path, DURATION, node);
        return Optional.empty();
    }

    Optional<Long> byteSize(YamlNode node, String path) {
        if (node instanceof Scalar scalar && (scalar.kind() == Kind.INTEGER || scalar.kind() == Kind.STRING)) {
            Optional<Long> bytes = ByteSize.parse(scalar.text().replace("_", ""));
            if (bytes.isPresent()) {
                return bytes;
            }
        }
        problems.wrongValue(node.mark(), path, "a size such as 512m, 4g, 4GiB or a number of bytes", node);
        return Optional.empty();
    }

    /** A list of texts; when {@code singleAllowed}, one text stands for a list of one. */
    Optional<List<Item>> list(YamlNode node, String path, boolean singleAllowed) {
        if (singleAllowed && node instanceof Scalar) {
            return text(node, path).map(text -> List.of(new Item(text, node)));
        }
        if (!(node instanceof Sequence sequence)) {
            problems.wrongValue(node.mark(), path, singleAllowed ? "a string or a list of strings" : "a list of strings",
                    node);
            return Optional.empty();
        }
        List<Item> items = new ArrayList<>();
        boolean good = true;
        for (YamlNode element : sequence.items()) {
            Optional<String> text = text(element, path + "[" + items.size() + "]");
            good &= text.isPresent();
            items.add(new Item(text.orElse(""), element));
        }
        return good ? Optional.of(items) : Optional.empty();
    }

    /** A mapping from keys to texts, in written order. */
    Optional<Map<String, Item>> textMap(YamlNode node, String path) {
        if (!(node instanceof Mapping mapping)) {
            problems.wrongValue(node.mark(), path, "a mapping of names to values", node);
            return Optional.empty();
        }
        Map<String, Item> values = new LinkedHashMap<>();
        for (Entry entry : mapping.entries().values()) {
            text(entry.value(), path + "." + entry.key())
                    .ifPresent(text -> values.put(entry.key(), new Item(text, entry.value(), entry.keyMark())));
        }
        return Optional.of(values);
    }

    /** Returns the node as a mapping whose keys are all in {@code known}, recording unknown keys. */
    Optional<Mapping> block(YamlNode node, String path, Set<String> known) {
        if (!(node instanceof Mapping mapping)) {
            problems.wrongValue(node.mark(), path, "a mapping with keys " + String.join(", ", known), node);
            return Optional.empty();
        }
        JobFields.checkKeys(mapping, path, known, problems);
        return Optional.of(mapping);
    }

    private static Optional<String> numberText(YamlNode node, Kind kind) {
        if (node instanceof Scalar scalar && (scalar.kind() == kind
                || (scalar.interpolated() && scalar.kind() == Kind.STRING))) {
            return Optional.of(scalar.text().strip());
        }
        return Optional.empty();
    }

    private static String range(String what, long min, long max) {
        if (min == Long.MIN_VALUE || min == Integer.MIN_VALUE) {
            return what;
        }
        return what + (max == Long.MAX_VALUE || max >= Integer.MAX_VALUE - 1 ? " of at least " + min
                : " from " + min + " to " + max);
    }

    private static String trim(double value) {
        return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
    }

    /**
     * A text read from a list or mapping, with the node it came from.
     *
     * @param text the text
     * @param node the value node
     * @param keyMark where its key is written (for mapping values), else where the value is
     */
    record Item(String text, YamlNode node, Mark keyMark) {
        Item(String text, YamlNode node) {
            this(text, node, node.mark());
        }
    }
}
