package dev.runpilot.cli;

import dev.runpilot.sdk.LogLine;
import dev.runpilot.sdk.Run;
import dev.runpilot.sdk.RunPilotClient;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code runpilot logs}: prints a run's log. With {@code -f} it keeps printing until the run ends. With
 * {@code -o json} it prints one JSON array, or with {@code -f} one JSON object per line.
 */
@Command(name = "logs", description = "Print a run's log; -f follows it until the run ends.")
final class LogsCommand extends BaseCommand {
    @Parameters(paramLabel = "RUN_ID", description = "The run id.")
    String runId;

    @Option(names = {"-f", "--follow"}, description = "Keep printing new lines until the run ends.")
    boolean follow;

    @Option(names = {"-n", "--tail"}, paramLabel = "N", description = "Only the last N lines (then follow, with -f).")
    Integer tail;

    @Override
    public Integer call() {
        if (tail != null && tail < 1) {
            throw usage("--tail must be at least 1, was " + tail);
        }
        Output output = output();
        try (RunPilotClient client = root().openClient(0, false)) {
            Run run = client.run(runId);
            List<LogLine> lines = tail != null ? run.logs().tail(tail) : follow ? List.of() : run.logs().read();
            if (!follow) {
                output.print(lines.stream().map(Views::logLine).toList(), () -> lines.forEach(line -> print(output, line)));
                return ExitCodes.OK;
            }
            lines.forEach(line -> print(output, line));
            long after = lines.isEmpty() ? 0 : lines.get(lines.size() - 1).sequence();
            run.logs().follow(after, line -> print(output, line));
            return ExitCodes.OK;
        }
    }

    private static void print(Output output, LogLine line) {
        if (output.isStructured()) {
            output.printLine(Views.logLine(line));
        } else {
            RunCommand.printLine(line, output.out(), output.err());
        }
    }
}
