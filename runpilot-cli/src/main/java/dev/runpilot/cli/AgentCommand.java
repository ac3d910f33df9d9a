package dev.runpilot.cli;

import dev.runpilot.sdk.agent.Agent;
import dev.runpilot.sdk.archive.TrustedKeys;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code runpilot agent}: takes runs from a RunPilot server and runs them on this machine until drained (SIGTERM
 * or Ctrl-C finish the current runs and claim no more), idle too long, or done with one run ({@code --once}).
 */
@Command(name = "agent", sortOptions = false,
        description = {"Run jobs from a RunPilot server on this machine until Ctrl-C or SIGTERM (which finish the"
                + " current runs first).", "The server and token come from --endpoint and --token"
                + " ($RUNPILOT_AGENT_TOKEN), or from a profile; a private CA from --ca-certificate"
                + " ($RUNPILOT_CA_CERTIFICATE), or the profile's ca_certificate."},
        footer = {"", "Example:", "  runpilot agent --endpoint http://10.0.0.5:8420 --token $AGENT_TOKEN --labels gpu=a100,zone=eu"})
final class AgentCommand extends BaseCommand {
    @Option(names = {"-l", "--labels"}, paramLabel = "KEY=VALUE", split = ",",
            description = "Labels runs are routed by; comma-separated or repeatable.")
    Map<String, String> labels = new LinkedHashMap<>();

    @Option(names = "--once", description = "Run a single job, then exit with its status.")
    boolean once;

    @Option(names = "--workers", paramLabel = "N", defaultValue = "1",
            description = "Runs at once. Default: ${DEFAULT-VALUE}.")
    int workers;

    @Option(names = "--idle-timeout", paramLabel = "DURATION", converter = JobOptions.DurationConverter.class,
            description = "Exit after this long without a run. Default: never.")
    Duration idleTimeout;

    @Option(names = "--work-dir", paramLabel = "DIR", description = "Where runs execute. Default: <home>/agent-work.")
    Path workDir;

    @Option(names = "--run-id", paramLabel = "ID", description = "Serve one run only, once (an instance launched for it);"
            + " after reporting, ask the server to shut this instance down. Implies --once.")
    String runId;

    @Option(names = "--imds", description = "Read EC2 instance metadata (IMDSv2) at $AWS_EC2_METADATA_SERVICE_ENDPOINT, else"
            + " http://169.254.169.254: ec2.* labels and attempt data; on spot, drain on an interruption notice.")
    boolean imds;

    @Option(names = "--imds-endpoint", paramLabel = "URI", description = "Read EC2 instance metadata at this endpoint (implies --imds).")
    URI imdsEndpoint;

    @Option(names = "--ca-certificate", paramLabel = "FILE", description = "Trust the CA certificates of this PEM file (and"
            + " only those) for an https:// server whose certificate a private CA signed. Default: $RUNPILOT_CA_CERTIFICATE,"
            + " else the profile's ca_certificate, else the JDK's trust store.")
    Path caCertificate;

    @Override
    public Integer call() {
        URI endpoint = root().endpoint().or(() -> profileValue("endpoint").map(URI::create)).orElseThrow(
                () -> usage("Give the server with --endpoint URI (or $RUNPILOT_ENDPOINT, or a profile)"));
        String token = root().token().or(() -> env("RUNPILOT_AGENT_TOKEN")).or(() -> profileValue("token"))
                .orElseThrow(() -> usage("Give an agent token with --token (or $RUNPILOT_AGENT_TOKEN); the server"
                        + " prints one with: runpilot server --new-agent-token"));
        Agent.Builder builder = Agent.builder().endpoint(endpoint).token(token).labels(labels).workers(workers)
                .workDir(workDir != null ? workDir : root().home().resolve("agent-work"));
        java.util.Optional.ofNullable(caCertificate)
                .or(() -> env(Agent.CA_CERTIFICATE_VARIABLE)
                        .or(() -> profileValue("ca_certificate").filter(v -> !v.isBlank()))
                        .map(v -> Path.of(v.trim())))
                .ifPresent(builder::trustCertificates);
        if (once) {
            builder.once();
        }
        if (runId != null) {
            builder.runId(runId);
        }
        if (imdsEndpoint != null) {
            builder.instanceMetadata(imdsEndpoint);
        } else if (imds) {
            builder.instanceMetadata();
        }
        if (idleTimeout != null) {
            builder.idleTimeout(idleTimeout);
        }
        if (root().runtime != null) {
            builder.runtime(root().runtime);
        }
        Path trusted = root().keysDir().resolve(KeysCommand.TRUSTED_DIR);
        if (Files.isDirectory(trusted)) {
            TrustedKeys keys = TrustedKeys.load(trusted);
            if (!keys.isEmpty()) {
                builder.trustedKeys(keys);
            }
        }
        Output output = output();
        try (Agent agent = builder.build().start()) {
            Thread drain = new Thread(() -> {
                agent.drain();
                agent.awaitTermination(Duration.ofDays(1));
            }, "runpilot-agent-drain");
            Runtime.getRuntime().addShutdownHook(drain);
            Map<String, Object> view = new LinkedHashMap<>();
            view.put("agentId", agent.id());
            view.put("endpoint", endpoint.toString());
            view.put("labels", labels);
            if (output.isStructured()) {
                output.printLine(view);
            } else {
                output.hint("Agent " + agent.id() + " working for " + endpoint + (labels.isEmpty() ? "" : " with labels "
                        + labels) + (once ? " (one run)" : "; Ctrl-C drains it"));
            }
            agent.awaitTermination(Duration.ofDays(36500));
            try {
                Runtime.getRuntime().removeShutdownHook(drain);
            } catch (IllegalStateException shuttingDown) {
                // The hook is draining the agent.
            }
            return ExitCodes.OK;
        }
    }

    private java.util.Optional<String> profileValue(String key) {
        return root().profile().flatMap(name -> root().profiles().profile(name)).map(values -> values.get(key));
    }

    private static java.util.Optional<String> env(String name) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? java.util.Optional.empty() : java.util.Optional.of(value);
    }
}
