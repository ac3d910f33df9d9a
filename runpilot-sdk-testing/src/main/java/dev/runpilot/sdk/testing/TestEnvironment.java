package dev.runpilot.sdk.testing;

import dev.runpilot.sdk.RunPilot;
import dev.runpilot.sdk.RunPilotClient;
import dev.runpilot.sdk.spi.ContainerRuntime;
import dev.runpilot.sdk.spi.ContainerRuntimeFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.ServiceLoader;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The resources one scope of a {@link RunPilotTest} class shares: a temporary directory, the
 * {@link ScriptedRuntime} with its fallback, and the client, each created on first use. Kept in the
 * scope's {@link ExtensionContext.Store}, which closes it when the scope ends; closing is idempotent.
 */
@SuppressWarnings("deprecation") // CloseableResource: still how JUnit before 5.13 closes stored values
final class TestEnvironment implements ExtensionContext.Store.CloseableResource, AutoCloseable {
    private final TestSettings settings;
    private final Path directory;
    private final ContainerRuntime fallback;
    private final ScriptedRuntime runtime;
    private RunPilotClient client;
    private boolean closed;

    TestEnvironment(TestSettings settings) {
        this.settings = settings;
        try {
            this.directory = Files.createTempDirectory("runpilot-test-");
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create a temporary directory for a @RunPilotTest: " + e.getMessage(), e);
        }
        this.fallback = settings.runtime().equals(ScriptedRuntime.NAME) ? null : fallback(settings.runtime(), directory);
        this.runtime = fallback == null ? ScriptedRuntime.create() : ScriptedRuntime.withFallback(fallback);
    }

    private static ContainerRuntime fallback(String name, Path home) {
        List<String> found = new ArrayList<>();
        for (ContainerRuntimeFactory factory : ServiceLoader.load(ContainerRuntimeFactory.class, classLoader())) {
            if (factory.name().equals(name)) {
                return factory.create(() -> home);
            }
            found.add(factory.name());
        }
        throw new ExtensionConfigurationException("@RunPilotTest(runtime = \"" + name + "\"): no container runtime of that"
                + " name is on the test class path (found " + found + "); use one of them, or \"" + ScriptedRuntime.NAME
                + "\" to run scripted jobs only");
    }

    private static ClassLoader classLoader() {
        ClassLoader context = Thread.currentThread().getContextClassLoader();
        return context != null ? context : TestEnvironment.class.getClassLoader();
    }

    /** Checks that a runtime name can be resolved, so a bad annotation fails before any test runs. */
    static void validate(TestSettings settings) {
        if (!settings.runtime().equals(ScriptedRuntime.NAME)) {
            boolean known = ServiceLoader.load(ContainerRuntimeFactory.class, classLoader()).stream()
                    .anyMatch(p -> p.get().name().equals(settings.runtime()));
            if (!known) {
                fallback(settings.runtime(), Path.of("."));
            }
        }
    }

    ScriptedRuntime runtime() {
        return runtime;
    }

    Path directory() {
        return directory;
    }

    TestSettings settings() {
        return settings;
    }

    synchronized RunPilotClient client() {
        ensureOpen();
        if (client == null) {
            client = RunPilot.client().inMemory().runtime(runtime).workers(settings.workers()).build();
        }
        return client;
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("This @RunPilotTest scope has ended; its client is closed");
        }
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            if (client != null) {
                client.close();
            }
        } finally {
            runtime.close();
            if (fallback != null) {
                fallback.close();
            }
            deleteTree(directory);
        }
    }

    synchronized boolean isClosed() {
        return closed;
    }

    private static void deleteTree(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // A leftover temporary directory is not worth failing a test over.
        }
    }
}
