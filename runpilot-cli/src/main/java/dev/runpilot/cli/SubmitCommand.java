package dev.runpilot.cli;

import dev.runpilot.sdk.Job;
import dev.runpilot.sdk.Run;
import dev.runpilot.sdk.RunPilotClient;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code runpilot submit}: submits a job and prints its run id without waiting. On the embedded control
 * plane the run stays queued until an engine with workers opens the same home ({@code runpilot run}, or an
 * application using the SDK).
 */
@Command(name = "submit", sortOptions = false,
        description = {"Submit a job without waiting and print its run id.",
                "On the embedded control plane the run waits in the queue until an engine on the same home"
                        + " (runpilot run, or an application with workers) takes it."},
        footer = {"", "Examples:", "  id=$(runpilot submit -q -- ./nightly.sh)", "  runpilot submit -f runpilot.yaml -o json"})
final class SubmitCommand extends BaseCommand {
    @Mixin
    JobOptions job;

    @Override
    public Integer call() {
        Job definition = job.toJob(spec.commandLine());
        Output output = output();
        try (RunPilotClient client = root().openClient(0, true, true)) {
            Run run = client.submit(definition);
            Map<String, Object> view = new LinkedHashMap<>();
            view.put("id", run.id());
            view.put("name", definition.name());
            view.put("status", run.status().name());
            output.print(view, () -> output.out().println(run.id()));
            output.hint("Follow it with: runpilot watch " + run.id());
            return ExitCodes.OK;
        }
    }
}
