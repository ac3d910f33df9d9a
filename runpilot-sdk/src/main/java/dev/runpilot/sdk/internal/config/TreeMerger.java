package dev.runpilot.sdk.internal.config;

import dev.runpilot.sdk.internal.config.YamlNode.Entry;
import dev.runpilot.sdk.internal.config.YamlNode.Mapping;
import dev.runpilot.sdk.internal.config.YamlNode.Scalar;
import dev.runpilot.sdk.internal.config.YamlNode.Sequence;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Lays one job document over another: the rules behind {@code extends}, the project defaults file and
 * {@code environments}.
 *
 * <ul>
 *   <li>Mappings merge key by key, recursively ({@code env}, {@code labels}, {@code resources},
 *       {@code retry}, {@code gpu}...).</li>
 *   <li>Lists and scalars in the overlay replace the base's value whole.</li>
 *   <li>A {@code null} value in the overlay ({@code ~}, {@code null} or nothing) removes the key; nulls are
 *       kept while layers merge and dropped by {@link #withoutNulls} at the end, so a null in any layer
 *       removes what every layer beneath it set.</li>
 *   <li>Alternatives replace each other: an overlay that sets {@code command} drops an inherited
 *       {@code entrypoint} and the reverse; an overlay that sets {@code retry_count} drops an inherited
 *       {@code retry.attempts} and the reverse.</li>
 * </ul>
 */
final class TreeMerger {
    private TreeMerger() {
    }

    /** Merges a job document {@code overlay} over {@code base}. */
    static Mapping mergeJob(Mapping base, Mapping overlay) {
        Mapping effectiveBase = base;
        if (sets(overlay, "command")) {
            effectiveBase = effectiveBase.without("entrypoint");
        }
        if (sets(overlay, "entrypoint")) {
            effectiveBase = effectiveBase.without("command");
        }
        if (sets(overlay, "retry_count")) {
            effectiveBase = withoutRetryAttempts(effectiveBase);
        }
        if (overlay.get("retry").filter(r -> r instanceof Mapping m && sets(m, "attempts")).isPresent()) {
            effectiveBase = effectiveBase.without("retry_count");
        }
        return (Mapping) merge(effectiveBase, overlay);
    }

    /** Merges any two values by the rules above (without the job-level alternatives). */
    static YamlNode merge(YamlNode base, YamlNode overlay) {
        if (!(base instanceof Mapping baseMap) || !(overlay instanceof Mapping overlayMap)) {
            return overlay;
        }
        Map<String, Entry> entries = new LinkedHashMap<>(baseMap.entries());
        for (Entry entry : overlayMap.entries().values()) {
            Entry inherited = entries.get(entry.key());
            YamlNode value = inherited == null ? entry.value() : merge(inherited.value(), entry.value());
            entries.put(entry.key(), new Entry(entry.key(), entry.keyMark(), value));
        }
        return new Mapping(overlayMap.mark(), entries);
    }

    /** Removes every mapping entry whose value is null, at every depth. */
    static YamlNode withoutNulls(YamlNode node) {
        if (node instanceof Mapping mapping) {
            Map<String, Entry> entries = new LinkedHashMap<>();
            mapping.entries().forEach((key, entry) -> {
                if (!isNull(entry.value())) {
                    entries.put(key, new Entry(key, entry.keyMark(), withoutNulls(entry.value())));
                }
            });
            return new Mapping(mapping.mark(), entries);
        }
        if (node instanceof Sequence sequence) {
            List<YamlNode> items = new ArrayList<>();
            sequence.items().forEach(item -> items.add(withoutNulls(item)));
            return new Sequence(sequence.mark(), items);
        }
        return node;
    }

    private static Mapping withoutRetryAttempts(Mapping base) {
        return base.entry("retry")
                .filter(entry -> entry.value() instanceof Mapping)
                .map(entry -> base.with(new Entry("retry", entry.keyMark(), ((Mapping) entry.value()).without("attempts"))))
                .orElse(base);
    }

    private static boolean sets(Mapping mapping, String key) {
        return mapping.get(key).filter(value -> !isNull(value)).isPresent();
    }

    static boolean isNull(YamlNode node) {
        return node instanceof Scalar scalar && scalar.isNull();
    }
}
