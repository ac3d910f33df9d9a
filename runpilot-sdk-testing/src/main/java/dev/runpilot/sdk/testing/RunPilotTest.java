package dev.runpilot.sdk.testing;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Runs a JUnit 5 test class with RunPilot: its test methods, constructors and lifecycle methods can
 * declare parameters of type {@link dev.runpilot.sdk.RunPilotClient}, {@link ScriptedRuntime},
 * {@link dev.runpilot.sdk.server.RunPilotServer} and {@link dev.runpilot.sdk.agent.Agent}, which
 * {@link RunPilotExtension} provides over an in-memory (or temporary-directory) control plane and
 * temporary storage, and closes when their scope ends. A test that asks for a server gets a client
 * that talks to it over HTTP, and an agent connected to it that runs the jobs.
 *
 * <pre>{@code
 * @RunPilotTest
 * class TrainingPipelineTest {
 *     @Test
 *     void retriesATransientFailure(RunPilotClient client, ScriptedRuntime runtime) {
 *         runtime.whenJobNamed("train").exitsWith(75).then().stdout("ok");
 *         Run run = client.submit(Job.builder().name("train").command("python", "train.py")
 *                 .retry(RetryPolicy.maxAttempts(2)).build());
 *         assertThat(run).succeeded().hasAttempts(2).hasLogLine("ok");
 *     }
 * }
 * }</pre>
 *
 * <p>The client's jobs go to the injected {@link ScriptedRuntime}; a job that no script matches runs
 * in the runtime named by {@link #runtime()} ({@code process} by default), or is refused at submit
 * when that is {@value ScriptedRuntime#NAME}.
 *
 * @since 0.1.0
 */
@Target({ElementType.TYPE, ElementType.ANNOTATION_TYPE})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(RunPilotExtension.class)
public @interface RunPilotTest {
    /**
     * Returns how long one set of injected resources lives. Default: a fresh client and runtime for
     * every test method.
     *
     * @return the isolation
     */
    Isolation isolation() default Isolation.PER_METHOD;

    /**
     * Returns how many runs the client's local agent runs at once. Default 2; 0 starts no agent (the
     * client only submits and reads).
     *
     * @return the worker count
     */
    int workers() default 2;

    /**
     * Returns the runtime that runs the jobs no script of the injected {@link ScriptedRuntime}
     * matches: a runtime name found through {@link java.util.ServiceLoader} (such as {@code process}
     * or {@code docker}), or {@value ScriptedRuntime#NAME} to refuse unscripted jobs. Default
     * {@code process}.
     *
     * @return the runtime name
     */
    String runtime() default "process";

    /**
     * Returns whether every scope runs in server mode: the injected client talks over HTTP to a
     * {@link dev.runpilot.sdk.server.RunPilotServer} on 127.0.0.1, and an
     * {@link dev.runpilot.sdk.agent.Agent} connected to it runs the jobs. Default false: server mode
     * only for scopes whose parameters include a server or an agent.
     *
     * @return true for server mode everywhere
     */
    boolean server() default false;

    /**
     * How long the resources injected into a test class live.
     *
     * @since 0.1.0
     */
    enum Isolation {
        /**
         * One client (and runtime, server, agent) per test method, closed after it; parameters of
         * {@code @BeforeAll} methods, and of constructors, get the class's own set.
         */
        PER_METHOD,
        /** One client (and runtime, server, agent) for the whole class, closed after its last test. */
        PER_CLASS
    }
}
