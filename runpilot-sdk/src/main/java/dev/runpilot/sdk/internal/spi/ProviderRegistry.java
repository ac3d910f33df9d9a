package dev.runpilot.sdk.internal.spi;

import dev.runpilot.sdk.ProviderException;
import dev.runpilot.sdk.spi.ComputeProviderFactory;
import dev.runpilot.sdk.spi.ContainerRuntimeFactory;
import dev.runpilot.sdk.spi.StorageBackendFactory;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the factories of the three SPIs through {@link ServiceLoader} and picks one by name, URI
 * scheme or priority. A factory that fails to load is logged and skipped; two factories for one
 * name, or none, is an error that says what to do. One registry per client: nothing is cached in
 * statics.
 */
public final class ProviderRegistry {
    private static final Logger log = LoggerFactory.getLogger(ProviderRegistry.class);
    private static final Map<String, String> MODULE_FOR = Map.of(
            "docker", "dev.runpilot:runpilot-docker",
            "podman", "dev.runpilot:runpilot-docker",
            "ec2", "dev.runpilot:runpilot-aws",
            "s3", "dev.runpilot:runpilot-aws",
            "gs", "dev.runpilot:runpilot-gcp",
            "az", "dev.runpilot:runpilot-azure",
            "mem", "dev.runpilot:runpilot-sdk-testing");

    /** The runtime name that asks for the automatic choice, as if no name were given. */
    public static final String AUTO = "auto";

    private final ClassLoader classLoader;

    public ProviderRegistry(ClassLoader classLoader) {
        this.classLoader = classLoader;
    }

    public StorageBackendFactory storage(String scheme) {
        return byName(load(StorageBackendFactory.class), StorageBackendFactory::scheme, scheme.toLowerCase(Locale.ROOT),
                "storage backend for URI scheme", "storage(StorageBackend)");
    }

    public ComputeProviderFactory compute(String name) {
        if (name != null) {
            return byName(load(ComputeProviderFactory.class), ComputeProviderFactory::name, name, "compute provider",
                    "compute(ComputeProvider)");
        }
        return highestPriority(load(ComputeProviderFactory.class), ComputeProviderFactory::name,
                ComputeProviderFactory::priority, f -> "", "compute provider");
    }

    /**
     * Returns the runtime factory with this name; {@code null} or {@value #AUTO} picks the available one with the
     * highest priority (docker when an engine answers, else process). An automatic choice is logged once at INFO.
     */
    public ContainerRuntimeFactory runtime(String name) {
        if (name != null && !name.equalsIgnoreCase(AUTO)) {
            return byName(load(ContainerRuntimeFactory.class), ContainerRuntimeFactory::name, name, "container runtime",
                    "runtime(ContainerRuntime)");
        }
        List<ContainerRuntimeFactory> factories = load(ContainerRuntimeFactory.class);
        ContainerRuntimeFactory chosen = highestPriority(factories, ContainerRuntimeFactory::name,
                ContainerRuntimeFactory::priority, ContainerRuntimeFactory::unavailableReason, "container runtime");
        if (name != null && factories.size() == 1) {
            // highestPriority only logs a choice between several; "auto" asked for one, so it is told which.
            log.info("Using container runtime '{}' (auto)", chosen.name());
        }
        return chosen;
    }

    /** Loads every factory of a type, logging and skipping those that fail to load. */
    <F> List<F> load(Class<F> type) {
        List<F> found = new ArrayList<>();
        Iterator<F> it = ServiceLoader.load(type, classLoader).iterator();
        while (true) {
            try {
                if (!it.hasNext()) {
                    break;
                }
                found.add(it.next());
            } catch (ServiceConfigurationError | LinkageError e) {
                log.warn("Skipping a {} that failed to load: {}", type.getSimpleName(), e.getMessage());
            }
        }
        return found;
    }

    static <F> F byName(List<F> factories, Function<F, String> nameOf, String name, String kind, String builderMethod) {
        List<F> matches = factories.stream().filter(f -> nameOf.apply(f).equalsIgnoreCase(name)).toList();
        if (matches.size() == 1) {
            return matches.get(0);
        }
        if (matches.isEmpty()) {
            String found = factories.stream().map(nameOf).sorted().distinct().collect(Collectors.joining(", "));
            String module = MODULE_FOR.get(name.toLowerCase(Locale.ROOT));
            throw new ProviderException("No " + kind + " '" + name + "' on the class path (found: "
                    + (found.isEmpty() ? "none" : found) + "). "
                    + (module != null ? "Add the dependency " + module + "." : "Add the jar that provides it, or check the spelling."));
        }
        String classes = matches.stream().map(f -> f.getClass().getName()).collect(Collectors.joining(", "));
        throw new ProviderException("Two or more " + kind + "s answer to '" + name + "': " + classes
                + ". Remove the extra jar from the class path, or pass an instance to RunPilot.client()." + builderMethod + ".");
    }

    static <F> F highestPriority(List<F> factories, Function<F, String> nameOf, java.util.function.ToIntFunction<F> priorityOf,
                                 Function<F, String> unavailableReason, String kind) {
        List<String> skipped = new ArrayList<>();
        List<F> available = new ArrayList<>();
        for (F factory : factories) {
            String reason = unavailableReason.apply(factory);
            if (reason.isEmpty()) {
                available.add(factory);
            } else {
                skipped.add(nameOf.apply(factory) + " (" + reason + ")");
            }
        }
        available.sort(Comparator.comparingInt(priorityOf).reversed().thenComparing(nameOf));
        if (available.isEmpty()) {
            throw new ProviderException("No " + kind + " is available" + (skipped.isEmpty() ? "" : ": " + String.join("; ", skipped))
                    + ". dev.runpilot:runpilot-sdk provides 'local' compute and the 'process' runtime; check that it is on the class path.");
        }
        F chosen = available.get(0);
        if (available.size() > 1 && priorityOf.applyAsInt(available.get(1)) == priorityOf.applyAsInt(chosen)
                && nameOf.apply(available.get(1)).equalsIgnoreCase(nameOf.apply(chosen))) {
            return byName(available, nameOf, nameOf.apply(chosen), kind, kind.contains("runtime") ? "runtime(ContainerRuntime)"
                    : "compute(ComputeProvider)");
        }
        if (factories.size() > 1) {
            log.info("Using {} '{}'{}", kind, nameOf.apply(chosen), skipped.isEmpty() ? "" : "; passed over " + String.join("; ", skipped));
        }
        return chosen;
    }
}
