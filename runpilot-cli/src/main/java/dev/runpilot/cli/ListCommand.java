package dev.runpilot.cli;

import dev.runpilot.sdk.RunInfo;
import dev.runpilot.sdk.RunPage;
import dev.runpilot.sdk.RunPilotClient;
import dev.runpilot.sdk.RunQuery;
import dev.runpilot.sdk.RunStatus;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code runpilot list}: lists runs, newest first, with filters and paging. */
@Command(name = "list", aliases = "ls", sortOptions = false,
        description = "List runs, newest first.",
        footer = {"", "Examples:", "  runpilot list --status running --status queued",
                "  runpilot list --label team=ml --limit 100 -o json",
                "  runpilot list --page-token TOKEN     (the token the previous page printed)"})
final class ListCommand extends BaseCommand {
    @Option(names = "--status", paramLabel = "STATUS", split = ",",
            description = "Only runs in this status (${COMPLETION-CANDIDATES}); repeatable or comma-separated.")
    List<RunStatus> statuses = new ArrayList<>();

    @Option(names = "--name", paramLabel = "NAME", description = "Only runs with exactly this name.")
    String name;

    @Option(names = {"-l", "--label"}, paramLabel = "KEY=VALUE", description = "Only runs with this label; repeatable.")
    Map<String, String> labels = new LinkedHashMap<>();

    @Option(names = "--limit", paramLabel = "N", defaultValue = "20",
            description = "Runs per page, 1 to " + RunQuery.MAX_LIMIT + ". Default: ${DEFAULT-VALUE}.")
    int limit;

    @Option(names = "--page-token", paramLabel = "TOKEN", description = "Continue after a previous page.")
    String pageToken;

    @Override
    public Integer call() {
        if (limit < 1 || limit > RunQuery.MAX_LIMIT) {
            throw usage("--limit must be between 1 and " + RunQuery.MAX_LIMIT + ", was " + limit);
        }
        RunQuery.Builder query = RunQuery.builder().limit(limit);
        statuses.forEach(query::status);
        if (name != null) {
            query.name(name);
        }
        labels.forEach(query::label);
        if (pageToken != null) {
            query.pageToken(pageToken);
        }
        Output output = output();
        try (RunPilotClient client = root().openClient(0, false)) {
            RunPage page = client.list(query.build());
            Map<String, Object> view = new LinkedHashMap<>();
            view.put("runs", page.runs().stream().map(Views::run).toList());
            view.put("nextPageToken", page.nextPageToken().orElse(null));
            output.print(view, () -> {
                if (page.runs().isEmpty()) {
                    output.hint("No runs match.");
                } else {
                    printRuns(output, page.runs());
                }
                page.nextPageToken().ifPresent(token -> output.hint("More: runpilot list --page-token " + token));
            });
            return ExitCodes.OK;
        }
    }

    /** Prints runs as a table: id, name, status, exit code, created, duration. */
    static void printRuns(Output output, List<RunInfo> runs) {
        Output.Table table = output.table("ID", "NAME", "STATUS", "EXIT", "CREATED", "DURATION");
        for (RunInfo run : runs) {
            table.row(run.id(), abbreviate(run.name(), 40), output.status(run.status()),
                    run.exitCode().isPresent() ? run.exitCode().getAsInt() : "",
                    Views.localTime(run.createdAt()), Views.elapsed(run).map(Views::duration).orElse(""));
        }
        table.print();
    }

    static String abbreviate(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max - 3) + "...";
    }
}
