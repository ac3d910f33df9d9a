package dev.runpilot.cli;

import dev.runpilot.sdk.MetricPoint;
import dev.runpilot.sdk.Run;
import dev.runpilot.sdk.RunMetrics;
import dev.runpilot.sdk.RunPilotClient;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code runpilot metrics}: a run's metrics: the last value of each, or whole series. */
@Command(name = "metrics", description = "Show a run's metrics: the last value of each, or with --series every point.")
final class MetricsCommand extends BaseCommand {
    @Parameters(paramLabel = "RUN_ID", description = "The run id.")
    String runId;

    @Option(names = "--series", paramLabel = "NAME", split = ",",
            description = "Print every point of these metrics; repeatable or comma-separated.")
    List<String> series = new ArrayList<>();

    @Option(names = "--all", description = "Print every point of every metric.")
    boolean all;

    @Override
    public Integer call() {
        Output output = output();
        try (RunPilotClient client = root().openClient(0, false)) {
            Run run = client.run(runId);
            RunMetrics metrics = run.metrics();
            Map<String, Double> last = new TreeMap<>(metrics.finalValues());
            List<String> names = all ? new ArrayList<>(new java.util.TreeSet<>(metrics.names())) : series;
            for (String name : names) {
                if (!metrics.names().contains(name)) {
                    throw new ExitCodes.NotFoundException("Run " + runId + " has no metric '" + name + "'; it has "
                            + (metrics.names().isEmpty() ? "none" : String.join(", ", new java.util.TreeSet<>(metrics.names()))));
                }
            }
            Map<String, List<MetricPoint>> points = new LinkedHashMap<>();
            names.forEach(name -> points.put(name, metrics.series(name)));

            Map<String, Object> view = new LinkedHashMap<>();
            view.put("id", runId);
            view.put("last", last);
            Map<String, Object> seriesView = new LinkedHashMap<>();
            points.forEach((name, list) -> seriesView.put(name, list.stream().map(Views::metricPoint).toList()));
            view.put("series", seriesView);
            output.print(view, () -> {
                if (points.isEmpty()) {
                    if (last.isEmpty()) {
                        output.hint("Run " + runId + " has reported no metrics (lines such as: METRIC loss=0.5).");
                        return;
                    }
                    Output.Table table = output.table("METRIC", "LAST");
                    last.forEach((name, value) -> table.row(name, number(value)));
                    table.print();
                } else {
                    Output.Table table = output.table("METRIC", "STEP", "VALUE", "ATTEMPT");
                    points.forEach((name, list) -> list.forEach(p -> table.row(name, p.step(), number(p.value()), p.attempt())));
                    table.print();
                }
            });
            return ExitCodes.OK;
        }
    }

    /** A metric value for people: integers without a fraction, others with up to 6 significant digits. */
    static String number(double value) {
        if (value == Math.rint(value) && Math.abs(value) < 1e15) {
            return Long.toString((long) value);
        }
        return String.format(Locale.ROOT, "%.6g", value).replaceAll("(\\.\\d*?)0+($|e)", "$1$2").replace(".e", "e")
                .replaceAll("\\.$", "");
    }
}
