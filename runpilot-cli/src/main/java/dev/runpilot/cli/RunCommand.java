package dev.runpilot.cli;

import dev.runpilot.sdk.FailureReason;
import dev.runpilot.sdk.Job;
import dev.runpilot.sdk.LogLine;
import dev.runpilot.sdk.LogStream;
import dev.runpilot.sdk.Run;
import dev.runpilot.sdk.RunPilotClient;
import dev.runpilot.sdk.RunResult;
import dev.runpilot.sdk.RunStatus;
import java.io.PrintWriter;
import java.time.Duration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code runpilot run}: runs a job on the embedded engine in this process, prints its log as it comes, and
 * exits with the job's exit code. Ctrl-C cancels the run before exiting.
 */
@Command(name = "run", sortOptions = false,
        description = {"Run a job on this machine, follow its log and exit with its exit code.",
                "The job comes from a job file (-f) or a command after --."},
        footer = {"", "Examples:", "  runpilot run -- python train.py --epochs 3",
                "  runpilot run -f runpilot.yaml -e dev", "  runpilot run -s . -- ./build.sh"})
final class RunCommand extends BaseCommand {
    @Mixin
    JobOptions job;

    @Option(names = "--workers", paramLabel = "N", defaultValue = "1",
            description = "Runs this process executes at once while it waits (queued runs of the same home"
                    + " are taken in priority order). Default: ${DEFAULT-VALUE}.")
    int workers;

    @Override
    public Integer call() {
        Job definition = job.toJob(spec.commandLine());
        Output output = output();
        try (RunPilotClient client = root().openClient(Math.max(1, workers), true)) {
            Run run = client.submit(definition);
            output.hint("Run " + run.id() + " (" + definition.name() + ") submitted");
            Thread hook = cancelOnInterrupt(run, output);
            Runtime.getRuntime().addShutdownHook(hook);
            try {
                PrintWriter logOut = output.isStructured() ? output.err() : output.out();
                run.logs().follow(line -> {
                    // -q keeps the job's own output and drops RunPilot's lines (claimed, starting, ended).
                    if (!(output.isQuiet() && line.stream() == LogStream.SYSTEM)) {
                        printLine(line, logOut, output.err());
                    }
                });
                RunResult result = run.await();
                report(result, output);
                return exitCode(result);
            } finally {
                removeHook(hook);
            }
        }
    }

    static void printLine(LogLine line, PrintWriter out, PrintWriter err) {
        PrintWriter target = line.stream() == LogStream.STDERR ? err : out;
        target.println(line.stream() == LogStream.SYSTEM ? "[runpilot] " + line.text() : line.text());
        target.flush();
    }

    static void report(RunResult result, Output output) {
        output.print(Views.result(result), () -> output.hint("Run " + result.runId() + " " + output.status(result.status())
                + result.exitCode().stream().mapToObj(code -> " (exit code " + code + ")").findFirst().orElse("")
                + " in " + Views.duration(result.duration())
                + (result.message().isEmpty() || result.isSuccess() ? "" : ": " + result.message())));
    }

    /**
     * 0 for success; the job's own exit code when it failed by exiting non-zero (reason {@code exit_code}); 1 for
     * any other end (timed out, cancelled, runtime error, ...).
     */
    static int exitCode(RunResult result) {
        return exitCode(result.status(), result.reason(), result.exitCode());
    }

    static int exitCode(RunStatus status, java.util.Optional<FailureReason> reason, java.util.OptionalInt exitCode) {
        if (status == RunStatus.SUCCEEDED) {
            return ExitCodes.OK;
        }
        if (status == RunStatus.FAILED && reason.equals(java.util.Optional.of(FailureReason.EXIT_CODE))
                && exitCode.isPresent() && exitCode.getAsInt() > 0 && exitCode.getAsInt() < 256) {
            return exitCode.getAsInt();
        }
        return ExitCodes.FAILED;
    }

    private static Thread cancelOnInterrupt(Run run, Output output) {
        Thread hook = new Thread(() -> {
            if (!run.status().isTerminal()) {
                output.err().println();
                output.err().println("Interrupted: cancelling run " + run.id());
                output.err().flush();
                run.cancel();
                run.await(Duration.ofSeconds(15));
            }
        }, "runpilot-cancel-on-interrupt");
        return hook;
    }

    private static void removeHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // The JVM is already exiting (Ctrl-C): the hook is running and cancels the run.
        }
    }
}
