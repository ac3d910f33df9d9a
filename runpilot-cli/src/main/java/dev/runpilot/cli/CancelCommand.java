package dev.runpilot.cli;

import dev.runpilot.sdk.CancelOutcome;
import dev.runpilot.sdk.Run;
import dev.runpilot.sdk.RunPilotClient;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code runpilot cancel}: cancels a run at whatever stage it is. */
@Command(name = "cancel", description = {"Cancel a run at whatever stage it is.",
        "A queued run never starts; a running one gets SIGTERM, its grace period, then SIGKILL."})
final class CancelCommand extends BaseCommand {
    @Parameters(paramLabel = "RUN_ID", description = "The run id.")
    String runId;

    @Override
    public Integer call() {
        Output output = output();
        try (RunPilotClient client = root().openClient(0, false)) {
            Run run = client.run(runId);
            CancelOutcome outcome = run.cancel();
            Map<String, Object> view = new LinkedHashMap<>();
            view.put("id", runId);
            view.put("outcome", outcome.name());
            view.put("status", run.status().name());
            output.print(view, () -> output.out().println(switch (outcome) {
                case CANCELLED -> "Run " + runId + " cancelled";
                case CANCELLING -> "Run " + runId + " is being cancelled (its agent stops it)";
                case ALREADY_FINISHED -> "Run " + runId + " had already finished (" + run.status() + ")";
            }));
            return ExitCodes.OK;
        }
    }
}
