package dev.runpilot.sdk;

/**
 * Thrown by {@link RunResult#requireSuccess()} when a run ended in any state but
 * {@link RunStatus#SUCCEEDED}.
 */
public class RunFailedException extends RunPilotException {
    private static final long serialVersionUID = 1L;

    private final transient RunResult result;

    /**
     * Creates the exception for a finished run.
     *
     * @param result the run's result
     */
    public RunFailedException(RunResult result) {
        super(describe(result));
        this.result = result;
    }

    /**
     * Returns the result of the run that did not succeed.
     *
     * @return the run's result
     */
    public RunResult result() {
        return result;
    }

    private static String describe(RunResult result) {
        StringBuilder text = new StringBuilder("Run ").append(result.runId()).append(" ended ").append(result.status());
        result.reason().ifPresent(reason -> text.append(" (reason ").append(reason.wireName()).append(')'));
        result.exitCode().ifPresent(code -> text.append(", exit code ").append(code));
        if (!result.message().isEmpty()) {
            text.append(": ").append(result.message());
        }
        return text.append(". Its log: run.logs().read().").toString();
    }
}
