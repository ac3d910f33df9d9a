package dev.runpilot.sdk.testing;

import dev.runpilot.sdk.spi.ContainerRuntime;
import dev.runpilot.sdk.spi.ContainerRuntimeFactory;
import java.util.ServiceLoader;

/** The {@code process} runtime, found the way clients find it (by name through ServiceLoader), against the contract. */
class ProcessRuntimeContractTest extends ContainerRuntimeContract {
    @Override
    protected ContainerRuntime createRuntime() {
        return ServiceLoader.load(ContainerRuntimeFactory.class).stream()
                .map(ServiceLoader.Provider::get)
                .filter(f -> f.name().equals("process"))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no 'process' ContainerRuntimeFactory registered"))
                .create(() -> workDir);
    }
}
