package dev.runpilot.sdk.internal.runtime;

import dev.runpilot.sdk.Job;
import dev.runpilot.sdk.spi.ContainerRuntime;
import dev.runpilot.sdk.spi.Execution;
import dev.runpilot.sdk.spi.ExecutionRequest;
import java.util.List;

/**
 * The automatic runtime when a container runtime was found: jobs that name an image run in it,
 * jobs that do not run as host processes. Adding {@code runpilot-docker} to a class path therefore
 * never breaks the imageless jobs that ran before. A runtime chosen by name gets every job.
 */
public final class ImageRoutingRuntime implements ContainerRuntime {
    private final ContainerRuntime images;
    private final ContainerRuntime processes;

    public ImageRoutingRuntime(ContainerRuntime images, ContainerRuntime processes) {
        this.images = images;
        this.processes = processes;
    }

    private ContainerRuntime forJob(Job job) {
        return job.image().isPresent() ? images : processes;
    }

    @Override
    public String name() {
        return images.name();
    }

    @Override
    public List<String> unsupported(Job job) {
        return forJob(job).unsupported(job);
    }

    @Override
    public Execution start(ExecutionRequest request) {
        return forJob(request.job()).start(request);
    }

    @Override
    public void close() {
        try {
            images.close();
        } finally {
            processes.close();
        }
    }

    @Override
    public String toString() {
        return "auto(" + images.name() + " for jobs with an image, " + processes.name() + " for the others)";
    }
}
