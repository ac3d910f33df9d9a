package dev.runpilot.sdk.testing;

import dev.runpilot.sdk.spi.ComputeProvider;
import dev.runpilot.sdk.spi.ComputeProviderFactory;
import java.nio.file.Path;
import java.util.ServiceLoader;

/** The {@code local} compute provider, found by name through ServiceLoader, against the contract. */
class LocalComputeProviderContractTest extends ComputeProviderContract {
    @Override
    protected ComputeProvider createProvider() {
        return ServiceLoader.load(ComputeProviderFactory.class).stream()
                .map(ServiceLoader.Provider::get)
                .filter(f -> f.name().equals("local"))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no 'local' ComputeProviderFactory registered"))
                .create(() -> Path.of(System.getProperty("java.io.tmpdir")));
    }
}
