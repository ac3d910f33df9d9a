package dev.runpilot.sdk.agent;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * An agent registered with a RunPilot server, as {@link dev.runpilot.sdk.RunPilotClient#agents()}
 * lists it: who it is, what it offers, when it was last heard from, and what it runs now.
 *
 * @param id the agent's id, unique per registration, such as {@code agent-gpu-7-1a2b3c4d5e6f}
 * @param host the host name it registered with
 * @param labels its labels, sorted by key; {@code resource-class} routes runs to it
 * @param slots how many runs it runs at once
 * @param cpus the CPU cores it reported, 0 if it reported none
 * @param memoryBytes the memory it reported, 0 if it reported none
 * @param gpus the GPUs it reported, empty if none
 * @param registeredAt when it registered
 * @param lastSeenAt when it last claimed or sent a heartbeat
 * @param online whether the server heard from it recently (within three lease durations)
 * @param runIds the runs it holds now (assigned, running or cancelling), sorted
 * @since 0.2.0
 */
public record AgentInfo(String id, String host, Map<String, String> labels, int slots, double cpus, long memoryBytes,
                        List<Gpu> gpus, Instant registeredAt, Instant lastSeenAt, boolean online, List<String> runIds) {
    /** The label that names the resource class an agent serves. */
    public static final String RESOURCE_CLASS_LABEL = "resource-class";

    /**
     * One GPU an agent reported.
     *
     * @param name the model, such as {@code NVIDIA A100-SXM4-80GB}
     * @param memoryMiB its memory in MiB, 0 if unknown
     * @since 0.2.0
     */
    public record Gpu(String name, long memoryMiB) {
        /** Checks the values. */
        public Gpu {
            Objects.requireNonNull(name, "name");
        }
    }

    /** Checks the values and copies the collections. */
    public AgentInfo {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(host, "host");
        labels = java.util.Collections.unmodifiableMap(new TreeMap<>(Objects.requireNonNull(labels, "labels")));
        gpus = List.copyOf(gpus);
        Objects.requireNonNull(registeredAt, "registeredAt");
        Objects.requireNonNull(lastSeenAt, "lastSeenAt");
        runIds = List.copyOf(runIds).stream().sorted().toList();
    }

    /**
     * Returns the resource class the agent serves: its {@value #RESOURCE_CLASS_LABEL} label.
     *
     * @return the resource class, or empty if the agent takes only runs without one
     */
    public Optional<String> resourceClass() {
        return Optional.ofNullable(labels.get(RESOURCE_CLASS_LABEL));
    }
}
