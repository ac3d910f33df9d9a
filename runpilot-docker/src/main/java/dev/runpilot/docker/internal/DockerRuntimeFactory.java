package dev.runpilot.docker.internal;

import dev.runpilot.docker.DockerRuntime;
import dev.runpilot.sdk.RunPilotException;
import dev.runpilot.sdk.spi.ContainerRuntime;
import dev.runpilot.sdk.spi.ContainerRuntimeFactory;
import dev.runpilot.sdk.spi.ProviderContext;

/**
 * Provides the {@code docker} runtime through {@link java.util.ServiceLoader}, with the defaults of
 * {@link DockerRuntime#builder()}. Available when an engine answers at the endpoint the docker CLI would use; then it
 * outranks the process runtime, so that {@code auto} (or no name) runs jobs in containers.
 */
public final class DockerRuntimeFactory implements ContainerRuntimeFactory {
    /** Above the process runtime's 0. */
    static final int PRIORITY = 100;

    @Override
    public String name() {
        return DockerRuntime.NAME;
    }

    @Override
    public int priority() {
        return PRIORITY;
    }

    @Override
    public String unavailableReason() {
        try {
            RuntimeSettings settings = new DockerRuntimeBuilder().settings();
            return EngineConnection.unavailableReason(settings.endpoint(), settings.tlsCertPath());
        } catch (RunPilotException e) {
            return e.getMessage();
        }
    }

    @Override
    public ContainerRuntime create(ProviderContext context) {
        return DockerRuntime.builder().build();
    }
}
