package dev.runpilot.cli;

import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code runpilot completion}: prints a shell completion script generated from the command model, so it always
 * matches the commands and options of this build.
 */
@Command(name = "completion", description = "Print a shell completion script: bash, zsh or fish.",
        footer = {"", "Install:",
                "  bash: source <(runpilot completion bash)          (add to ~/.bashrc)",
                "  zsh:  source <(runpilot completion zsh)           (add to ~/.zshrc)",
                "  fish: runpilot completion fish > ~/.config/fish/completions/runpilot.fish"})
final class CompletionCommand extends BaseCommand {
    /** The shells a script can be generated for. */
    enum Shell {
        bash, zsh, fish
    }

    @Parameters(paramLabel = "SHELL", description = "The shell: ${COMPLETION-CANDIDATES}.")
    Shell shell;

    @Override
    public Integer call() {
        CommandLine model = RunPilotCli.commandLine();
        String script = switch (shell) {
            case bash -> AutoComplete.bash("runpilot", model);
            // picocli's script loads bashcompinit itself when it runs under zsh.
            case zsh -> "#compdef runpilot\n" + AutoComplete.bash("runpilot", model);
            case fish -> FishCompletion.script(model.getCommandSpec());
        };
        spec.commandLine().getOut().print(script);
        spec.commandLine().getOut().flush();
        return ExitCodes.OK;
    }
}
