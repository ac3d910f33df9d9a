package dev.runpilot.sdk.testing;

import dev.runpilot.sdk.RunPilotClient;
import dev.runpilot.sdk.agent.Agent;
import dev.runpilot.sdk.server.RunPilotServer;
import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.Executable;
import java.util.Arrays;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * The JUnit 5 extension behind {@link RunPilotTest}: resolves {@link RunPilotClient},
 * {@link ScriptedRuntime}, {@link RunPilotServer} and {@link Agent} parameters.
 *
 * <p>A scope whose parameters include a {@link RunPilotServer} or an {@link Agent} (in the method
 * being called, or in the test method of the scope), or whose class says
 * {@link RunPilotTest#server() server = true}, runs in server mode: a server on 127.0.0.1 on a free
 * port with its control plane in the scope's temporary directory, an agent connected to it that runs
 * jobs through the scripted runtime, and a client that talks to the server over HTTP. Otherwise the
 * client is embedded, with its own local agent.
 *
 * <p>The resources of one scope (a test method under {@link RunPilotTest.Isolation#PER_METHOD}, the
 * test class otherwise) are created on the first parameter that asks for them and kept in that
 * scope's {@link ExtensionContext.Store}, so JUnit closes them when the scope ends, whether its tests
 * passed or not: the client (stopping its agent and any run still going), then the runtimes, then
 * the temporary directory. Nothing is held in static state, so classes may run in parallel.
 *
 * <p>Register it with {@link RunPilotTest}; {@code @ExtendWith(RunPilotExtension.class)} alone uses
 * the defaults of {@link RunPilotTest}.
 *
 * @since 0.1.0
 */
public final class RunPilotExtension implements ParameterResolver, BeforeAllCallback {
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(RunPilotExtension.class);
    private static final Set<Class<?>> SUPPORTED = Set.of(RunPilotClient.class, ScriptedRuntime.class, RunPilotServer.class,
            Agent.class);
    private static final Set<Class<?>> SERVER_TYPES = Set.of(RunPilotServer.class, Agent.class);

    /** Creates the extension; JUnit does this for {@link RunPilotTest}. */
    public RunPilotExtension() {
    }

    /**
     * Checks the class's {@link RunPilotTest} settings, so that a runtime name that is not on the
     * class path fails the class before any test runs.
     *
     * @param context the class's context
     */
    @Override
    public void beforeAll(ExtensionContext context) {
        TestEnvironment.validate(settings(context));
    }

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return SUPPORTED.contains(parameterContext.getParameter().getType());
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        Class<?> type = parameterContext.getParameter().getType();
        boolean wantsServer = asksForServer(parameterContext.getDeclaringExecutable())
                || extensionContext.getTestMethod().map(RunPilotExtension::asksForServer).orElse(false);
        TestEnvironment environment = environment(extensionContext, wantsServer);
        if (SERVER_TYPES.contains(type) && !environment.isServerMode()) {
            throw new ParameterResolutionException("A " + type.getSimpleName() + " parameter of "
                    + parameterContext.getDeclaringExecutable().getName() + " arrives after this scope's client was made"
                    + " without a server. Declare the RunPilotServer or Agent parameter in the test method (or the"
                    + " same parameter list as the client), or set @RunPilotTest(server = true)");
        }
        if (type == RunPilotClient.class) {
            return environment.client();
        }
        if (type == ScriptedRuntime.class) {
            return environment.runtime();
        }
        if (type == RunPilotServer.class) {
            return environment.server();
        }
        if (type == Agent.class) {
            return environment.agent();
        }
        throw new ParameterResolutionException("RunPilotExtension cannot provide a " + type.getName());
    }

    private static boolean asksForServer(Executable executable) {
        return Arrays.stream(executable.getParameterTypes()).anyMatch(SERVER_TYPES::contains);
    }

    /**
     * The environment of the scope the context belongs to, created on first use: in server mode if the
     * annotation asks for it or the parameters being resolved include a server or an agent.
     */
    static TestEnvironment environment(ExtensionContext context, boolean wantsServer) {
        TestSettings settings = settings(context);
        ExtensionContext scope = scope(context, settings.isolation());
        return scope.getStore(NAMESPACE).getOrComputeIfAbsent(TestEnvironment.class,
                key -> new TestEnvironment(settings, settings.server() || wantsServer), TestEnvironment.class);
    }

    /**
     * The context whose store holds the resources: the test method's under per-method isolation
     * (for the method and its {@code @BeforeEach} and {@code @AfterEach}), otherwise the nearest
     * class's.
     */
    private static ExtensionContext scope(ExtensionContext context, RunPilotTest.Isolation isolation) {
        if (isolation == RunPilotTest.Isolation.PER_METHOD && context.getTestMethod().isPresent()) {
            return context;
        }
        ExtensionContext current = context;
        while (current.getTestMethod().isPresent() && current.getParent().isPresent()) {
            current = current.getParent().get();
        }
        return current;
    }

    private static TestSettings settings(ExtensionContext context) {
        Optional<ExtensionContext> current = Optional.of(context);
        while (current.isPresent()) {
            Optional<AnnotatedElement> element = current.get().getElement();
            if (element.isPresent()) {
                Optional<RunPilotTest> annotation = AnnotationSupport.findAnnotation(element.get(), RunPilotTest.class);
                if (annotation.isPresent()) {
                    return TestSettings.of(annotation.get());
                }
            }
            current = current.get().getParent();
        }
        return TestSettings.DEFAULT;
    }
}
