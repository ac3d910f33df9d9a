package dev.runpilot.sdk.internal.runtime;

import dev.runpilot.sdk.spi.ContainerRuntime;
import dev.runpilot.sdk.spi.ContainerRuntimeFactory;
import dev.runpilot.sdk.spi.ProviderContext;

/** Provides the {@code process} runtime: always available, lowest priority. */
public final class ProcessRuntimeFactory implements ContainerRuntimeFactory {
    @Override
    public String name() {
        return ProcessRuntime.NAME;
    }

    @Override
    public ContainerRuntime create(ProviderContext context) {
        return new ProcessRuntime();
    }
}
