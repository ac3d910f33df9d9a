package dev.runpilot.sdk.internal.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A YAML value that remembers where it was written. Immutable; built by {@link YamlTreeReader}, changed
 * only by making new nodes ({@link TreeMerger}, {@link Interpolation}).
 */
sealed interface YamlNode permits YamlNode.Mapping, YamlNode.Sequence, YamlNode.Scalar {
    /** Where the value starts. */
    Mark mark();

    /** Describes the value for a "found ..." message, without echoing long or secret text. */
    String describe();

    /** The kinds of scalar YAML distinguishes (YAML 1.2 core schema). */
    enum Kind { STRING, INTEGER, DECIMAL, BOOLEAN, NULL }

    /**
     * One key of a mapping.
     *
     * @param key the key
     * @param keyMark where the key is written
     * @param value its value
     */
    record Entry(String key, Mark keyMark, YamlNode value) {
    }

    /**
     * A mapping, in the order its keys were written.
     *
     * @param mark where it starts
     * @param entries its entries by key
     */
    record Mapping(Mark mark, Map<String, Entry> entries) implements YamlNode {
        public Mapping {
            entries = Collections.unmodifiableMap(new LinkedHashMap<>(entries));
        }

        static Mapping empty(Mark mark) {
            return new Mapping(mark, Map.of());
        }

        Optional<Entry> entry(String key) {
            return Optional.ofNullable(entries.get(key));
        }

        Optional<YamlNode> get(String key) {
            return entry(key).map(Entry::value);
        }

        Mapping without(String key) {
            if (!entries.containsKey(key)) {
                return this;
            }
            Map<String, Entry> copy = new LinkedHashMap<>(entries);
            copy.remove(key);
            return new Mapping(mark, copy);
        }

        Mapping with(Entry entry) {
            Map<String, Entry> copy = new LinkedHashMap<>(entries);
            copy.put(entry.key(), entry);
            return new Mapping(mark, copy);
        }

        @Override
        public String describe() {
            return "a mapping";
        }
    }

    /**
     * A list.
     *
     * @param mark where it starts
     * @param items its items
     */
    record Sequence(Mark mark, List<YamlNode> items) implements YamlNode {
        public Sequence {
            items = List.copyOf(items);
        }

        @Override
        public String describe() {
            return "a list";
        }
    }

    /**
     * A single value.
     *
     * @param mark where it starts
     * @param kind how YAML typed it
     * @param text its text as written (for numbers and booleans) or its string value
     * @param interpolated whether {@code ${VAR}} references were substituted into it; such a string is also
     *     accepted where a number, boolean or duration is expected
     */
    record Scalar(Mark mark, Kind kind, String text, boolean interpolated) implements YamlNode {
        Scalar(Mark mark, Kind kind, String text) {
            this(mark, kind, text, false);
        }

        boolean isNull() {
            return kind == Kind.NULL;
        }

        @Override
        public String describe() {
            return switch (kind) {
                case NULL -> "null";
                case BOOLEAN -> "a boolean (" + text + ")";
                case INTEGER, DECIMAL -> "a number (" + shorten(text) + ")";
                case STRING -> "'" + shorten(text) + "'";
            };
        }

        private static String shorten(String text) {
            String oneLine = text.replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t");
            return oneLine.length() <= 40 ? oneLine : oneLine.substring(0, 37) + "...";
        }
    }
}
