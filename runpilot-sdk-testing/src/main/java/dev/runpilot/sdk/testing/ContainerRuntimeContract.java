package dev.runpilot.sdk.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.runpilot.sdk.Job;
import dev.runpilot.sdk.LogStream;
import dev.runpilot.sdk.RunPilotException;
import dev.runpilot.sdk.spi.ContainerRuntime;
import dev.runpilot.sdk.spi.Execution;
import dev.runpilot.sdk.spi.ExecutionRequest;
import dev.runpilot.sdk.spi.ExitStatus;
import dev.runpilot.sdk.spi.OutputListener;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The behaviour every {@link ContainerRuntime} must show, as the agent relies on it. A runtime's test
 * extends this class and supplies the runtime; every test here then starts real executions through
 * it, the way an agent does, and checks what comes back.
 *
 * <pre>{@code
 * class MyRuntimeContractTest extends ContainerRuntimeContract {
 *     @Override
 *     protected ContainerRuntime createRuntime() {
 *         return new MyRuntime(...);
 *     }
 *
 *     @Override
 *     protected Job.Builder job() {                 // for a container runtime: an image with a POSIX sh
 *         return super.job().image("busybox:local");
 *     }
 * }
 * }</pre>
 *
 * <p>The jobs are small POSIX shell commands ({@code echo}, {@code exit}, {@code sleep}, {@code trap}),
 * so the runtime must run them in an environment with {@code sh}. What is checked: output reaches
 * the listener line by line, stdout and stderr apart and in order, all of it before the end is
 * reported; exit codes; the request's environment; the work directory; a running execution is
 * reported as running; {@code stop} ends it (also when it ignores SIGTERM) and returns only once it
 * has ended; and a program that does not exist fails clearly.
 *
 * @since 0.1.0
 */
public abstract class ContainerRuntimeContract {
    /** The runtime under test, fresh for each test. */
    protected ContainerRuntime runtime;

    /** The work directory of the test's execution. */
    @TempDir
    protected Path workDir;

    private final List<Execution> started = new ArrayList<>();
    private final AtomicInteger attempts = new AtomicInteger();

    /**
     * Returns a new runtime. Called before each test; closed after it.
     *
     * @return the runtime
     * @throws Exception if it cannot be created; the test fails
     */
    protected abstract ContainerRuntime createRuntime() throws Exception;

    /**
     * Returns the job every execution of the contract starts from: a name, plus whatever the runtime
     * needs (a container runtime adds an image with a POSIX shell). The contract sets the command.
     *
     * @return a job builder
     */
    protected Job.Builder job() {
        return Job.builder().name("contract");
    }

    /**
     * Returns how long the contract waits for a short job to end. Default 60 s.
     *
     * @return the longest wait
     */
    protected Duration patience() {
        return Duration.ofSeconds(60);
    }

    @BeforeEach
    final void openRuntime() throws Exception {
        runtime = createRuntime();
    }

    @AfterEach
    final void closeRuntime() throws InterruptedException {
        try {
            for (Execution execution : started) {
                execution.stop(Duration.ZERO);
            }
        } finally {
            if (runtime != null) {
                runtime.close();
            }
        }
    }

    @Test
    void hasAName() {
        assertThat(runtime.name()).isNotBlank();
    }

    @Test
    void acceptsAPlainJob() {
        assertThat(runtime.unsupported(job().command("echo", "hello").build())).isEmpty();
    }

    @Test
    void echoReachesTheListenerAndExitsWithZero() throws Exception {
        Recording output = new Recording();
        Execution execution = start(List.of("echo", "hello, runtime"), Map.of(), output);
        assertThat(end(execution).exitCode()).isZero();
        assertThat(output.lines(LogStream.STDOUT)).containsExactly("hello, runtime");
    }

    @Test
    void nonZeroExitCodesAreReportedAsTheyAre() throws Exception {
        for (int code : new int[] {1, 3, 42}) {
            Execution execution = start(shell("exit " + code), Map.of(), new Recording());
            assertThat(end(execution).exitCode()).as("exit %d", code).isEqualTo(code);
        }
    }

    @Test
    void theRequestEnvironmentReachesTheJob() throws Exception {
        Recording output = new Recording();
        Execution execution = start(shell("echo \"value=$RUNPILOT_CONTRACT_VALUE\""),
                Map.of("RUNPILOT_CONTRACT_VALUE", "forty two"), output);
        assertThat(end(execution).exitCode()).isZero();
        assertThat(output.lines(LogStream.STDOUT)).containsExactly("value=forty two");
    }

    @Test
    void theJobStartsInItsWorkDirectory() throws Exception {
        Execution execution = start(shell("echo written > contract-output.txt"), Map.of(), new Recording());
        assertThat(end(execution).exitCode()).isZero();
        Path written = workDir.resolve("contract-output.txt");
        assertThat(written).exists();
        assertThat(Files.readString(written, StandardCharsets.UTF_8).trim()).isEqualTo("written");
    }

    @Test
    void stdoutAndStderrArriveApartAndInOrder() throws Exception {
        Recording output = new Recording();
        Execution execution = start(shell("echo out-1; echo err-1 >&2; echo out-2; echo err-2 >&2"), Map.of(), output);
        assertThat(end(execution).exitCode()).isZero();
        assertThat(output.lines(LogStream.STDOUT)).containsExactly("out-1", "out-2");
        assertThat(output.lines(LogStream.STDERR)).containsExactly("err-1", "err-2");
    }

    @Test
    void everyLineIsDeliveredBeforeTheEndIsReported() throws Exception {
        Recording output = new Recording();
        Execution execution = start(shell("i=1; while [ $i -le 2000 ]; do echo line-$i; i=$((i+1)); done"), Map.of(), output);
        assertThat(end(execution).exitCode()).isZero();
        List<String> lines = output.lines(LogStream.STDOUT);
        assertThat(lines).hasSize(2000);
        assertThat(lines.get(0)).isEqualTo("line-1");
        assertThat(lines.get(1999)).isEqualTo("line-2000");
    }

    @Test
    void aRunningExecutionIsReportedAsRunning() throws Exception {
        Execution execution = start(shell("sleep 600"), Map.of(), new Recording());
        assertThat(execution.waitFor(Duration.ofMillis(200))).as("status of a job that sleeps 600 s").isEmpty();
        assertThat(execution.describe()).isNotBlank();
    }

    @Test
    void stopEndsARunningJobAndReturnsOnceItEnded() throws Exception {
        Execution execution = start(shell("sleep 600"), Map.of(), new Recording());
        assertThat(execution.waitFor(Duration.ofMillis(100))).isEmpty();
        execution.stop(Duration.ofSeconds(5));
        Optional<ExitStatus> status = execution.waitFor(Duration.ZERO);
        assertThat(status).as("status right after stop returned").isPresent();
        assertThat(status.get().exitCode()).isNotZero();
    }

    @Test
    void stopKillsAJobThatIgnoresSigterm() throws Exception {
        Recording output = new Recording();
        Execution execution = start(shell("trap '' TERM; echo trapped; sleep 600"), Map.of(), output);
        awaitLine(output, "trapped");
        execution.stop(Duration.ofMillis(500));
        Optional<ExitStatus> status = execution.waitFor(Duration.ZERO);
        assertThat(status).as("status right after stop returned").isPresent();
        assertThat(status.get().exitCode()).isNotZero();
    }

    @Test
    void stoppingAFinishedExecutionIsHarmless() throws Exception {
        Execution execution = start(List.of("echo", "done"), Map.of(), new Recording());
        ExitStatus status = end(execution);
        execution.stop(Duration.ofSeconds(1));
        assertThat(execution.waitFor(Duration.ZERO)).contains(status);
    }

    @Test
    void aMissingProgramFailsClearly() throws Exception {
        String program = "runpilot-no-such-program-" + System.nanoTime();
        Execution execution;
        try {
            execution = start(List.of(program), Map.of(), new Recording());
        } catch (RunPilotException refused) {
            assertThat(refused.getMessage()).contains(program);
            return;
        }
        assertThat(end(execution).exitCode()).as("exit code of a program that does not exist").isNotZero();
    }

    /** Starts an execution the way an agent does, and remembers it so that it is stopped after the test. */
    protected final Execution start(List<String> command, Map<String, String> environment, OutputListener output) {
        int attempt = attempts.incrementAndGet();
        Job job = job().command(command).build();
        Execution execution = runtime.start(new ExecutionRequest("r-contract", attempt, "contract-agent", job, command,
                environment, workDir, output));
        started.add(execution);
        return execution;
    }

    /** Waits for an execution to end, failing the test if it takes longer than {@link #patience()}. */
    protected final ExitStatus end(Execution execution) throws InterruptedException {
        return execution.waitFor(patience()).orElseThrow(() ->
                new AssertionError(execution.describe() + " did not end within " + patience()));
    }

    private void awaitLine(Recording output, String line) throws InterruptedException {
        long deadline = System.nanoTime() + patience().toNanos();
        synchronized (output) {
            while (!output.lines(LogStream.STDOUT).contains(line)) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    fail("the job did not print '" + line + "' within " + patience());
                }
                output.wait(Math.max(1, left / 1_000_000));
            }
        }
    }

    private static List<String> shell(String script) {
        return List.of("sh", "-c", script);
    }

    /** Output lines per stream, in arrival order. */
    private static final class Recording implements OutputListener {
        private final List<LogStream> streams = new ArrayList<>();
        private final List<String> texts = new ArrayList<>();

        @Override
        public synchronized void onLine(LogStream stream, String line) {
            streams.add(stream);
            texts.add(line);
            notifyAll();
        }

        synchronized List<String> lines(LogStream stream) {
            List<String> lines = new ArrayList<>();
            for (int i = 0; i < texts.size(); i++) {
                if (streams.get(i) == stream) {
                    lines.add(texts.get(i));
                }
            }
            return lines;
        }
    }
}
