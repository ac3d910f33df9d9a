package dev.runpilot.sdk.testing;

import static dev.runpilot.sdk.testing.RunPilotAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import dev.runpilot.sdk.CancelOutcome;
import dev.runpilot.sdk.FailureReason;
import dev.runpilot.sdk.Run;
import dev.runpilot.sdk.RunPilot;
import dev.runpilot.sdk.RunPilotClient;
import dev.runpilot.sdk.RunStatus;
import dev.runpilot.sdk.spi.ComputeContext;
import dev.runpilot.sdk.spi.ComputeProvider;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link ComputeProvider} must show. A provider's test extends this class and
 * supplies the provider; every test here builds a client over an in-memory control plane with that
 * provider, submits real jobs (small POSIX shell commands from {@link TestJobs}) and checks that they
 * run, fail, and cancel as they should, and that the provider's lifecycle and hooks are honoured.
 *
 * <pre>{@code
 * class MyProviderContractTest extends ComputeProviderContract {
 *     @Override
 *     protected ComputeProvider createProvider() {
 *         return new MyProvider(...);
 *     }
 * }
 * }</pre>
 *
 * <p>The provider is wrapped in a recorder before the client gets it, so the contract sees every call:
 * {@code start} exactly once when the client opens, {@code runQueued} for each run before its
 * {@code runFinished}, and {@code close} when the client closes. A provider whose agents run
 * somewhere else (an instance per run, say) overrides {@link #configure(RunPilotClient.Builder)} to
 * give the client what those agents need, and {@link #patience()} if they are slow to come up.
 *
 * @since 0.1.0
 */
public abstract class ComputeProviderContract {
    private final List<RunPilotClient> clients = new ArrayList<>();

    /**
     * Returns a new provider, not started. Called once per test.
     *
     * @return the provider
     * @throws Exception if it cannot be created; the test fails
     */
    protected abstract ComputeProvider createProvider() throws Exception;

    /**
     * Configures the client the contract builds around the provider. Default: an in-memory control
     * plane, the {@code process} runtime, 2 workers, a 1 s grace period.
     *
     * @param builder a fresh builder
     * @return the builder to build the client from
     */
    protected RunPilotClient.Builder configure(RunPilotClient.Builder builder) {
        return builder.inMemory().runtime("process").workers(2).gracePeriod(Duration.ofSeconds(1));
    }

    /**
     * Returns how long the contract waits for a short run to end. Default 60 s.
     *
     * @return the longest wait
     */
    protected Duration patience() {
        return Duration.ofSeconds(60);
    }

    @AfterEach
    final void closeClients() {
        clients.forEach(RunPilotClient::close);
    }

    @Test
    void hasAName() throws Exception {
        assertThat(createProvider().name()).isNotBlank();
    }

    @Test
    void isStartedOnceWhenTheClientOpensAndClosedWhenItCloses() throws Exception {
        Recorder provider = new Recorder(createProvider());
        RunPilotClient client = open(provider);
        assertThat(provider.calls()).containsExactly("start");
        client.close();
        assertThat(provider.calls()).containsExactly("start", "close");
    }

    @Test
    void aSubmittedJobRunsToCompletion() throws Exception {
        RunPilotClient client = open(new Recorder(createProvider()));
        Run run = client.submit(TestJobs.echo("hello from the provider").build());
        assertThat(run).within(patience()).succeeded().hasExitCode(0).hasLogLine("hello from the provider");
    }

    @Test
    void severalJobsAllRun() throws Exception {
        RunPilotClient client = open(new Recorder(createProvider()));
        List<Run> runs = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            runs.add(client.submit(TestJobs.echo("job " + i).label("index", Integer.toString(i)).build()));
        }
        for (int i = 0; i < runs.size(); i++) {
            assertThat(runs.get(i)).within(patience()).succeeded().hasLogLine("job " + i);
        }
    }

    @Test
    void aFailingJobFailsWithItsExitCode() throws Exception {
        RunPilotClient client = open(new Recorder(createProvider()));
        Run run = client.submit(TestJobs.failing(3).build());
        assertThat(run).within(patience()).failed().hasExitCode(3).hasFailureReason(FailureReason.EXIT_CODE)
                .hasLogLine("failing with 3");
    }

    @Test
    void runQueuedAndRunFinishedAreCalledForEachRunInThatOrder() throws Exception {
        Recorder provider = new Recorder(createProvider());
        RunPilotClient client = open(provider);
        Run first = client.submit(TestJobs.noop().build());
        Run second = client.submit(TestJobs.failing(1).build());
        assertThat(first).within(patience()).succeeded();
        assertThat(second).within(patience()).failed();
        waitFor(() -> provider.calls().contains("runFinished " + first.id())
                && provider.calls().contains("runFinished " + second.id()), "runFinished for both runs");
        for (Run run : List.of(first, second)) {
            List<String> calls = provider.calls();
            assertThat(calls).contains("runQueued " + run.id());
            assertThat(calls.indexOf("runQueued " + run.id())).isLessThan(calls.indexOf("runFinished " + run.id()));
        }
    }

    @Test
    void aRunningJobCanBeCancelled() throws Exception {
        RunPilotClient client = open(new Recorder(createProvider()));
        Run run = client.submit(TestJobs.sleeping(Duration.ofMinutes(10)).build());
        waitFor(() -> run.status() == RunStatus.RUNNING, "the run to start");
        assertThat(run.cancel()).isIn(CancelOutcome.CANCELLING, CancelOutcome.CANCELLED);
        assertThat(run).within(patience()).hasStatus(RunStatus.CANCELLED);
    }

    @Test
    void aJobThatOutlivesItsTimeoutTimesOut() throws Exception {
        RunPilotClient client = open(new Recorder(createProvider()));
        Run run = client.submit(TestJobs.sleeping(Duration.ofMinutes(10)).timeout(Duration.ofMillis(300)).build());
        assertThat(run).within(patience()).hasStatus(RunStatus.TIMED_OUT).hasFailureReason(FailureReason.TIMEOUT);
    }

    /** Opens a client around a provider; it is closed after the test. */
    private RunPilotClient open(ComputeProvider provider) {
        RunPilotClient client = configure(RunPilot.client()).compute(provider).build();
        clients.add(client);
        return client;
    }

    private void waitFor(java.util.function.BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + patience().toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + patience() + " waiting for " + what);
            }
            Thread.onSpinWait();
            synchronized (this) {
                wait(10);
            }
        }
    }

    /** Passes every call to the provider under test and records it. */
    private static final class Recorder implements ComputeProvider {
        private final ComputeProvider delegate;
        private final List<String> calls = new ArrayList<>();

        Recorder(ComputeProvider delegate) {
            this.delegate = delegate;
        }

        synchronized List<String> calls() {
            return List.copyOf(calls);
        }

        private synchronized void record(String call) {
            calls.add(call);
        }

        @Override
        public String name() {
            return delegate.name();
        }

        @Override
        public void start(ComputeContext context) {
            record("start");
            delegate.start(context);
        }

        @Override
        public void runQueued(String runId) {
            record("runQueued " + runId);
            delegate.runQueued(runId);
        }

        @Override
        public void runFinished(String runId) {
            record("runFinished " + runId);
            delegate.runFinished(runId);
        }

        @Override
        public void close() {
            record("close");
            delegate.close();
        }

        @Override
        public String toString() {
            return "recorded " + delegate.name() + Optional.of(calls()).map(List::toString).orElse("");
        }
    }
}
