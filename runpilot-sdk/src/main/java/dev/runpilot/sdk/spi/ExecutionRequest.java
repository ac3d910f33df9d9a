package dev.runpilot.sdk.spi;

import dev.runpilot.sdk.Job;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Everything a {@link ContainerRuntime} needs to start one attempt of a run.
 *
 * @param runId the run
 * @param attempt the attempt number, from 1
 * @param agentId the id of the agent running the attempt; runtimes record it (a container label, say) so that
 *                what an agent left behind can be traced back to it
 * @param job the job; its secrets are already part of {@code environment}
 * @param command the argument list to execute (an entrypoint is already wrapped in {@code sh -c})
 * @param environment the variables to add to the job's environment, secrets included
 * @param workDir the attempt's own work directory, created and empty
 * @param output receives every output line
 * @since 0.1.0
 */
public record ExecutionRequest(String runId, int attempt, String agentId, Job job, List<String> command,
                               Map<String, String> environment, Path workDir, OutputListener output) {
    /** Checks and copies the values. */
    public ExecutionRequest {
        Objects.requireNonNull(runId, "runId");
        Objects.requireNonNull(agentId, "agentId");
        Objects.requireNonNull(job, "job");
        command = List.copyOf(command);
        environment = Map.copyOf(environment);
        Objects.requireNonNull(workDir, "workDir");
        Objects.requireNonNull(output, "output");
    }

    /** Leaves the environment's values out: they hold secrets. */
    @Override
    public String toString() {
        return "ExecutionRequest{runId=" + runId + ", attempt=" + attempt + ", agentId=" + agentId + ", command=" + command
                + ", environment=" + environment.keySet() + ", workDir=" + workDir + '}';
    }
}
