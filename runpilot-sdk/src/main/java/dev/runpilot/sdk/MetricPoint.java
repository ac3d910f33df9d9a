package dev.runpilot.sdk;

import java.time.Instant;
import java.util.Objects;

/**
 * One value of a metric series, parsed from a {@code METRIC} line the job printed.
 *
 * @param name the metric name, such as {@code loss}
 * @param step the step it belongs to: given by the job, or numbered in order from 0
 * @param value the value
 * @param time when the line was read
 * @param attempt the attempt that printed it
 */
public record MetricPoint(String name, long step, double value, Instant time, int attempt) {
    /** Checks the values. */
    public MetricPoint {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(time, "time");
    }
}
