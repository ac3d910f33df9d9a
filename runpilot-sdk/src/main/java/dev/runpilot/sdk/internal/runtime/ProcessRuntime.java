package dev.runpilot.sdk.internal.runtime;

import dev.runpilot.sdk.Job;
import dev.runpilot.sdk.RunPilotException;
import dev.runpilot.sdk.spi.ContainerRuntime;
import dev.runpilot.sdk.spi.Execution;
import dev.runpilot.sdk.spi.ExecutionRequest;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs jobs as processes on this host, in the attempt's work directory, with the host's environment
 * plus the job's variables and secrets.
 */
public final class ProcessRuntime implements ContainerRuntime {
    public static final String NAME = "process";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public List<String> unsupported(Job job) {
        List<String> problems = new ArrayList<>();
        job.image().ifPresent(image -> problems.add("image '" + image + "': runtime 'process' runs commands directly on this"
                + " host and cannot use images; add dev.runpilot:runpilot-docker and choose runtime(\"docker\"), or remove image"));
        job.gpu().ifPresent(gpu -> problems.add("gpu: runtime 'process' cannot reserve GPUs; use a container runtime or remove gpu"));
        if (!job.volumes().isEmpty()) {
            problems.add("volumes: runtime 'process' mounts nothing (the job sees this host's files); remove volumes");
        }
        job.user().ifPresent(u -> problems.add("user '" + u + "': runtime 'process' runs every job as this JVM's user;"
                + " use a container runtime or remove user"));
        job.network().ifPresent(n -> problems.add("network '" + n + "': runtime 'process' shares this host's network;"
                + " use a container runtime or remove network"));
        job.healthCheck().ifPresent(h -> problems.add("healthCheck: runtime 'process' runs no health checks;"
                + " use a container runtime or remove healthCheck"));
        job.resources().ifPresent(r -> problems.add("resources: runtime 'process' cannot enforce CPU or memory limits;"
                + " use a container runtime or remove resources"));
        return problems;
    }

    @Override
    public Execution start(ExecutionRequest request) {
        Path dir = request.job().workingDir().map(request.workDir()::resolve).orElse(request.workDir());
        ProcessBuilder builder = new ProcessBuilder(request.command()).directory(dir.toFile());
        builder.environment().putAll(request.environment());
        builder.environment().put("RUNPILOT_RUN_ID", request.runId());
        builder.environment().put("RUNPILOT_ATTEMPT", Integer.toString(request.attempt()));
        builder.environment().put("RUNPILOT_WORK_DIR", request.workDir().toString());
        try {
            if (!dir.equals(request.workDir())) {
                java.nio.file.Files.createDirectories(dir);
            }
            Process process = builder.start();
            return new ProcessExecution(process, "runpilot-" + request.runId() + "-" + request.attempt(), request.output());
        } catch (IOException e) {
            throw new RunPilotException("Cannot start '" + request.command().get(0) + "' for run " + request.runId()
                    + " in " + dir + ": " + e.getMessage() + ". Check that the program exists and is executable on this host.", e);
        }
    }
}
