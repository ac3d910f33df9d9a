package dev.runpilot.sdk;

/**
 * The compute a job asks for: CPUs, memory and a process count limit. Zero means unspecified.
 *
 * @param cpus the number of CPUs, fractions allowed
 * @param memoryBytes the memory in bytes
 * @param pids the most processes the job may run at once
 */
public record Resources(double cpus, long memoryBytes, long pids) {
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
        if (pids < 0) {
            throw new IllegalArgumentException("pids must not be negative, was " + pids);
        }
    }

    /**
     * Returns a request for CPUs and memory with no process limit.
     *
     * @param cpus the number of CPUs, 0 for unspecified
     * @param memoryBytes the memory in bytes, 0 for unspecified
     * @return the request
     */
    public static Resources of(double cpus, long memoryBytes) {
        return new Resources(cpus, memoryBytes, 0);
    }
}
