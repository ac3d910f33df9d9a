package dev.runpilot.docker;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.opentest4j.TestAbortedException;

/**
 * Connects the tests to the engine once per test JVM (kept in JUnit's root store, closed by JUnit at the end) and
 * builds the busybox test images there. Skips, or under {@code CI=true} fails, when no engine answers.
 */
public final class DockerEngineExtension implements BeforeAllCallback, ParameterResolver {
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(DockerEngineExtension.class);

    @Override
    public void beforeAll(ExtensionContext context) {
        engine(context);
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == TestDocker.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return engine(context);
    }

    static TestDocker engine(ExtensionContext context) {
        ExtensionContext.Store store = context.getRoot().getStore(NAMESPACE);
        String unavailable = store.getOrComputeIfAbsent("unavailable", key -> TestDocker.unavailableReason(), String.class);
        if (!unavailable.isEmpty()) {
            String message = "These tests need a Docker engine (scripts/test.sh installs and starts one): " + unavailable;
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                throw new AssertionError(message);
            }
            throw new TestAbortedException(message);
        }
        return store.getOrComputeIfAbsent(TestDocker.class, key -> TestDocker.connect(), TestDocker.class);
    }

    /** Fails (CI) or skips the calling test when a tool the test needs is missing. */
    static void requireTool(String tool, String hint) {
        boolean found = java.util.Arrays.stream(System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator))
                .anyMatch(dir -> java.nio.file.Files.isExecutable(java.nio.file.Path.of(dir, tool)));
        if (found) {
            return;
        }
        String message = "This test needs " + tool + " on the PATH (" + hint + ")";
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            throw new AssertionError(message);
        }
        throw new TestAbortedException(message);
    }
}
