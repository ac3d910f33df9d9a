package dev.runpilot.cli;

import dev.runpilot.sdk.Attempt;
import dev.runpilot.sdk.Job;
import dev.runpilot.sdk.Run;
import dev.runpilot.sdk.RunEvent;
import dev.runpilot.sdk.RunInfo;
import dev.runpilot.sdk.RunPilotClient;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code runpilot show}: everything about one run: its job, status, attempts, events and final metrics. */
@Command(name = "show", description = "Show one run: its job, status, attempts, status changes and final metrics.")
final class ShowCommand extends BaseCommand {
    @Parameters(paramLabel = "RUN_ID", description = "The run id.")
    String runId;

    @Override
    public Integer call() {
        Output output = output();
        try (RunPilotClient client = root().openClient(0, false)) {
            Run run = client.run(runId);
            RunInfo info = run.info();
            Job job = run.job();
            List<Attempt> attempts = run.attempts();
            List<RunEvent> events = run.events();
            Map<String, Double> metrics = run.metrics().finalValues();

            Map<String, Object> view = new LinkedHashMap<>(Views.run(info));
            view.put("job", Views.job(job));
            view.put("attemptList", attempts.stream().map(Views::attempt).toList());
            view.put("events", events.stream().map(Views::event).toList());
            view.put("metrics", metrics);
            output.print(view, () -> printText(output, info, job, attempts, events, metrics));
            return ExitCodes.OK;
        }
    }

    private static void printText(Output output, RunInfo info, Job job, List<Attempt> attempts, List<RunEvent> events,
                                  Map<String, Double> metrics) {
        PrintWriter out = output.out();
        out.println("Run       " + info.id());
        out.println("Name      " + info.name());
        out.println("Status    " + output.status(info.status())
                + info.reason().map(r -> " (" + r.wireName() + ")").orElse("")
                + (info.message().isEmpty() ? "" : ": " + info.message()));
        info.exitCode().ifPresent(code -> out.println("Exit code " + code));
        out.println("Created   " + Views.localTime(info.createdAt()));
        info.startedAt().ifPresent(t -> out.println("Started   " + Views.localTime(t)));
        info.finishedAt().ifPresent(t -> out.println("Finished  " + Views.localTime(t)));
        Views.elapsed(info).ifPresent(d -> out.println("Duration  " + Views.duration(d)));
        if (!info.labels().isEmpty()) {
            out.println("Labels    " + info.labels());
        }
        job.image().ifPresent(image -> out.println("Image     " + image));
        if (!job.command().isEmpty()) {
            out.println("Command   " + String.join(" ", job.command()));
        }
        job.entrypoint().ifPresent(line -> out.println("Entry     " + line));
        job.source().ifPresent(source -> out.println("Source    " + source));
        if (!attempts.isEmpty()) {
            out.println();
            Output.Table table = output.table("ATTEMPT", "AGENT", "STARTED", "EXIT", "REASON", "MESSAGE");
            for (Attempt attempt : attempts) {
                table.row(attempt.number(), attempt.agentId(), Views.localTime(attempt.startedAt()),
                        attempt.exitCode().isPresent() ? attempt.exitCode().getAsInt() : "",
                        attempt.reason().map(r -> r.wireName()).orElse(""), attempt.message());
            }
            table.print();
        }
        if (!events.isEmpty()) {
            out.println();
            Output.Table table = output.table("TIME", "FROM", "TO", "MESSAGE");
            for (RunEvent event : events) {
                table.row(Views.localTime(event.time()), event.from().map(Enum::name).orElse(""),
                        event.to().name(), event.message());
            }
            table.print();
        }
        if (!metrics.isEmpty()) {
            out.println();
            Output.Table table = output.table("METRIC", "FINAL");
            metrics.forEach((name, value) -> table.row(name, MetricsCommand.number(value)));
            table.print();
        }
        out.flush();
    }
}
