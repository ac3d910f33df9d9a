package dev.runpilot.cli;

import dev.runpilot.sdk.Estimate;
import dev.runpilot.sdk.Job;
import dev.runpilot.sdk.RunPilot;
import dev.runpilot.sdk.RunPilotClient;
import dev.runpilot.sdk.config.JobFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code runpilot estimate}: what running a job file once would cost on a compute provider, without
 * submitting it ({@link RunPilotClient#estimate}). Local compute costs nothing; {@code --compute ec2}
 * prices the instance type's on-demand hourly price times the job's timeout, plus its root volume.
 */
@Command(name = "estimate", description = {"Estimate what running a job file once would cost, without submitting it.",
        "Local compute estimates 0; --compute ec2 (configured by RUNPILOT_EC2_* variables) prices the instance"
                + " type times the job's timeout (1 h when it has none) plus storage. Exit code 3 for an invalid file,"
                + " 4 for a missing one, 1 when the provider cannot estimate."},
        footer = {"", "Examples:", "  runpilot estimate runpilot.yaml", "  RUNPILOT_EC2_REGION=us-east-1 runpilot estimate --compute ec2 -o json runpilot.yaml"})
final class EstimateCommand extends BaseCommand {
    @Parameters(paramLabel = "FILE", description = "The job file, such as runpilot.yaml.")
    Path file;

    @Option(names = {"-e", "--environment"}, paramLabel = "NAME", description = "Also apply this environment overlay.")
    String environment;

    @Option(names = "--compute", paramLabel = "NAME",
            description = "Compute provider to price the job on, such as ec2. Default: the client's (local).")
    String compute;

    @Override
    public Integer call() {
        if (!Files.exists(file)) {
            throw new ExitCodes.NotFoundException("Job file " + file + " does not exist");
        }
        JobFile.Loader loader = JobFile.loader();
        if (environment != null) {
            loader.environment(environment);
        }
        Job job = loader.load(file);
        Output output = output();
        try (RunPilotClient client = open()) {
            Estimate estimate;
            try {
                estimate = client.estimate(job);
            } catch (UnsupportedOperationException | IllegalArgumentException e) {
                output.err().println("Cannot estimate job '" + job.name() + "': " + e.getMessage());
                output.err().flush();
                return ExitCodes.FAILED;
            }
            Map<String, Object> view = new LinkedHashMap<>();
            view.put("file", file.toString());
            view.put("job", job.name());
            view.put("provider", estimate.provider());
            view.put("totalUsd", estimate.total());
            List<Map<String, Object>> items = estimate.items().stream().map(item -> {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("name", item.name());
                row.put("usd", item.usd());
                row.put("basis", item.basis());
                return row;
            }).toList();
            view.put("items", items);
            output.print(view, () -> {
                Output.Table table = output.table("ITEM", "USD", "BASIS");
                estimate.items().forEach(item -> table.row(item.name(), item.usd().toPlainString(), item.basis()));
                table.row("total", estimate.total().toPlainString(), "on " + estimate.provider());
                table.print();
            });
            return ExitCodes.OK;
        }
    }

    private RunPilotClient open() {
        RunPilotCli root = root();
        if (compute == null || root.isRemote()) {
            if (compute != null) {
                throw usage("--compute applies to the embedded control plane; a server prices jobs on its own compute");
            }
            return root.openClient(0, false);
        }
        RunPilotClient.Builder builder = RunPilot.client().home(root.home()).workers(0).runtime("process").compute(compute);
        root.storage().ifPresent(builder::storage);
        return builder.build();
    }
}
