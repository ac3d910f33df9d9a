package dev.runpilot.sdk;

import java.util.Objects;
import java.util.Optional;

/**
 * The GPUs a job asks for: a count and, optionally, a type such as {@code a100}.
 *
 * @param count the number of GPUs, at least 1
 * @param type the GPU type, empty for any
 */
public record GpuRequest(int count, Optional<String> type) {
    /**
     * Checks the values.
     *
     * @throws IllegalArgumentException if count is below 1
     */
    public GpuRequest {
        if (count < 1) {
            throw new IllegalArgumentException("GPU count must be at least 1, was " + count);
        }
        Objects.requireNonNull(type, "type");
    }

    /**
     * Returns a request for {@code count} GPUs of any type.
     *
     * @param count the number of GPUs
     * @return the request
     */
    public static GpuRequest of(int count) {
        return new GpuRequest(count, Optional.empty());
    }
}
