package dev.runpilot.cli;

import dev.runpilot.sdk.server.RunPilotServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code runpilot server}: serves the home's control plane over the v1 HTTP API until SIGTERM or Ctrl-C, for
 * clients using {@code --endpoint} or a profile and for {@code runpilot agent}s on other machines.
 */
@Command(name = "server", sortOptions = false,
        description = {"Serve this home's control plane over HTTP for remote clients and agents, until Ctrl-C or SIGTERM.",
                "It runs no jobs itself: start agents (runpilot agent) to run them."},
        footer = {"", "Example:", "  runpilot server --port 8420 --new-user-token ml-team --new-agent-token"})
final class ServerCommand extends BaseCommand {
    @Option(names = "--bind", paramLabel = "ADDRESS", defaultValue = "127.0.0.1",
            description = "Address to listen on. Default: ${DEFAULT-VALUE} (this machine only).")
    String bind;

    @Option(names = "--port", paramLabel = "N", defaultValue = "8420",
            description = "Port; 0 picks a free one. Default: ${DEFAULT-VALUE}.")
    int port;

    @Option(names = "--port-file", paramLabel = "FILE", description = "Write the port here once listening.")
    Path portFile;

    @Option(names = "--database", paramLabel = "JDBC_URL",
            description = "Shared PostgreSQL database (jdbc:postgresql://...). Default: the home's SQLite database.")
    String database;

    @Option(names = "--lease", paramLabel = "DURATION", converter = JobOptions.DurationConverter.class,
            description = "How long an agent's claim lasts without a heartbeat. Default: 30s.")
    Duration lease;

    @Option(names = "--new-user-token", paramLabel = "PROJECT",
            description = "Create a user token for this project and print it once (it cannot be shown again).")
    String newUserToken;

    @Option(names = "--new-agent-token", description = "Create an agent token and print it once.")
    boolean newAgentToken;

    @Override
    public Integer call() throws InterruptedException {
        RunPilotServer.Builder builder = RunPilotServer.builder().home(root().home()).bindAddress(bind).port(port);
        root().storage().ifPresent(builder::storage);
        if (database != null) {
            builder.database(database);
        }
        if (lease != null) {
            builder.leaseDuration(lease);
        }
        Output output = output();
        try (RunPilotServer server = builder.build()) {
            Map<String, Object> view = new LinkedHashMap<>();
            String userToken = newUserToken == null ? null : server.tokens().createUserToken(newUserToken);
            String agentToken = newAgentToken ? server.tokens().createAgentToken() : null;
            server.start();
            Runtime.getRuntime().addShutdownHook(new Thread(server::close, "runpilot-server-stop"));
            view.put("uri", server.uri().toString());
            view.put("userToken", userToken);
            view.put("agentToken", agentToken);
            if (portFile != null) {
                writePort(server.uri().getPort());
            }
            if (output.isStructured()) {
                output.printLine(view);
            } else {
                output.out().println("RunPilot server listening on " + server.uri() + " (home " + root().home() + ")");
                if (userToken != null) {
                    output.out().println("User token for project " + newUserToken + " (shown once): " + userToken);
                }
                if (agentToken != null) {
                    output.out().println("Agent token (shown once): " + agentToken);
                }
                output.out().flush();
                output.hint("Clients: runpilot login --endpoint " + server.uri() + " --token TOKEN;"
                        + " agents: runpilot agent --endpoint " + server.uri() + " --token AGENT_TOKEN. Ctrl-C stops.");
            }
            server.awaitTermination();
            return ExitCodes.OK;
        }
    }

    private void writePort(int actualPort) {
        try {
            Path tmp = portFile.resolveSibling(portFile.getFileName() + ".tmp");
            Files.writeString(tmp, Integer.toString(actualPort), StandardCharsets.UTF_8);
            Files.move(tmp, portFile, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write the port to " + portFile + ": " + e.getMessage(), e);
        }
    }
}
