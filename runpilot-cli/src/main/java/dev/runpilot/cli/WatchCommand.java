package dev.runpilot.cli;

import dev.runpilot.sdk.LogLine;
import dev.runpilot.sdk.Run;
import dev.runpilot.sdk.RunInfo;
import dev.runpilot.sdk.RunPilotClient;
import dev.runpilot.sdk.RunStatus;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code runpilot watch}: follows a run live until it ends. On a terminal it redraws one screen (status line,
 * metrics, the tail of the log); otherwise it prints plain lines as things change (JSON lines with
 * {@code -o json}). Exits like {@code run}: 0, the job's own exit code, or 1.
 */
@Command(name = "watch", description = {"Follow a run live until it ends: status, metrics and the tail of its log.",
        "Redraws on a terminal; prints one line per change otherwise. Exits like run."})
final class WatchCommand extends BaseCommand {
    @Parameters(paramLabel = "RUN_ID", description = "The run id.")
    String runId;

    @Option(names = {"-n", "--lines"}, paramLabel = "N", defaultValue = "15",
            description = "Log lines to show on a terminal. Default: ${DEFAULT-VALUE}.")
    int lines;

    @Option(names = "--interval", paramLabel = "DURATION", defaultValue = "500ms",
            converter = IntervalConverter.class, description = "How often to look for changes. Default: ${DEFAULT-VALUE}.")
    Duration interval;

    private final Deque<LogLine> tail = new ArrayDeque<>();

    @Override
    public Integer call() {
        Output output = output();
        boolean redraw = Terminal.isInteractive() && !output.isStructured();
        Thread follower = null;
        try (RunPilotClient client = root().openClient(0, false)) {
            Run run = client.run(runId);
            // Status changes arrive on the run's event stream and wake the loop at once; logs and
            // metrics are read when woken, or every interval at the latest.
            Semaphore changed = new Semaphore(0);
            follower = new Thread(() -> {
                try {
                    run.followEvents(event -> changed.release());
                } catch (RuntimeException e) {
                    // Watching goes on by interval alone.
                }
            }, "runpilot-watch-events");
            follower.setDaemon(true);
            follower.start();
            long after = 0;
            RunStatus lastStatus = null;
            Map<String, Double> lastMetrics = Map.of();
            while (true) {
                RunInfo info = run.info();
                List<LogLine> fresh = run.logs().read(after, 1000);
                Map<String, Double> metrics = new TreeMap<>(run.metrics().finalValues());
                if (!fresh.isEmpty()) {
                    after = fresh.get(fresh.size() - 1).sequence();
                }
                if (redraw) {
                    remember(fresh);
                    draw(output, info, metrics);
                } else {
                    printChanges(output, info, lastStatus, fresh, metrics, lastMetrics);
                }
                lastStatus = info.status();
                lastMetrics = metrics;
                if (info.status().isTerminal()) {
                    // Lines written just before the end are read once more, after the terminal status was seen.
                    List<LogLine> rest = run.logs().read(after, 1000);
                    if (!rest.isEmpty()) {
                        if (redraw) {
                            remember(rest);
                            draw(output, info, metrics);
                        } else {
                            printChanges(output, info, lastStatus, rest, metrics, lastMetrics);
                        }
                    }
                    return exitCode(info);
                }
                awaitChange(changed);
            }
        } finally {
            if (follower != null) {
                follower.interrupt();
            }
        }
    }

    private void awaitChange(Semaphore changed) {
        try {
            if (changed.tryAcquire(interval.toMillis(), TimeUnit.MILLISECONDS)) {
                changed.drainPermits();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new dev.runpilot.sdk.RunPilotException("Interrupted while watching run " + runId, e);
        }
    }

    static int exitCode(RunInfo info) {
        return RunCommand.exitCode(info.status(), info.reason(), info.exitCode());
    }

    private void remember(List<LogLine> fresh) {
        for (LogLine line : fresh) {
            tail.addLast(line);
            while (tail.size() > Math.max(1, lines)) {
                tail.removeFirst();
            }
        }
    }

    private void draw(Output output, RunInfo info, Map<String, Double> metrics) {
        PrintWriter out = output.out();
        StringBuilder screen = new StringBuilder("\u001b[H\u001b[2J");
        screen.append("Run ").append(info.id()).append("  ").append(info.name()).append('\n');
        screen.append("Status ").append(output.status(info.status()))
                .append("  attempt ").append(Math.max(1, info.attempts()))
                .append(Views.elapsed(info).map(d -> "  elapsed " + Views.duration(d)).orElse(""))
                .append(info.exitCode().isPresent() ? "  exit code " + info.exitCode().getAsInt() : "")
                .append(info.message().isEmpty() || info.status() == RunStatus.SUCCEEDED ? "" : "  " + info.message())
                .append('\n');
        screen.append("Metrics ").append(metrics.isEmpty() ? "none yet" : metricsLine(metrics)).append('\n');
        screen.append("-".repeat(60)).append('\n');
        for (LogLine line : tail) {
            screen.append(line.text()).append('\n');
        }
        if (!info.status().isTerminal()) {
            screen.append("-".repeat(60)).append("\nCtrl-C stops watching; the run goes on (runpilot cancel ")
                    .append(info.id()).append(" stops it)\n");
        }
        out.print(screen);
        out.flush();
    }

    private static void printChanges(Output output, RunInfo info, RunStatus lastStatus, List<LogLine> fresh,
                                     Map<String, Double> metrics, Map<String, Double> lastMetrics) {
        if (output.isStructured()) {
            if (info.status() != lastStatus) {
                output.printLine(Map.of("type", "status", "run", Views.run(info)));
            }
            for (LogLine line : fresh) {
                Map<String, Object> event = new LinkedHashMap<>();
                event.put("type", "log");
                event.put("line", Views.logLine(line));
                output.printLine(event);
            }
            if (!Objects.equals(metrics, lastMetrics)) {
                output.printLine(Map.of("type", "metrics", "last", metrics));
            }
            return;
        }
        PrintWriter out = output.out();
        if (info.status() != lastStatus) {
            out.println("[status] " + info.status()
                    + (info.exitCode().isPresent() ? " exit code " + info.exitCode().getAsInt() : "")
                    + (info.message().isEmpty() ? "" : ": " + info.message()));
        }
        for (LogLine line : fresh) {
            out.println(line.text());
        }
        if (!Objects.equals(metrics, lastMetrics)) {
            out.println("[metrics] " + metricsLine(metrics));
        }
        out.flush();
    }

    private static String metricsLine(Map<String, Double> metrics) {
        return metrics.entrySet().stream().map(e -> e.getKey() + "=" + MetricsCommand.number(e.getValue()))
                .collect(Collectors.joining("  "));
    }

    /** Reads 500ms, 2s or ISO-8601 intervals. */
    static final class IntervalConverter implements picocli.CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            if (value.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(value.substring(0, value.length() - 2)));
            }
            return new JobOptions.DurationConverter().convert(value);
        }
    }
}
