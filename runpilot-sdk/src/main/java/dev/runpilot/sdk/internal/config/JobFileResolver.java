package dev.runpilot.sdk.internal.config;

import dev.runpilot.sdk.config.JobFile;
import dev.runpilot.sdk.internal.config.YamlNode.Entry;
import dev.runpilot.sdk.internal.config.YamlNode.Mapping;
import dev.runpilot.sdk.internal.config.YamlNode.Scalar;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a job file into one merged document: the project defaults file, then the chain of files named by
 * {@code extends} (the farthest base first), then the file itself, then the chosen environment's overlay,
 * each laid over the previous by {@link TreeMerger}.
 */
final class JobFileResolver {
    static final int MAX_EXTENDS_DEPTH = 32;
    private static final Logger LOG = LoggerFactory.getLogger(JobFileResolver.class);

    private final LoaderSettings settings;
    private final ConfigFileReader files;
    private final YamlTreeReader yaml;
    private final Problems problems;

    JobFileResolver(LoaderSettings settings, Problems problems) {
        this.settings = settings;
        this.files = new ConfigFileReader(settings.maxFileSize());
        this.yaml = new YamlTreeReader(settings.maxFileSize());
        this.problems = problems;
    }

    /**
     * The merged document of a job file.
     *
     * @param document every layer merged, nulls removed, {@code extends} and {@code environments} gone
     * @param rootMark where the loaded file's own document starts
     */
    record Resolved(Mapping document, Mark rootMark) {
    }

    /** Resolves {@code file}; returns empty when it or a file it needs cannot be read or parsed. */
    Optional<Resolved> resolve(Path file) {
        List<Mapping> layers = new ArrayList<>();
        if (!loadChain(file, Optional.empty(), new ArrayList<>(), layers)) {
            return Optional.empty();
        }
        Mark rootMark = layers.get(layers.size() - 1).mark();
        Path defaults = directoryOf(file).resolve(JobFile.DEFAULTS_FILE_NAME);
        if (settings.projectDefaults() && Files.isRegularFile(defaults) && !canonical(defaults).equals(canonical(file))) {
            LOG.debug("Applying the project defaults {} beneath {}", defaults, file);
            List<Mapping> defaultLayers = new ArrayList<>();
            if (!loadChain(defaults, Optional.empty(), new ArrayList<>(), defaultLayers)) {
                return Optional.empty();
            }
            layers.addAll(0, defaultLayers);
        }
        Mapping merged = layers.get(0);
        for (Mapping layer : layers.subList(1, layers.size())) {
            merged = TreeMerger.mergeJob(merged, layer);
        }
        Optional<Entry> environments = merged.entry("environments");
        merged = applyEnvironment(merged.without("environments"), environments, rootMark);
        return Optional.of(new Resolved((Mapping) TreeMerger.withoutNulls(merged), rootMark));
    }

    /**
     * Loads {@code file} and the files it extends, adding their documents to {@code layers} farthest base
     * first; returns false when one could not be read or parsed.
     */
    private boolean loadChain(Path file, Optional<Mark> referencedFrom, List<Path> chain, List<Mapping> layers) {
        Path key = canonical(file);
        if (chain.contains(key)) {
            String cycle = chain.subList(chain.indexOf(key), chain.size()).stream()
                    .map(Path::toString).collect(Collectors.joining(" -> "));
            problems.add(referencedFrom.orElseThrow(), "extends", "extends cycle: " + cycle + " -> " + key
                    + "; a file cannot extend itself, directly or through others");
            return false;
        }
        if (chain.size() >= MAX_EXTENDS_DEPTH) {
            problems.add(referencedFrom.orElseThrow(), "extends", "extends chain longer than " + MAX_EXTENDS_DEPTH
                    + " files");
            return false;
        }
        Optional<Mapping> document = files.read(file, referencedFrom, referencedFrom.isPresent() ? "extends" : "",
                        problems)
                .flatMap(text -> yaml.read(file, text, problems))
                .flatMap(root -> asDocument(file, root));
        if (document.isEmpty()) {
            return false;
        }
        Optional<YamlNode> base = document.get().get("extends").filter(value -> !TreeMerger.isNull(value));
        if (base.isPresent()) {
            if (!(base.get() instanceof Scalar scalar) || scalar.kind() != YamlNode.Kind.STRING || scalar.text().isBlank()) {
                problems.wrongValue(base.get().mark(), "extends", "the path of a job file to extend, relative to this"
                        + " file", base.get());
                return false;
            }
            LOG.debug("{} extends {}", file, scalar.text());
            chain.add(key);
            boolean loaded = loadChain(directoryOf(file).resolve(scalar.text()).normalize(),
                    Optional.of(scalar.mark()), chain, layers);
            chain.remove(chain.size() - 1);
            if (!loaded) {
                return false;
            }
        }
        layers.add(document.get().without("extends"));
        return true;
    }

    private Optional<Mapping> asDocument(Path file, YamlNode root) {
        if (root instanceof Mapping mapping) {
            return Optional.of(mapping);
        }
        if (root instanceof Scalar scalar && scalar.isNull()) {
            problems.add(root.mark(), "", "the file is empty: expected a mapping of job fields such as name, image"
                    + " and entrypoint");
        } else {
            problems.wrongValue(root.mark(), "", "a mapping of job fields (name: ..., image: ..., entrypoint: ...)",
                    root.describe(), "a job file describes one job");
        }
        return Optional.empty();
    }

    private Mapping applyEnvironment(Mapping merged, Optional<Entry> environments, Mark rootMark) {
        Map<String, Mapping> overlays = new LinkedHashMap<>();
        environments.filter(entry -> !TreeMerger.isNull(entry.value())).ifPresent(entry -> {
            if (!(entry.value() instanceof Mapping byName)) {
                problems.wrongValue(entry.value().mark(), "environments", "a mapping of environment names to overlays",
                        entry.value());
                return;
            }
            byName.entries().values().stream().filter(env -> !TreeMerger.isNull(env.value()))
                    .forEach(env -> overlay(env).ifPresent(overlay -> overlays.put(env.key(), overlay)));
        });
        for (Map.Entry<String, Mapping> overlay : overlays.entrySet()) {
            if (settings.environment().filter(overlay.getKey()::equals).isEmpty()) {
                JobFields.checkKeys(overlay.getValue(), "environments." + overlay.getKey(), JobFields.JOB, problems);
            }
        }
        if (settings.environment().isEmpty()) {
            return merged;
        }
        String name = settings.environment().get();
        Mapping overlay = overlays.get(name);
        if (overlay == null) {
            Mark at = environments.map(Entry::keyMark).orElse(rootMark);
            String known = overlays.isEmpty() ? "the file defines no environments"
                    : "the file defines " + String.join(", ", overlays.keySet());
            problems.add(at, "environments", "unknown environment '" + name + "': " + known
                    + JobFields.suggest(name, overlays.keySet()).map(s -> "; did you mean '" + s + "'?").orElse(""));
            return merged;
        }
        return TreeMerger.mergeJob(merged, overlay);
    }

    /** Returns an environment's overlay without the keys only a whole file may have, recording them. */
    private Optional<Mapping> overlay(Entry environment) {
        String path = "environments." + environment.key();
        if (!(environment.value() instanceof Mapping overlay)) {
            problems.wrongValue(environment.value().mark(), path, "a mapping of job fields to change in this"
                    + " environment", environment.value());
            return Optional.empty();
        }
        Mapping cleaned = overlay;
        for (String key : JobFields.FILE_ONLY) {
            Optional<Entry> misplaced = overlay.entry(key);
            if (misplaced.isPresent()) {
                problems.add(misplaced.get().keyMark(), path + "." + key, key + " cannot be set inside an environment;"
                        + " set it at the top of the file");
                cleaned = cleaned.without(key);
            }
        }
        return Optional.of(cleaned);
    }

    static Path directoryOf(Path file) {
        Path parent = file.toAbsolutePath().normalize().getParent();
        return parent == null ? file.toAbsolutePath().getRoot() : parent;
    }

    private static Path canonical(Path file) {
        try {
            return file.toRealPath();
        } catch (IOException | SecurityException e) {
            return file.toAbsolutePath().normalize();
        }
    }
}
