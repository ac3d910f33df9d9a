package dev.runpilot.sdk.internal.spi;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runpilot.sdk.ProviderException;
import dev.runpilot.sdk.internal.compute.LocalComputeProviderFactory;
import dev.runpilot.sdk.internal.runtime.ProcessRuntimeFactory;
import dev.runpilot.sdk.internal.storage.FileStorageBackendFactory;
import dev.runpilot.sdk.spi.ContainerRuntime;
import dev.runpilot.sdk.spi.ContainerRuntimeFactory;
import dev.runpilot.sdk.spi.ProviderContext;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProviderRegistryTest {
    private static final String RUNTIME_SERVICES = "META-INF/services/" + ContainerRuntimeFactory.class.getName();

    @TempDir
    Path classPathDir;

    private final ProviderRegistry builtIn = new ProviderRegistry(ProviderRegistryTest.class.getClassLoader());

    @Test
    void resolvesBuiltInProvidersByName() {
        assertThat(builtIn.runtime("process")).isInstanceOf(ProcessRuntimeFactory.class);
        assertThat(builtIn.compute("local")).isInstanceOf(LocalComputeProviderFactory.class);
        assertThat(builtIn.storage("file")).isInstanceOf(FileStorageBackendFactory.class);
    }

    @Test
    void namesAndSchemesMatchIgnoringCase() {
        assertThat(builtIn.runtime("PROCESS")).isInstanceOf(ProcessRuntimeFactory.class);
        assertThat(builtIn.storage("FILE")).isInstanceOf(FileStorageBackendFactory.class);
    }

    @Test
    void byNamePicksTheFactoryWithThatName() {
        ContainerRuntimeFactory alpha = new AlphaRuntimeFactory();
        ContainerRuntimeFactory beta = new BetaRuntimeFactory();

        assertThat(ProviderRegistry.byName(List.of(alpha, beta), ContainerRuntimeFactory::name, "beta",
                "container runtime", "runtime(ContainerRuntime)")).isSameAs(beta);
    }

    @Test
    void unknownRuntimeErrorListsWhatWasFoundAndTheModuleToAdd() {
        assertThatThrownBy(() -> builtIn.runtime("docker"))
                .isInstanceOf(ProviderException.class)
                .hasMessageContaining("No container runtime 'docker' on the class path")
                .hasMessageContaining("(found: process)")
                .hasMessageContaining("Add the dependency dev.runpilot:runpilot-docker.");
    }

    @Test
    void unknownSchemeErrorNamesTheCloudModule() {
        assertThatThrownBy(() -> builtIn.storage("s3"))
                .isInstanceOf(ProviderException.class)
                .hasMessageContaining("'s3'")
                .hasMessageContaining("(found: file)")
                .hasMessageContaining("dev.runpilot:runpilot-aws");
        assertThatThrownBy(() -> builtIn.compute("ec2"))
                .isInstanceOf(ProviderException.class)
                .hasMessageContaining("(found: local)")
                .hasMessageContaining("dev.runpilot:runpilot-aws");
    }

    @Test
    void unknownNameWithoutKnownModuleSuggestsCheckingTheSpelling() {
        assertThatThrownBy(() -> builtIn.runtime("procss"))
                .isInstanceOf(ProviderException.class)
                .hasMessageContaining("'procss'")
                .hasMessageContaining("(found: process)")
                .hasMessageContaining("Add the jar that provides it, or check the spelling.");
    }

    @Test
    void unknownNameAmongNoFactoriesSaysNoneWereFound() {
        assertThatThrownBy(() -> ProviderRegistry.byName(List.<ContainerRuntimeFactory>of(), ContainerRuntimeFactory::name,
                "docker", "container runtime", "runtime(ContainerRuntime)"))
                .isInstanceOf(ProviderException.class)
                .hasMessageContaining("(found: none)")
                .hasMessageContaining("dev.runpilot:runpilot-docker");
    }

    @Test
    void twoFactoriesWithOneNameIsAnErrorNamingBothAndHowToChoose() {
        List<ContainerRuntimeFactory> factories = List.of(new AlphaRuntimeFactory(), new SecondAlphaRuntimeFactory());

        assertThatThrownBy(() -> ProviderRegistry.byName(factories, ContainerRuntimeFactory::name, "alpha",
                "container runtime", "runtime(ContainerRuntime)"))
                .isInstanceOf(ProviderException.class)
                .hasMessageContaining("'alpha'")
                .hasMessageContaining(AlphaRuntimeFactory.class.getName())
                .hasMessageContaining(SecondAlphaRuntimeFactory.class.getName())
                .hasMessageContaining("Remove the extra jar from the class path")
                .hasMessageContaining("RunPilot.client().runtime(ContainerRuntime)");
    }

    @Test
    void duplicateNamesOnTheClassPathAreAnError() throws IOException {
        ProviderRegistry registry = registryListing(AlphaRuntimeFactory.class.getName(), SecondAlphaRuntimeFactory.class.getName());

        assertThatThrownBy(() -> registry.runtime("alpha"))
                .isInstanceOf(ProviderException.class)
                .hasMessageContaining(AlphaRuntimeFactory.class.getName())
                .hasMessageContaining(SecondAlphaRuntimeFactory.class.getName());
        assertThat(registry.runtime("process")).isInstanceOf(ProcessRuntimeFactory.class);
    }

    @Test
    void providerThatFailsToLoadIsSkipped() throws IOException {
        ProviderRegistry registry = registryListing(
                "dev.runpilot.sdk.internal.spi.NoSuchRuntimeFactory",
                AlphaRuntimeFactory.class.getName(),
                BrokenRuntimeFactory.class.getName(),
                BetaRuntimeFactory.class.getName());

        assertThat(registry.load(ContainerRuntimeFactory.class))
                .extracting(ContainerRuntimeFactory::name)
                .containsExactlyInAnyOrder("process", "alpha", "beta");
        assertThat(registry.runtime("alpha")).isInstanceOf(AlphaRuntimeFactory.class);
        assertThat(registry.runtime("beta")).isInstanceOf(BetaRuntimeFactory.class);
    }

    @Test
    void highestPriorityWinsWhenNoNameIsGiven() throws IOException {
        ProviderRegistry registry = registryListing(BetaRuntimeFactory.class.getName(), AlphaRuntimeFactory.class.getName());

        assertThat(registry.runtime(null)).isInstanceOf(AlphaRuntimeFactory.class);
    }

    @Test
    void processRuntimeIsChosenWhenNothingElseIsInstalled() {
        assertThat(builtIn.runtime(null)).isInstanceOf(ProcessRuntimeFactory.class);
        assertThat(builtIn.compute(null)).isInstanceOf(LocalComputeProviderFactory.class);
    }

    @Test
    void autoMeansTheHighestPriorityAvailableRuntime() throws IOException {
        ProviderRegistry registry = registryListing(UnavailableRuntimeFactory.class.getName(), BetaRuntimeFactory.class.getName(),
                AlphaRuntimeFactory.class.getName());

        assertThat(registry.runtime("auto")).isInstanceOf(AlphaRuntimeFactory.class);
        assertThat(registry.runtime("AUTO")).isInstanceOf(AlphaRuntimeFactory.class);
        assertThat(builtIn.runtime("auto")).isInstanceOf(ProcessRuntimeFactory.class);
    }

    @Test
    void unavailableRuntimeIsPassedOver() throws IOException {
        ProviderRegistry registry = registryListing(UnavailableRuntimeFactory.class.getName(), BetaRuntimeFactory.class.getName());

        assertThat(registry.runtime(null)).isInstanceOf(BetaRuntimeFactory.class);
    }

    @Test
    void highestPriorityAmongListedFactories() {
        List<ContainerRuntimeFactory> factories = List.of(
                new FixedRuntimeFactory("low", -1, ""),
                new FixedRuntimeFactory("high", 10, ""),
                new FixedRuntimeFactory("middle", 5, ""));

        assertThat(choose(factories).name()).isEqualTo("high");
    }

    @Test
    void unavailableFactoryLosesEvenWithTheHighestPriority() {
        List<ContainerRuntimeFactory> factories = List.of(
                new FixedRuntimeFactory("docker", 100, "no Docker engine answers at unix:///var/run/docker.sock"),
                new FixedRuntimeFactory("process", 0, ""));

        assertThat(choose(factories).name()).isEqualTo("process");
    }

    @Test
    void equalPrioritiesAreBrokenByName() {
        List<ContainerRuntimeFactory> factories = List.of(
                new FixedRuntimeFactory("zeta", 3, ""),
                new FixedRuntimeFactory("eta", 3, ""));

        assertThat(choose(factories).name()).isEqualTo("eta");
    }

    @Test
    void sameNameAndPriorityWithoutANameIsAnError() {
        List<ContainerRuntimeFactory> factories = List.of(new AlphaRuntimeFactory(), new SecondAlphaRuntimeFactory());

        assertThatThrownBy(() -> choose(factories))
                .isInstanceOf(ProviderException.class)
                .hasMessageContaining(AlphaRuntimeFactory.class.getName())
                .hasMessageContaining(SecondAlphaRuntimeFactory.class.getName())
                .hasMessageContaining("runtime(ContainerRuntime)");
    }

    @Test
    void noAvailableFactoryIsAnErrorGivingEachReason() {
        List<ContainerRuntimeFactory> factories = List.of(
                new FixedRuntimeFactory("docker", 10, "no Docker engine answers"),
                new FixedRuntimeFactory("podman", 5, "podman socket not found"));

        assertThatThrownBy(() -> choose(factories))
                .isInstanceOf(ProviderException.class)
                .hasMessageContaining("No container runtime is available")
                .hasMessageContaining("docker (no Docker engine answers)")
                .hasMessageContaining("podman (podman socket not found)")
                .hasMessageContaining("dev.runpilot:runpilot-sdk");
    }

    private static ContainerRuntimeFactory choose(List<ContainerRuntimeFactory> factories) {
        return ProviderRegistry.highestPriority(factories, ContainerRuntimeFactory::name, ContainerRuntimeFactory::priority,
                ContainerRuntimeFactory::unavailableReason, "container runtime");
    }

    /** A registry whose class path adds one services file listing these runtime factory classes. */
    private ProviderRegistry registryListing(String... classNames) throws IOException {
        Path services = classPathDir.resolve(RUNTIME_SERVICES);
        Files.createDirectories(services.getParent());
        Files.writeString(services, "# test providers\n" + String.join("\n", classNames) + "\n", UTF_8);
        URLClassLoader loader = new URLClassLoader(new URL[] {classPathDir.toUri().toURL()},
                ProviderRegistryTest.class.getClassLoader());
        return new ProviderRegistry(loader);
    }

    /** A runtime factory whose runtime is never created in these tests. */
    abstract static class UnusedRuntimeFactory implements ContainerRuntimeFactory {
        @Override
        public ContainerRuntime create(ProviderContext context) {
            throw new UnsupportedOperationException("registry tests never create a runtime");
        }
    }

    record FixedRuntimeFactory(String name, int priority, String unavailableReason) implements ContainerRuntimeFactory {
        @Override
        public ContainerRuntime create(ProviderContext context) {
            throw new UnsupportedOperationException("registry tests never create a runtime");
        }
    }

    public static final class AlphaRuntimeFactory extends UnusedRuntimeFactory {
        @Override
        public String name() {
            return "alpha";
        }

        @Override
        public int priority() {
            return 10;
        }
    }

    public static final class SecondAlphaRuntimeFactory extends UnusedRuntimeFactory {
        @Override
        public String name() {
            return "alpha";
        }

        @Override
        public int priority() {
            return 10;
        }
    }

    public static final class BetaRuntimeFactory extends UnusedRuntimeFactory {
        @Override
        public String name() {
            return "beta";
        }

        @Override
        public int priority() {
            return 5;
        }
    }

    public static final class UnavailableRuntimeFactory extends UnusedRuntimeFactory {
        @Override
        public String name() {
            return "gamma";
        }

        @Override
        public int priority() {
            return 50;
        }

        @Override
        public String unavailableReason() {
            return "no gamma engine answers";
        }
    }

    /** Fails in its constructor, as a provider missing a dependency of its own would. */
    public static final class BrokenRuntimeFactory extends UnusedRuntimeFactory {
        public BrokenRuntimeFactory() {
            throw new IllegalStateException("missing native library");
        }

        @Override
        public String name() {
            return "broken";
        }
    }
}
