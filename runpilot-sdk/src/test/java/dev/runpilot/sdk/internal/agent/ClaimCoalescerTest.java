package dev.runpilot.sdk.internal.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.runpilot.sdk.Job;
import dev.runpilot.sdk.LogLine;
import dev.runpilot.sdk.MetricPoint;
import dev.runpilot.sdk.RunStatus;
import dev.runpilot.sdk.internal.store.AttemptEnd;
import dev.runpilot.sdk.internal.store.AttemptStore;
import dev.runpilot.sdk.internal.store.Claim;
import dev.runpilot.sdk.internal.store.ClaimFilter;
import dev.runpilot.sdk.internal.store.Database;
import dev.runpilot.sdk.internal.store.LeaseState;
import dev.runpilot.sdk.internal.store.RunStore;
import dev.runpilot.sdk.internal.store.SourceRef;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Workers asking at once share one batch claim, each gets its own run, and none is claimed for nobody. */
class ClaimCoalescerTest {
    private static final Duration LEASE = Duration.ofSeconds(30);

    private Database db;
    private RunStore runs;
    private AttemptStore attempts;
    private ExecutorService workers;

    @BeforeEach
    void open() {
        db = Database.inMemory();
        runs = new RunStore(db, Clock.systemUTC());
        attempts = new AttemptStore(db, Clock.systemUTC(), new Random(1));
        workers = Executors.newFixedThreadPool(4);
    }

    @AfterEach
    void close() {
        workers.shutdownNow();
        db.close();
    }

    @Test
    void workersAskingWhileAClaimIsInFlightShareTheNextBatchAndEachGetsItsOwnRun() throws Exception {
        for (int i = 0; i < 10; i++) {
            runs.submit(Job.builder().name("run-" + i).command("true").build());
        }
        CountDownLatch firstCallEntered = new CountDownLatch(1);
        CountDownLatch releaseFirstCall = new CountDownLatch(1);
        CountingPlane plane = new CountingPlane(attempts, firstCallEntered, releaseFirstCall);
        ClaimCoalescer coalescer = new ClaimCoalescer(plane);
        List<Thread> askers = new CopyOnWriteArrayList<>();

        List<Future<Optional<Claim>>> results = new ArrayList<>();
        results.add(workers.submit(() -> {
            askers.add(Thread.currentThread());
            return coalescer.claim("agent", "h", LEASE);
        }));
        assertThat(firstCallEntered.await(30, TimeUnit.SECONDS)).isTrue();
        for (int i = 0; i < 3; i++) {
            results.add(workers.submit(() -> {
                askers.add(Thread.currentThread());
                return coalescer.claim("agent", "h", LEASE);
            }));
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> askers.size() == 4
                && askers.subList(1, 4).stream().allMatch(t -> t.getState() == Thread.State.WAITING));
        releaseFirstCall.countDown();

        List<String> claimed = new ArrayList<>();
        for (Future<Optional<Claim>> result : results) {
            claimed.add(result.get(30, TimeUnit.SECONDS).orElseThrow().runId());
        }
        assertThat(claimed).doesNotHaveDuplicates().hasSize(4);
        assertThat(plane.maxima).containsExactly(1, 3);
        assertThat(runs.list(dev.runpilot.sdk.RunQuery.builder().status(RunStatus.ASSIGNED).limit(100).build()).runs())
                .as("no run is claimed without a worker waiting for it").hasSize(4);
    }

    @Test
    void workersGetNothingWhenTheQueueHasFewerRunsThanWorkers() throws Exception {
        String only = runs.submit(Job.builder().name("only").command("true").build());
        ClaimCoalescer coalescer = new ClaimCoalescer(new CountingPlane(attempts, new CountDownLatch(0), new CountDownLatch(0)));

        List<Future<Optional<Claim>>> results = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            results.add(workers.submit(() -> coalescer.claim("agent", "h", LEASE)));
        }
        List<String> claimed = new ArrayList<>();
        for (Future<Optional<Claim>> result : results) {
            result.get(30, TimeUnit.SECONDS).ifPresent(c -> claimed.add(c.runId()));
        }
        assertThat(claimed).containsExactly(only);
    }

    @Test
    void aFailedClaimIsReportedToTheWorkerThatAskedAndTheNextAskWorks() throws Exception {
        runs.submit(Job.builder().name("after-failure").command("true").build());
        CountingPlane plane = new CountingPlane(attempts, new CountDownLatch(0), new CountDownLatch(0));
        plane.failNext = true;
        ClaimCoalescer coalescer = new ClaimCoalescer(plane);

        assertThatThrownBy(() -> coalescer.claim("agent", "h", LEASE)).hasMessageContaining("control plane unreachable");
        assertThat(coalescer.claim("agent", "h", LEASE)).isPresent();
    }

    /** A store plane that records the size of each batch claim and can hold the first one or fail. */
    private static final class CountingPlane implements AgentPlane {
        final List<Integer> maxima = new CopyOnWriteArrayList<>();
        private final StoreAgentPlane store;
        private final CountDownLatch entered;
        private final CountDownLatch release;
        volatile boolean failNext;

        CountingPlane(AttemptStore attempts, CountDownLatch entered, CountDownLatch release) {
            this.store = new StoreAgentPlane(attempts, null, null, Path.of("unused"), ClaimFilter.ANY);
            this.entered = entered;
            this.release = release;
        }

        @Override
        public List<Claim> claimUpTo(String agentId, String host, Duration lease, int max) {
            maxima.add(max);
            if (failNext) {
                failNext = false;
                throw new IllegalStateException("control plane unreachable");
            }
            if (maxima.size() == 1) {
                entered.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
            }
            return store.claimUpTo(agentId, host, lease, max);
        }

        @Override
        public Optional<Claim> claim(String agentId, String host, Duration lease) {
            return claimUpTo(agentId, host, lease, 1).stream().findFirst();
        }

        @Override
        public boolean markRunning(String runId, int attempt, String agentId, String description, OptionalLong pid,
                                   OptionalLong pidStartedAt) {
            return store.markRunning(runId, attempt, agentId, description, pid, pidStartedAt);
        }

        @Override
        public boolean isCancelRequested(String runId) {
            return store.isCancelRequested(runId);
        }

        @Override
        public Map<String, LeaseState> heartbeat(String agentId, Map<String, Integer> held, Duration lease) {
            return store.heartbeat(agentId, held, lease);
        }

        @Override
        public Set<String> cancelRequested(Collection<String> runIds) {
            return store.cancelRequested(runIds);
        }

        @Override
        public Optional<RunStatus> finish(String runId, int attempt, String agentId, AttemptEnd end) {
            return store.finish(runId, attempt, agentId, end);
        }

        @Override
        public long lastLogSequence(String runId) {
            throw new UnsupportedOperationException("not used by claims");
        }

        @Override
        public void append(String runId, List<LogLine> lines, List<MetricPoint> points) {
            throw new UnsupportedOperationException("not used by claims");
        }

        @Override
        public Optional<InputStream> openSource(String runId, SourceRef source) {
            throw new UnsupportedOperationException("not used by claims");
        }

        @Override
        public String sourceLocation() {
            return "none";
        }

        @Override
        public void archiveLog(String runId, int attempt) {
            throw new UnsupportedOperationException("not used by claims");
        }

        @Override
        public int storeArtifacts(String runId, int attempt, Path workDir, List<String> globs, Consumer<String> notes) {
            throw new UnsupportedOperationException("not used by claims");
        }
    }
}
