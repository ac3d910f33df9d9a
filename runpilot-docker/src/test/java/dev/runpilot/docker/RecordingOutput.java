package dev.runpilot.docker;

import dev.runpilot.sdk.LogStream;
import dev.runpilot.sdk.spi.OutputListener;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** An {@link OutputListener} that keeps every line and metric it receives, for assertions. */
public final class RecordingOutput implements OutputListener {
    /** One received line. */
    public record Line(LogStream stream, String text) {
    }

    /** One received metric. */
    public record Metric(String name, double value) {
    }

    private final List<Line> lines = new CopyOnWriteArrayList<>();
    private final List<Metric> metrics = new CopyOnWriteArrayList<>();

    @Override
    public void onLine(LogStream stream, String line) {
        lines.add(new Line(stream, line));
    }

    @Override
    public void onMetric(String name, double value) {
        metrics.add(new Metric(name, value));
    }

    public List<Line> lines() {
        return List.copyOf(lines);
    }

    public List<String> lines(LogStream stream) {
        return lines.stream().filter(l -> l.stream() == stream).map(Line::text).toList();
    }

    public List<Metric> metrics() {
        return List.copyOf(metrics);
    }

    public List<Double> metric(String name) {
        return metrics.stream().filter(m -> m.name().equals(name)).map(Metric::value).toList();
    }
}
