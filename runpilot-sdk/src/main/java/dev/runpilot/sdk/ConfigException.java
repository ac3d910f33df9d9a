package dev.runpilot.sdk;

import dev.runpilot.sdk.config.ConfigProblem;
import java.util.List;

/**
 * Thrown when a job file cannot be turned into a {@link Job}: it cannot be read, is not valid YAML, or
 * has values the format does not allow.
 *
 * <p>Every problem found is reported at once, each with its file, line, column and field (see
 * {@link #problems()}). The message lists them one per line in the form compilers use:
 * <pre>
 * Invalid job file runpilot.yaml (2 problems):
 *   runpilot.yaml:4:10: timeout: expected a duration such as 90s, 1h30m or PT2H, found 'soon'
 *   runpilot.yaml:6:1: retyr: unknown key; did you mean 'retry'?
 * </pre>
 */
public class ConfigException extends RunPilotException {
    private static final long serialVersionUID = 1L;
    private static final int MESSAGE_LIMIT = 50;

    private final List<ConfigProblem> problems;

    /**
     * Creates the exception for the problems found in a job file.
     *
     * @param file the job file that was loaded, as the caller named it
     * @param problems the problems, at least one
     * @throws IllegalArgumentException if {@code problems} is empty
     */
    public ConfigException(String file, List<ConfigProblem> problems) {
        super(message(file, problems));
        this.problems = List.copyOf(problems);
    }

    /**
     * Returns every problem found, in file, line and column order.
     *
     * @return the problems, never empty
     */
    public List<ConfigProblem> problems() {
        return problems;
    }

    private static String message(String file, List<ConfigProblem> problems) {
        if (problems.isEmpty()) {
            throw new IllegalArgumentException("a ConfigException needs at least one problem");
        }
        StringBuilder text = new StringBuilder("Invalid job file ").append(file);
        text.append(problems.size() == 1 ? " (1 problem):" : " (" + problems.size() + " problems):");
        problems.stream().limit(MESSAGE_LIMIT).forEach(problem -> text.append("\n  ").append(problem));
        if (problems.size() > MESSAGE_LIMIT) {
            text.append("\n  ... and ").append(problems.size() - MESSAGE_LIMIT).append(" more (see problems())");
        }
        return text.toString();
    }
}
