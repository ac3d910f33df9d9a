package dev.runpilot.sdk;

import java.util.Objects;

/**
 * A host path or named volume mounted into a job's container.
 *
 * @param source a host path or a volume name
 * @param target the path inside the container
 * @param readOnly whether the job may only read it
 */
public record Volume(String source, String target, boolean readOnly) {
    /** Checks the values. */
    public Volume {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(target, "target");
    }
}
