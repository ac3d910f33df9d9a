package dev.runpilot.sdk.testing;

import dev.runpilot.sdk.RunPilot;
import dev.runpilot.sdk.RunPilotClient;
import dev.runpilot.sdk.agent.Agent;
import dev.runpilot.sdk.server.RunPilotServer;
import dev.runpilot.sdk.spi.ContainerRuntime;
import dev.runpilot.sdk.spi.ContainerRuntimeFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.ServiceLoader;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The resources one scope of a {@link RunPilotTest} class shares: a temporary directory, the
 * {@link ScriptedRuntime} with its fallback, and the client, each created on first use. In server
 * mode the client talks over HTTP to a {@link RunPilotServer} on 127.0.0.1 (any free port, control
 * plane in the temporary directory), and an {@link Agent} connected to it runs the jobs through the
 * scripted runtime. Kept in the scope's {@link ExtensionContext.Store}, which closes it when the
 * scope ends; closing is idempotent.
 */
@SuppressWarnings("deprecation") // CloseableResource: still how JUnit before 5.13 closes stored values
final class TestEnvironment implements ExtensionContext.Store.CloseableResource, AutoCloseable {
    private final TestSettings settings;
    private final Path directory;
    private final ContainerRuntime fallback;
    private final ScriptedRuntime runtime;
    private final boolean serverMode;
    private RunPilotServer server;
    private Agent agent;
    private String userToken;
    private RunPilotClient client;
    private boolean closed;

    TestEnvironment(TestSettings settings, boolean serverMode) {
        this.settings = settings;
        this.serverMode = serverMode;
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

    boolean isServerMode() {
        return serverMode;
    }

    synchronized RunPilotClient client() {
        ensureOpen();
        if (client == null) {
            if (serverMode) {
                RunPilotServer started = server();
                client = RunPilot.client().endpoint(started.uri()).token(userToken).requestTimeout(Duration.ofSeconds(30)).build();
            } else {
                client = RunPilot.client().inMemory().runtime(runtime).workers(settings.workers()).build();
            }
        }
        return client;
    }

    /** The server, started on first use with the agent beside it (unless workers is 0). */
    synchronized RunPilotServer server() {
        ensureOpen();
        if (!serverMode) {
            throw new IllegalStateException("not in server mode");
        }
        if (server == null) {
            server = RunPilotServer.builder().home(directory.resolve("server")).bindAddress("127.0.0.1").port(0).build().start();
            userToken = server.tokens().createUserToken("runpilot-test");
            if (settings.workers() > 0) {
                agent();
            }
        }
        return server;
    }

    /** The agent connected to the server, running jobs through the scripted runtime. */
    synchronized Agent agent() {
        RunPilotServer started = server();
        if (agent == null) {
            if (settings.workers() < 1) {
                throw new ExtensionConfigurationException("@RunPilotTest(workers = 0) starts no agent; an Agent parameter needs"
                        + " workers of 1 or more");
            }
            agent = Agent.builder()
                    .endpoint(started.uri())
                    .token(started.tokens().createAgentToken("runpilot-test-agent"))
                    .runtime(runtime)
                    .workers(settings.workers())
                    .workDir(directory.resolve("agent-work"))
                    .gracePeriod(Duration.ofSeconds(1))
                    .build()
                    .start();
        }
        return agent;
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
            closeAll(client, agent, server);
        } finally {
            runtime.close();
            if (fallback != null) {
                fallback.close();
            }
            deleteTree(directory);
        }
    }

    /** Closes each in turn, even when an earlier one fails; the first failure is thrown with the others suppressed. */
    private static void closeAll(AutoCloseable... resources) {
        RuntimeException failure = null;
        for (AutoCloseable resource : resources) {
            if (resource == null) {
                continue;
            }
            try {
                resource.close();
            } catch (Exception e) {
                if (failure == null) {
                    failure = e instanceof RuntimeException r ? r : new IllegalStateException(e);
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
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
