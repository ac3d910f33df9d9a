package dev.runpilot.sdk.internal.agent;

import dev.runpilot.sdk.LogLine;
import dev.runpilot.sdk.LogStream;
import dev.runpilot.sdk.MetricPoint;
import dev.runpilot.sdk.spi.OutputListener;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * Collects one attempt's output: masks secrets, stamps and numbers each line, parses METRIC lines,
 * and writes what it gathered to the store in batches when {@link #flush()} is called.
 */
final class AttemptOutput implements OutputListener {
    private final String runId;
    private final int attempt;
    private final AgentPlane store;
    private final SecretMasker masker;
    private final MetricLineParser metrics;
    private final Clock clock;
    private long sequence;
    private List<LogLine> lines = new ArrayList<>();
    private List<MetricPoint> points = new ArrayList<>();

    AttemptOutput(String runId, int attempt, AgentPlane store, SecretMasker masker, Clock clock) {
        this.runId = runId;
        this.attempt = attempt;
        this.store = store;
        this.masker = masker;
        this.metrics = new MetricLineParser(attempt);
        this.clock = clock;
        this.sequence = store.lastLogSequence(runId);
    }

    @Override
    public synchronized void onLine(LogStream stream, String text) {
        String masked = masker.mask(text);
        LogLine line = new LogLine(++sequence, attempt, clock.instant(), stream, masked);
        lines.add(line);
        if (stream != LogStream.SYSTEM) {
            points.addAll(metrics.parse(masked, line.time()));
        }
    }

    @Override
    public synchronized void onMetric(String name, double value) {
        if (Double.isFinite(value)) {
            points.add(metrics.next(name, value, clock.instant()));
        }
    }

    /** Adds a line of RunPilot's own. */
    void system(String text) {
        onLine(LogStream.SYSTEM, text);
    }

    /** Writes what was gathered since the last flush. */
    void flush() {
        List<LogLine> batchLines;
        List<MetricPoint> batchPoints;
        synchronized (this) {
            if (lines.isEmpty() && points.isEmpty()) {
                return;
            }
            batchLines = lines;
            batchPoints = points;
            lines = new ArrayList<>();
            points = new ArrayList<>();
        }
        store.append(runId, batchLines, batchPoints);
    }
}
