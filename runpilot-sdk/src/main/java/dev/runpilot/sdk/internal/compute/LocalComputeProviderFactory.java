package dev.runpilot.sdk.internal.compute;

import dev.runpilot.sdk.spi.ComputeProvider;
import dev.runpilot.sdk.spi.ComputeProviderFactory;
import dev.runpilot.sdk.spi.ProviderContext;

/** Provides the {@code local} compute provider. */
public final class LocalComputeProviderFactory implements ComputeProviderFactory {
    @Override
    public String name() {
        return LocalComputeProvider.NAME;
    }

    @Override
    public ComputeProvider create(ProviderContext context) {
        return new LocalComputeProvider();
    }
}
