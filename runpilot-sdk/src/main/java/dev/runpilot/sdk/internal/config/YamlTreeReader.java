package dev.runpilot.sdk.internal.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import dev.runpilot.sdk.internal.config.YamlNode.Entry;
import dev.runpilot.sdk.internal.config.YamlNode.Kind;
import dev.runpilot.sdk.internal.config.YamlNode.Mapping;
import dev.runpilot.sdk.internal.config.YamlNode.Scalar;
import dev.runpilot.sdk.internal.config.YamlNode.Sequence;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * Parses YAML text with Jackson's streaming YAML parser into a {@link YamlNode} tree that keeps the line
 * and column of every key and value.
 *
 * <p>Anchors, aliases and {@code <<} merge keys are supported. Because an alias repeats a whole subtree,
 * the tree may hold at most {@value #MAX_NODES} nodes counting each alias as the nodes it repeats, which
 * stops "billion laughs" alias bombs; nesting is limited to {@value #MAX_DEPTH} levels. Duplicate keys,
 * YAML tags other than {@code !!str} and second documents are problems.
 */
final class YamlTreeReader {
    static final int MAX_NODES = 100_000;
    static final int MAX_DEPTH = 64;
    private static final String STRING_TAG = "tag:yaml.org,2002:str";

    private final YAMLFactory factory;

    YamlTreeReader(long maxFileSize) {
        LoaderOptions options = new LoaderOptions();
        options.setCodePointLimit((int) Math.min(Integer.MAX_VALUE, maxFileSize + 1));
        options.setNestingDepthLimit(MAX_DEPTH);
        options.setMaxAliasesForCollections(MAX_NODES);
        options.setAllowDuplicateKeys(false);
        this.factory = YAMLFactory.builder()
                .loaderOptions(options)
                .enable(YAMLParser.Feature.PARSE_BOOLEAN_LIKE_WORDS_AS_STRINGS)
                .enable(YAMLParser.Feature.EMPTY_STRING_AS_NULL)
                .disable(YAMLParser.Feature.EMPTY_DOCUMENT_AS_EMPTY_OBJECT)
                .disable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH + 1).build())
                .build();
    }

    /**
     * Parses {@code text}, the content of {@code file}; records every problem found and returns empty when
     * the text is not usable YAML.
     */
    Optional<YamlNode> read(Path file, String text, Problems problems) {
        Session session = new Session(file, problems);
        try (YAMLParser parser = factory.createParser(text)) {
            JsonToken first = parser.nextToken();
            if (first == null) {
                problems.add(Mark.startOf(file), "", "the file is empty: expected a mapping of job fields such as"
                        + " name, image and entrypoint");
                return Optional.empty();
            }
            YamlNode root = session.readValue(parser, first, 1, "");
            if (parser.nextToken() != null) {
                problems.add(session.mark(parser.currentTokenLocation()), "", "expected one YAML document, found a"
                        + " second one; keep one job per file");
            }
            return Optional.of(root);
        } catch (Abort abort) {
            return Optional.empty();
        } catch (JsonProcessingException e) {
            syntaxError(file, e, e.getLocation(), e.getOriginalMessage(), problems);
            return Optional.empty();
        } catch (IOException | RuntimeException e) {
            // SnakeYAML and Jackson may throw unchecked exceptions for input they cannot scan.
            syntaxError(file, e, null, String.valueOf(e.getMessage()), problems);
            return Optional.empty();
        }
    }

    private static void syntaxError(Path file, Exception e, JsonLocation location, String fallback,
                                    Problems problems) {
        MarkedYAMLException marked = findMarked(e);
        if (marked != null && marked.getProblemMark() != null) {
            org.yaml.snakeyaml.error.Mark at = marked.getProblemMark();
            problems.add(new Mark(file, at.getLine() + 1, at.getColumn() + 1), "", describe(marked));
            return;
        }
        String reason = fallback.startsWith("Expected a field name")
                ? "keys must be plain text; complex keys such as ? [a, b] are not supported" : firstLine(fallback);
        int line = location != null && location.getLineNr() > 0 ? location.getLineNr() : 1;
        int column = location != null && location.getColumnNr() > 0 ? location.getColumnNr() : 1;
        problems.add(new Mark(file, line, column), "", "invalid YAML: " + reason);
    }

    private static MarkedYAMLException findMarked(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof MarkedYAMLException marked) {
                return marked;
            }
        }
        return null;
    }

    private static String describe(MarkedYAMLException e) {
        String problem = String.valueOf(e.getProblem());
        if (problem.contains("(TAB)")) {
            return "a tab character cannot indent YAML; indent with spaces";
        }
        String context = e.getContext();
        return "invalid YAML: " + (context == null ? "" : context + ": ") + firstLine(problem);
    }

    private static String firstLine(String text) {
        int end = text.indexOf('\n');
        return (end < 0 ? text : text.substring(0, end)).trim();
    }

    /** Thrown to stop parsing a file after recording why. */
    private static final class Abort extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Abort() {
            super(null, null, false, false);
        }
    }

    /** An anchored node and the number of nodes it stands for. */
    private record Anchored(YamlNode node, long size) {
    }

    /** The state of parsing one file. */
    private static final class Session {
        private final Path file;
        private final Problems problems;
        private final Map<String, Anchored> anchors = new HashMap<>();
        private long nodes;

        Session(Path file, Problems problems) {
            this.file = file;
            this.problems = problems;
        }

        Mark mark(JsonLocation location) {
            return new Mark(file, Math.max(1, location.getLineNr()), Math.max(1, location.getColumnNr()));
        }

        YamlNode readValue(YAMLParser parser, JsonToken token, int depth, String path) throws IOException {
            Mark mark = mark(parser.currentTokenLocation());
            if (depth > MAX_DEPTH) {
                throw abort(mark, path, "nested deeper than " + MAX_DEPTH + " levels");
            }
            if (parser.isCurrentAlias()) {
                return resolveAlias(parser.getText(), mark, path);
            }
            String anchor = parser.getObjectId();
            Object tag = parser.getTypeId();
            boolean forcedString = isForcedString(tag, mark, path);
            long before = nodes;
            YamlNode node = switch (token) {
                case START_OBJECT -> readMapping(parser, mark, depth, path);
                case START_ARRAY -> readSequence(parser, mark, depth, path);
                case VALUE_STRING -> new Scalar(mark, Kind.STRING, parser.getText());
                case VALUE_NUMBER_INT -> new Scalar(mark, forcedString ? Kind.STRING : Kind.INTEGER, parser.getText());
                case VALUE_NUMBER_FLOAT -> new Scalar(mark, forcedString ? Kind.STRING : Kind.DECIMAL, parser.getText());
                case VALUE_TRUE, VALUE_FALSE -> new Scalar(mark, forcedString ? Kind.STRING : Kind.BOOLEAN,
                        parser.getText());
                case VALUE_NULL -> forcedString ? new Scalar(mark, Kind.STRING, "") : new Scalar(mark, Kind.NULL, "");
                default -> {
                    if (tag == null) {
                        problems.add(mark, path, "unsupported YAML value (" + token + ")");
                    }
                    yield new Scalar(mark, Kind.NULL, "");
                }
            };
            count(1, mark, path);
            if (anchor != null) {
                anchors.put(anchor, new Anchored(node, nodes - before));
            }
            return node;
        }

        private boolean isForcedString(Object tag, Mark mark, String path) {
            if (tag == null) {
                return false;
            }
            if (STRING_TAG.equals(tag) || "!!str".equals(tag)) {
                return true;
            }
            String name = String.valueOf(tag);
            String shown = name.startsWith("tag:yaml.org,2002:") ? "!!" + name.substring(18)
                    : name.startsWith("!") ? name : "!" + name;
            problems.add(mark, path, "YAML tag " + shown + " is not supported; remove it (quote a value to make it a"
                    + " string)");
            return false;
        }

        private YamlNode resolveAlias(String name, Mark mark, String path) {
            Anchored anchored = anchors.get(name);
            if (anchored == null) {
                problems.add(mark, path, "alias *" + name + " refers to no anchor &" + name + " defined before it");
                return new Scalar(mark, Kind.NULL, "");
            }
            count(anchored.size(), mark, path);
            return anchored.node();
        }

        private void count(long added, Mark mark, String path) {
            nodes += added;
            if (nodes > MAX_NODES) {
                throw abort(mark, path, "the document expands to more than " + MAX_NODES + " values (an alias bomb?);"
                        + " a job file needs far fewer");
            }
        }

        private Mapping readMapping(YAMLParser parser, Mark mark, int depth, String path) throws IOException {
            Map<String, Entry> entries = new LinkedHashMap<>();
            List<YamlNode> merged = new ArrayList<>();
            for (JsonToken token = parser.nextToken(); token != JsonToken.END_OBJECT; token = parser.nextToken()) {
                if (token != JsonToken.FIELD_NAME) {
                    throw abort(mark(parser.currentTokenLocation()), path, "expected a key, found " + token);
                }
                String key = parser.currentName();
                Mark keyMark = mark(parser.currentTokenLocation());
                String childPath = path.isEmpty() ? key : path + "." + key;
                YamlNode value = readValue(parser, parser.nextToken(), depth + 1, childPath);
                Entry previous = entries.get(key);
                if ("<<".equals(key)) {
                    merged.add(value);
                } else if (previous != null) {
                    problems.add(keyMark, childPath, "duplicate key '" + key + "' (first set at line "
                            + previous.keyMark().line() + "); keep one");
                } else {
                    entries.put(key, new Entry(key, keyMark, value));
                }
            }
            for (YamlNode source : merged) {
                mergeKeys(source, entries, path);
            }
            return new Mapping(mark, entries);
        }

        /** Applies a {@code <<} merge key: keys written in the mapping itself win over merged ones. */
        private void mergeKeys(YamlNode source, Map<String, Entry> entries, String path) {
            if (source instanceof Mapping mapping) {
                mapping.entries().forEach(entries::putIfAbsent);
            } else if (source instanceof Sequence sequence && sequence.items().stream().allMatch(Mapping.class::isInstance)) {
                sequence.items().forEach(item -> ((Mapping) item).entries().forEach(entries::putIfAbsent));
            } else {
                problems.wrongValue(source.mark(), path.isEmpty() ? "<<" : path + ".<<",
                        "a mapping or a list of mappings to merge", source);
            }
        }

        private Sequence readSequence(YAMLParser parser, Mark mark, int depth, String path) throws IOException {
            List<YamlNode> items = new ArrayList<>();
            for (JsonToken token = parser.nextToken(); token != JsonToken.END_ARRAY; token = parser.nextToken()) {
                if (token == null) {
                    throw abort(mark, path, "the list is not closed");
                }
                items.add(readValue(parser, token, depth + 1, path + "[" + items.size() + "]"));
            }
            return new Sequence(mark, items);
        }

        private Abort abort(Mark mark, String path, String message) {
            problems.add(mark, path, message);
            return new Abort();
        }
    }
}
