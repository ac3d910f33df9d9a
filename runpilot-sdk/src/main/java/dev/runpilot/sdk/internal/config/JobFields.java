package dev.runpilot.sdk.internal.config;

import dev.runpilot.sdk.internal.config.YamlNode.Entry;
import dev.runpilot.sdk.internal.config.YamlNode.Mapping;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The keys of the job file format, block by block, and the check that reports an unknown key with the
 * nearest known one ("did you mean").
 */
final class JobFields {
    /** The fields of a job, as a file or an environment overlay may set them. */
    static final Set<String> JOB = ordered("name", "image", "command", "entrypoint", "env", "env_file", "secrets",
            "working_dir", "user", "network", "pull_policy", "health_check", "gpu", "resources", "resource_class",
            "timeout", "retry_count", "retry", "depends_on", "labels", "priority", "volumes", "artifacts", "source",
            "ignore");
    /** Keys only a whole file may have, not an environment overlay. */
    static final Set<String> FILE_ONLY = ordered("extends", "environments");
    static final Set<String> FILE = union(JOB, FILE_ONLY);
    static final Set<String> RESOURCES = ordered("cpus", "memory", "pids");
    static final Set<String> GPU = ordered("count", "type");
    static final Set<String> RETRY = ordered("attempts", "backoff", "on_exit_codes", "on");
    static final Set<String> BACKOFF = ordered("initial", "multiplier", "max", "jitter");
    static final Set<String> HEALTH_CHECK = ordered("command", "interval", "timeout", "retries", "start_period");
    static final Set<String> VOLUME = ordered("source", "target", "read_only");

    private JobFields() {
    }

    /** Records a problem for each key of {@code mapping} not in {@code known}. */
    static void checkKeys(Mapping mapping, String path, Set<String> known, Problems problems) {
        for (Entry entry : mapping.entries().values()) {
            if (!known.contains(entry.key())) {
                String field = path.isEmpty() ? entry.key() : path + "." + entry.key();
                problems.add(entry.keyMark(), field, unknownKeyMessage(entry.key(), known, path));
            }
        }
    }

    static String unknownKeyMessage(String key, Collection<String> known, String path) {
        Optional<String> suggestion = suggest(key, known);
        String shown = key.length() <= 40 ? key : key.substring(0, 37) + "...";
        if (suggestion.isPresent()) {
            return "unknown key '" + shown + "'; did you mean '" + suggestion.get() + "'?";
        }
        if (known.size() <= 8) {
            return "unknown key '" + shown + "'; expected one of " + String.join(", ", known);
        }
        return "unknown key '" + shown + "'" + (path.isEmpty() ? " (the fields are listed in docs/job-files.md)" : "");
    }

    /**
     * Returns the known key nearest to {@code key}: the same letters ignoring case, '_' and '-' (so that
     * {@code workingDir} suggests {@code working_dir}), else one within a small edit distance.
     */
    static Optional<String> suggest(String key, Collection<String> known) {
        String normalized = normalize(key);
        for (String candidate : known) {
            if (normalize(candidate).equals(normalized)) {
                return Optional.of(candidate);
            }
        }
        if (key.length() > 64) {
            return Optional.empty();
        }
        int allowed = key.length() <= 3 ? 1 : key.length() <= 6 ? 2 : 3;
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : known) {
            int distance = editDistance(key.toLowerCase(Locale.ROOT), candidate);
            if (distance <= allowed && distance < bestDistance) {
                best = candidate;
                bestDistance = distance;
            }
        }
        return Optional.ofNullable(best);
    }

    /** The optimal string alignment distance: insertions, deletions, substitutions and adjacent swaps. */
    static int editDistance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }

    private static String normalize(String key) {
        return key.toLowerCase(Locale.ROOT).replace("_", "").replace("-", "");
    }

    private static Set<String> ordered(String... keys) {
        return Collections.unmodifiableSet(new LinkedHashSet<>(List.of(keys)));
    }

    private static Set<String> union(Set<String> first, Set<String> second) {
        Set<String> all = new LinkedHashSet<>(first);
        all.addAll(second);
        return Collections.unmodifiableSet(all);
    }
}
