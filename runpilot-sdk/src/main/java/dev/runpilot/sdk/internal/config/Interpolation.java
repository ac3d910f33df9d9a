package dev.runpilot.sdk.internal.config;

import dev.runpilot.sdk.internal.config.YamlNode.Entry;
import dev.runpilot.sdk.internal.config.YamlNode.Kind;
import dev.runpilot.sdk.internal.config.YamlNode.Mapping;
import dev.runpilot.sdk.internal.config.YamlNode.Scalar;
import dev.runpilot.sdk.internal.config.YamlNode.Sequence;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Applies an {@link Interpolator} to every string value of a tree. Keys, numbers and booleans are left
 * alone; a missing variable or a malformed reference is a problem at the value's position.
 */
final class Interpolation {
    private final Interpolator interpolator;
    private final Problems problems;

    Interpolation(Interpolator interpolator, Problems problems) {
        this.interpolator = interpolator;
        this.problems = problems;
    }

    YamlNode apply(YamlNode node, String path) {
        if (node instanceof Mapping mapping) {
            Map<String, Entry> entries = new LinkedHashMap<>();
            mapping.entries().forEach((key, entry) -> entries.put(key,
                    new Entry(key, entry.keyMark(), apply(entry.value(), path.isEmpty() ? key : path + "." + key))));
            return new Mapping(mapping.mark(), entries);
        }
        if (node instanceof Sequence sequence) {
            List<YamlNode> items = new ArrayList<>();
            for (YamlNode item : sequence.items()) {
                items.add(apply(item, path + "[" + items.size() + "]"));
            }
            return new Sequence(sequence.mark(), items);
        }
        Scalar scalar = (Scalar) node;
        if (scalar.kind() != Kind.STRING || scalar.text().indexOf('$') < 0) {
            return scalar;
        }
        Interpolator.Result result = interpolator.expand(scalar.text());
        result.errors().forEach(error -> problems.add(scalar.mark(), path, error));
        return new Scalar(scalar.mark(), Kind.STRING, result.text(), result.substituted());
    }
}
