package dev.runpilot.benchmarks;

import java.util.Arrays;

/** Percentiles of a set of durations measured in nanoseconds, reported in milliseconds. */
final class LatencyStats {
    private final long[] sorted;

    LatencyStats(long[] nanos) {
        if (nanos.length == 0) {
            throw new IllegalArgumentException("no samples");
        }
        this.sorted = nanos.clone();
        Arrays.sort(sorted);
    }

    /** The nearest-rank percentile {@code p} (0 to 100), in milliseconds. */
    double percentileMillis(double p) {
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))] / 1e6;
    }

    double p50() {
        return percentileMillis(50);
    }

    double p99() {
        return percentileMillis(99);
    }

    double maxMillis() {
        return sorted[sorted.length - 1] / 1e6;
    }

    double meanMillis() {
        return Arrays.stream(sorted).average().orElseThrow() / 1e6;
    }

    int count() {
        return sorted.length;
    }
}
