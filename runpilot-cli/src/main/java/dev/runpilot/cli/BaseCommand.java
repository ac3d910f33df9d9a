package dev.runpilot.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** What every subcommand shares: the global options of the root command and the output printer. */
abstract class BaseCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    /** Returns the root command, which holds the global options. */
    RunPilotCli root() {
        return spec.root().commandLine().getCommand();
    }

    /** Returns the printer for this command's results. */
    Output output() {
        return root().output(spec.commandLine());
    }

    /** Returns a usage error for this command, which exits with code 2 and shows the usage hint. */
    CommandLine.ParameterException usage(String message) {
        return new CommandLine.ParameterException(spec.commandLine(), message);
    }
}
