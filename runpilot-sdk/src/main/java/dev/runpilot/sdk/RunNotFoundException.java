package dev.runpilot.sdk;

/**
 * Thrown when a run id names no run known to the control plane.
 */
public class RunNotFoundException extends RunPilotException {
    private static final long serialVersionUID = 1L;

    private final String runId;

    /**
     * Creates the exception for a run id.
     *
     * @param runId the id that was looked up
     * @param where the control plane that was asked (a database file or a server address)
     */
    public RunNotFoundException(String runId, String where) {
        super("No run with id '" + runId + "' in " + where
                + ". Check the id (client.list() shows the known runs) and that this client uses the same home or endpoint.");
        this.runId = runId;
    }

    /**
     * Returns the id that was looked up.
     *
     * @return the run id
     */
    public String runId() {
        return runId;
    }
}
