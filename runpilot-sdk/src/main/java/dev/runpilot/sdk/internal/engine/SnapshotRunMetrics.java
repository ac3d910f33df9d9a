package dev.runpilot.sdk.internal.engine;

import dev.runpilot.sdk.MetricPoint;
import dev.runpilot.sdk.RunMetrics;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.TreeMap;

/** The metrics of a run as they were when {@code Run.metrics()} was called. */
public final class SnapshotRunMetrics implements RunMetrics {
    private final Map<String, List<MetricPoint>> series;

    public SnapshotRunMetrics(List<MetricPoint> points) {
        Map<String, List<MetricPoint>> byName = new TreeMap<>();
        for (MetricPoint point : points) {
            byName.computeIfAbsent(point.name(), n -> new ArrayList<>()).add(point);
        }
        Map<String, List<MetricPoint>> frozen = new LinkedHashMap<>();
        byName.forEach((name, list) -> frozen.put(name, List.copyOf(list)));
        this.series = Collections.unmodifiableMap(frozen);
    }

    @Override
    public Set<String> names() {
        return series.keySet();
    }

    @Override
    public List<MetricPoint> series(String name) {
        return series.getOrDefault(name, List.of());
    }

    @Override
    public OptionalDouble last(String name) {
        List<MetricPoint> points = series(name);
        return points.isEmpty() ? OptionalDouble.empty() : OptionalDouble.of(points.get(points.size() - 1).value());
    }

    @Override
    public Map<String, Double> finalValues() {
        Map<String, Double> result = new TreeMap<>();
        series.forEach((name, points) -> result.put(name, points.get(points.size() - 1).value()));
        return Collections.unmodifiableMap(result);
    }

    @Override
    public String toString() {
        return "RunMetrics" + finalValues();
    }
}
