package dev.runpilot.sdk;

/**
 * The compute a job asks for: CPUs and memory.
 *
 * @param cpus the number of CPUs, fractions allowed; 0 means unspecified
 * @param memoryBytes the memory in bytes; 0 means unspecified
 */
public record Resources(double cpus, long memoryBytes) {
    /**
     * Checks the values.
     *
     * @throws IllegalArgumentException if a value is negative
     */
    public Resources {
        if (!(cpus >= 0) || Double.isInfinite(cpus)) {
            throw new IllegalArgumentException("cpus must be zero or a positive number, was " + cpus);
        }
        if (memoryBytes < 0) {
            throw new IllegalArgumentException("memoryBytes must not be negative, was " + memoryBytes);
        }
    }
}
