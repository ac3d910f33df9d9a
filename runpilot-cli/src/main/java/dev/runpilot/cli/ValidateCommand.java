package dev.runpilot.cli;

import dev.runpilot.sdk.ConfigException;
import dev.runpilot.sdk.Job;
import dev.runpilot.sdk.config.ConfigProblem;
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
 * {@code runpilot validate}: checks a job file and everything it refers to. Problems are printed as
 * {@code file:line:column: field: message}, the form editors and CI annotate, and the exit code is 3.
 */
@Command(name = "validate", description = {"Check a job file. Problems are printed as file:line:column: field: message",
        "(exit code 3); a valid file prints a summary of the job."})
final class ValidateCommand extends BaseCommand {
    @Parameters(paramLabel = "FILE", description = "The job file, such as runpilot.yaml.")
    Path file;

    @Option(names = {"-e", "--environment"}, paramLabel = "NAME", description = "Also apply this environment overlay.")
    String environment;

    @Override
    public Integer call() {
        if (!Files.exists(file)) {
            throw new ExitCodes.NotFoundException("Job file " + file + " does not exist");
        }
        JobFile.Loader loader = JobFile.loader();
        if (environment != null) {
            loader.environment(environment);
        }
        Output output = output();
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("file", file.toString());
        try {
            Job job = loader.load(file);
            view.put("valid", true);
            view.put("problems", List.of());
            view.put("job", Views.job(job));
            output.print(view, () -> output.out().println(file + ": valid job '" + job.name() + "'"));
            return ExitCodes.OK;
        } catch (ConfigException e) {
            view.put("valid", false);
            view.put("problems", e.problems().stream().map(ValidateCommand::problem).toList());
            output.print(view, () -> {
                e.problems().forEach(problem -> output.out().println(problem));
                output.hint(e.problems().size() == 1 ? "1 problem" : e.problems().size() + " problems");
            });
            return ExitCodes.INVALID_CONFIG;
        }
    }

    private static Map<String, Object> problem(ConfigProblem problem) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("file", problem.file().toString());
        view.put("line", problem.line());
        view.put("column", problem.column());
        view.put("field", problem.field());
        view.put("message", problem.message());
        view.put("text", problem.toString());
        return view;
    }
}
