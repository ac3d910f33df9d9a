package dev.runpilot.sdk;

import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Set;

/**
 * The metrics of one run, parsed from the {@code METRIC} lines its job printed.
 *
 * <p>Two line forms are understood: {@code METRIC {"step": 3, "loss": 0.81, "accuracy": 0.64}}
 * (JSON; {@code step} optional) and {@code METRIC loss=0.81 accuracy=0.64}. Values without a step are
 * numbered in order per metric, from 0.
 */
public interface RunMetrics {
    /**
     * Returns the names of every metric recorded so far.
     *
     * @return the names, sorted
     */
    Set<String> names();

    /**
     * Returns one metric's values in the order they were recorded.
     *
     * @param name the metric name
     * @return the series; empty for an unknown name
     */
    List<MetricPoint> series(String name);

    /**
     * Returns the last value of a metric.
     *
     * @param name the metric name
     * @return the last value, or empty if none was recorded
     */
    OptionalDouble last(String name);

    /**
     * Returns the last value of every metric.
     *
     * @return values by metric name, sorted by name
     */
    Map<String, Double> finalValues();
}
