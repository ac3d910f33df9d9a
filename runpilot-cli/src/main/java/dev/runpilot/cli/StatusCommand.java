package dev.runpilot.cli;

import dev.runpilot.sdk.RunInfo;
import dev.runpilot.sdk.RunPage;
import dev.runpilot.sdk.RunPilotClient;
import dev.runpilot.sdk.RunQuery;
import dev.runpilot.sdk.RunStatus;
import dev.runpilot.sdk.agent.AgentInfo;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code runpilot status}: a quick overview of the control plane: where it is, how many runs are active in each
 * status, and the most recent runs.
 */
@Command(name = "status", description = "Show a quick overview: the control plane, active runs by status, recent runs.")
final class StatusCommand extends BaseCommand {
    private static final List<RunStatus> ACTIVE = List.of(RunStatus.PENDING, RunStatus.QUEUED, RunStatus.ASSIGNED,
            RunStatus.RUNNING, RunStatus.CANCELLING);
    /** Counts stop here; more shows as "1000+". */
    static final int COUNT_LIMIT = RunQuery.MAX_LIMIT;

    @Option(names = {"-n", "--recent"}, paramLabel = "N", defaultValue = "5",
            description = "How many recent runs to show. Default: ${DEFAULT-VALUE}.")
    int recent;

    @Override
    public Integer call() {
        Output output = output();
        try (RunPilotClient client = root().openClient(0, false)) {
            Map<RunStatus, Integer> counts = new EnumMap<>(RunStatus.class);
            for (RunStatus status : ACTIVE) {
                counts.put(status, client.list(RunQuery.builder().status(status).limit(COUNT_LIMIT).build()).runs().size());
            }
            RunPage page = recent > 0 ? client.list(RunQuery.builder().limit(Math.min(recent, COUNT_LIMIT)).build())
                    : new RunPage(List.of(), java.util.Optional.empty());

            Map<String, Object> view = new LinkedHashMap<>();
            Map<String, Object> plane = new LinkedHashMap<>();
            if (root().isRemote()) {
                plane.put("kind", "server");
                plane.put("endpoint", root().controlPlaneDescription().substring("server ".length()));
            } else {
                plane.put("kind", "embedded");
                plane.put("home", root().home().toString());
                plane.put("storage", root().effectiveStorage().toString());
            }
            view.put("controlPlane", plane);
            view.put("active", counts.entrySet().stream().collect(Collectors.toMap(e -> e.getKey().name(),
                    Map.Entry::getValue, (a, b) -> a, LinkedHashMap::new)));
            view.put("recent", page.runs().stream().map(Views::run).toList());
            // On a home a server also serves, the embedded client lists the agents registered there.
            List<AgentInfo> agents = client.agents();
            view.put("agents", agents.stream().map(Views::agent).toList());
            output.print(view, () -> printTable(output, counts, page.runs(), agents));
            return ExitCodes.OK;
        }
    }

    private void printTable(Output output, Map<RunStatus, Integer> counts, List<RunInfo> runs, List<AgentInfo> agents) {
        var out = output.out();
        out.println("Control plane  " + root().controlPlaneDescription());
        if (!root().isRemote()) {
            out.println("Storage        " + root().effectiveStorage());
        }
        out.println("Active runs    " + ACTIVE.stream()
                .map(s -> count(counts.get(s)) + " " + s.name().toLowerCase(java.util.Locale.ROOT))
                .collect(Collectors.joining(", ")));
        if (root().isRemote() || !agents.isEmpty()) {
            long online = agents.stream().filter(AgentInfo::online).count();
            out.println("Agents         " + (agents.isEmpty() ? "none registered (start one: runpilot agent --endpoint ...)"
                    : online + " online, " + (agents.size() - online) + " offline"));
        }
        if (!runs.isEmpty()) {
            out.println();
            ListCommand.printRuns(output, runs);
        } else {
            out.println("Recent runs    none yet (try: runpilot run -- echo hello)");
        }
        if (!agents.isEmpty()) {
            out.println();
            printAgents(output, agents);
        }
    }

    /** Prints agents as a table: id, state, resource class, resources, last seen, runs held. */
    static void printAgents(Output output, List<AgentInfo> agents) {
        Output.Table table = output.table("AGENT", "STATE", "CLASS", "SLOTS", "CPUS", "MEMORY", "GPUS", "LAST SEEN", "RUNS");
        for (AgentInfo agent : agents) {
            table.row(agent.id(), agent.online() ? "online" : "offline", agent.resourceClass().orElse("-"), agent.slots(),
                    MetricsCommand.number(agent.cpus()), memory(agent.memoryBytes()), agent.gpus().isEmpty() ? "-"
                            : agent.gpus().size() + "x " + agent.gpus().get(0).name(),
                    Views.localTime(agent.lastSeenAt()), agent.runIds().isEmpty() ? "-" : String.join(",", agent.runIds()));
        }
        table.print();
    }

    private static String memory(long bytes) {
        if (bytes <= 0) {
            return "-";
        }
        return String.format(java.util.Locale.ROOT, "%.1f GiB", bytes / (double) (1L << 30));
    }

    private static String count(int count) {
        return count >= COUNT_LIMIT ? COUNT_LIMIT + "+" : Integer.toString(count);
    }
}
