package dev.runpilot.sdk.internal.store;

import static dev.runpilot.sdk.RunStatus.ASSIGNED;
import static dev.runpilot.sdk.RunStatus.CANCELLED;
import static dev.runpilot.sdk.RunStatus.CANCELLING;
import static dev.runpilot.sdk.RunStatus.FAILED;
import static dev.runpilot.sdk.RunStatus.PENDING;
import static dev.runpilot.sdk.RunStatus.QUEUED;
import static dev.runpilot.sdk.RunStatus.RUNNING;
import static dev.runpilot.sdk.RunStatus.SUCCEEDED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runpilot.sdk.CancelOutcome;
import dev.runpilot.sdk.ControlPlaneException;
import dev.runpilot.sdk.FailureReason;
import dev.runpilot.sdk.Job;
import dev.runpilot.sdk.LogLine;
import dev.runpilot.sdk.LogStream;
import dev.runpilot.sdk.MetricPoint;
import dev.runpilot.sdk.RetryPolicy;
import dev.runpilot.sdk.RunEvent;
import dev.runpilot.sdk.RunStatus;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The store's behaviour, the same on every database it runs on: each subclass supplies only how to
 * open a database, as another process would (its own connection or pool, the same data).
 */
abstract class StoreContractTest {
    private static final Duration LEASE = Duration.ofSeconds(30);

    private final MutableClock clock = new MutableClock();
    private final List<Database> opened = new ArrayList<>();
    private Database db;
    private RunStore runs;
    private AttemptStore attempts;
    private OutputStore outputs;

    /** Opens the test's database: a new connection (or pool) each time, to the same data. */
    abstract Database openDatabase();

    Database open() {
        Database database = openDatabase();
        synchronized (opened) {
            opened.add(database);
        }
        return database;
    }

    @BeforeEach
    void openStores() {
        db = open();
        runs = new RunStore(db, clock);
        attempts = new AttemptStore(db, clock, new Random(1));
        outputs = new OutputStore(db);
    }

    @AfterEach
    void closeDatabases() {
        opened.forEach(Database::close);
    }

    private static Job job(String name) {
        return Job.builder().name(name).command("true").build();
    }

    private String submit(String name) {
        return runs.submit(job(name));
    }

    private Claim claim(String agent) {
        return attempts.claim(agent, "host-" + agent, LEASE).orElseThrow(() -> new AssertionError("nothing to claim"));
    }

    private RunStatus status(String id) {
        return runs.info(id).orElseThrow().status();
    }

    private void run(Claim claim, String agent) {
        assertThat(attempts.markRunning(claim.runId(), claim.attempt(), agent, "test", OptionalLong.of(42), OptionalLong.empty()))
                .isTrue();
    }

    @Test
    void submittedRunIsQueuedWithItsFirstEvent() {
        String id = runs.submit(Job.builder().name("one").command("true").label("team", "a").secret("TOKEN", "s3cret").build());

        assertThat(runs.info(id).orElseThrow().status()).isEqualTo(QUEUED);
        assertThat(runs.info(id).orElseThrow().labels()).containsEntry("team", "a");
        assertThat(runs.events(id)).extracting(RunEvent::from, RunEvent::to).containsExactly(
                org.assertj.core.groups.Tuple.tuple(Optional.empty(), QUEUED));
    }

    @Test
    void claimTakesTheHighestPriorityThenTheOldestAndHandsOverSecrets() {
        String low = runs.submit(Job.builder().name("low").command("true").priority(1).build());
        String firstHigh = runs.submit(Job.builder().name("high-1").command("true").priority(5).secret("K", "v").build());
        String secondHigh = runs.submit(Job.builder().name("high-2").command("true").priority(5).build());

        Claim first = claim("a");
        assertThat(first.runId()).isEqualTo(firstHigh);
        assertThat(first.job().secrets()).containsEntry("K", "v");
        assertThat(claim("a").runId()).isEqualTo(secondHigh);
        assertThat(claim("a").runId()).isEqualTo(low);
        assertThat(attempts.claim("a", "h", LEASE)).isEmpty();
    }

    @Test
    void everyTransitionOfASuccessfulRunIsRecordedAsAnEvent() {
        String id = submit("ok");
        Claim claim = claim("agent-1");
        run(claim, "agent-1");

        assertThat(attempts.finish(id, claim.attempt(), "agent-1", AttemptEnd.exited(0))).contains(SUCCEEDED);
        assertThat(runs.events(id)).extracting(RunEvent::to).containsExactly(QUEUED, ASSIGNED, RUNNING, SUCCEEDED);
        assertThat(runs.events(id)).extracting(e -> e.from().orElse(null)).containsExactly(null, QUEUED, ASSIGNED, RUNNING);
        assertThat(runs.attempts(id)).singleElement().satisfies(a -> {
            assertThat(a.agentId()).isEqualTo("agent-1");
            assertThat(a.exitCode()).hasValue(0);
        });
        assertThat(runs.eventsAfter(0, 100)).extracting(RunEvent::runId).containsOnly(id).hasSize(4);
        assertThat(runs.lastEventSeq()).isEqualTo(runs.events(id).get(3).sequence());
    }

    @Test
    void anAgentThatNoLongerHoldsTheRunCannotMoveIt() {
        String id = submit("held");
        Claim claim = claim("owner");

        assertThat(attempts.markRunning(id, claim.attempt(), "intruder", "x", OptionalLong.empty(), OptionalLong.empty())).isFalse();
        assertThat(attempts.finish(id, claim.attempt(), "intruder", AttemptEnd.exited(0))).isEmpty();
        assertThat(status(id)).isEqualTo(ASSIGNED);
    }

    @Test
    void concurrentAgentsClaimEveryRunExactlyOnce() throws Exception {
        int total = 500;
        int agents = 8;
        for (int i = 0; i < total; i++) {
            submit("race-" + i);
        }
        Map<String, String> claimedBy = new ConcurrentHashMap<>();
        ConcurrentLinkedQueue<String> duplicates = new ConcurrentLinkedQueue<>();
        ExecutorService pool = Executors.newFixedThreadPool(agents);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Integer>> counts = new ArrayList<>();
        for (int a = 0; a < agents; a++) {
            String agent = "agent-" + a;
            Database own = open();
            AttemptStore store = new AttemptStore(own, clock, new Random(a));
            counts.add(pool.submit(() -> {
                start.await();
                int mine = 0;
                for (Optional<Claim> c = store.claim(agent, "h", LEASE); c.isPresent(); c = store.claim(agent, "h", LEASE)) {
                    if (claimedBy.putIfAbsent(c.get().runId(), agent) != null) {
                        duplicates.add(c.get().runId());
                    }
                    mine++;
                }
                return mine;
            }));
        }
        start.countDown();
        int sum = 0;
        for (Future<Integer> count : counts) {
            sum += count.get(2, TimeUnit.MINUTES);
        }
        pool.shutdown();

        assertThat(duplicates).isEmpty();
        assertThat(sum).isEqualTo(total);
        assertThat(claimedBy).hasSize(total);
        assertThat(runs.list(dev.runpilot.sdk.RunQuery.builder().status(ASSIGNED).limit(1000).build()).runs()).hasSize(total);
    }

    @Test
    void aBatchClaimTakesAtMostNRunsInPriorityOrderEachWithItsOwnAttemptEventAndLease() {
        String low = runs.submit(Job.builder().name("low").command("true").priority(1).build());
        String high = runs.submit(Job.builder().name("high").command("true").priority(9).secret("K", "v").build());
        String mid1 = runs.submit(Job.builder().name("mid-1").command("true").priority(5).build());
        String mid2 = runs.submit(Job.builder().name("mid-2").command("true").priority(5).build());

        List<Claim> first = attempts.claimUpTo("batcher", "host-b", LEASE, ClaimFilter.ANY, 3);

        assertThat(first).extracting(Claim::runId).containsExactly(high, mid1, mid2);
        assertThat(first).extracting(Claim::attempt).containsOnly(1);
        assertThat(first.get(0).job().secrets()).containsEntry("K", "v");
        for (Claim claim : first) {
            assertThat(status(claim.runId())).isEqualTo(ASSIGNED);
            assertThat(runs.attempts(claim.runId())).singleElement().satisfies(a -> assertThat(a.agentId()).isEqualTo("batcher"));
            assertThat(runs.events(claim.runId())).extracting(RunEvent::to).containsExactly(QUEUED, ASSIGNED);
        }
        assertThat(status(low)).isEqualTo(QUEUED);
        assertThat(attempts.claimUpTo("batcher", "host-b", LEASE, ClaimFilter.ANY, 10)).extracting(Claim::runId).containsExactly(low);
        assertThat(attempts.claimUpTo("batcher", "host-b", LEASE, ClaimFilter.ANY, 10)).isEmpty();

        // Every run of the batch holds a lease of its own: renewing one keeps only that one.
        clock.advance(LEASE.minusSeconds(5));
        assertThat(attempts.heartbeat("batcher", Map.of(mid1, 1), LEASE)).containsEntry(mid1, LeaseState.HELD);
        clock.advance(Duration.ofSeconds(10));
        List<OrphanedAttempt> lapsed = attempts.expireLeases();
        assertThat(lapsed).extracting(OrphanedAttempt::runId).containsExactlyInAnyOrder(high, mid2, low);
        assertThat(lapsed).extracting(OrphanedAttempt::host).containsOnly("host-b");
        assertThat(status(mid1)).isEqualTo(ASSIGNED);
    }

    @Test
    void aBatchClaimAsksForAtLeastOneRun() {
        assertThatThrownBy(() -> attempts.claimUpTo("a", "h", LEASE, ClaimFilter.ANY, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least 1");
    }

    @Test
    void aBatchClaimTakesOnlyRunsTheAgentsRoutingAdmits() {
        String t4 = runs.submit(Job.builder().name("t4").command("true").label("gpu", "t4").build());
        String a100 = runs.submit(Job.builder().name("a100").command("true").label("gpu", "a100").build());
        String plain = runs.submit(Job.builder().name("plain").command("true").label("team", "x").build());
        ClaimFilter t4Agent = dev.runpilot.sdk.internal.server.AgentRegistry.routing(Map.of("gpu", "t4"));

        assertThat(attempts.claimUpTo("t4-agent", "h", LEASE, t4Agent, 10)).extracting(Claim::runId).containsExactly(t4, plain);
        assertThat(attempts.claimUpTo("t4-agent", "h", LEASE, t4Agent, 10)).isEmpty();
        assertThat(status(a100)).isEqualTo(QUEUED);
        assertThat(attempts.claimUpTo("any", "h", LEASE, ClaimFilter.ANY, 10)).extracting(Claim::runId).containsExactly(a100);
    }

    @Test
    void runsClaimedInABatchGoThroughTheirWholeCycleAndReleaseTheirDependents() {
        String a = runs.submit(Job.builder().name("a").command("true").secret("TOKEN", "s3cret").build());
        String b = submit("b");
        String child = runs.submit(Job.builder().name("child").command("true").dependsOn(a, b).build());

        List<Claim> batch = attempts.claimUpTo("agent", "h", LEASE, ClaimFilter.ANY, 5);
        assertThat(batch).extracting(Claim::runId).containsExactly(a, b);
        for (Claim claim : batch) {
            run(claim, "agent");
            assertThat(status(child)).isEqualTo(PENDING);
            assertThat(attempts.finish(claim.runId(), claim.attempt(), "agent", AttemptEnd.exited(0))).contains(SUCCEEDED);
        }

        assertThat(status(child)).isEqualTo(QUEUED);
        assertThat(runs.events(a)).extracting(RunEvent::to).containsExactly(QUEUED, ASSIGNED, RUNNING, SUCCEEDED);
        assertThat(runs.attempts(a)).singleElement().satisfies(attempt -> {
            assertThat(attempt.exitCode()).hasValue(0);
            assertThat(attempt.endedAt()).isPresent();
        });
        assertThat(runs.info(a).orElseThrow().finishedAt()).isPresent();
        assertThat(storedSecrets(a)).as("secrets are forgotten when the run ends").isZero();
        assertThat(attempts.finish(a, 1, "agent", AttemptEnd.exited(0))).as("reported twice").isEmpty();
    }

    @Test
    void aRunCancelledWhileRunningEndsCancelledEvenIfItsProcessExitsZero() {
        String id = submit("cancel-then-exit");
        Claim claim = claim("a");
        run(claim, "a");
        assertThat(runs.cancel(id)).contains(CancelOutcome.CANCELLING);

        assertThat(attempts.finish(id, claim.attempt(), "a", AttemptEnd.exited(0))).contains(CANCELLED);
        assertThat(runs.events(id)).extracting(RunEvent::to).containsExactly(QUEUED, ASSIGNED, RUNNING, CANCELLING, CANCELLED);
    }

    @Test
    void concurrentBatchClaimsHandEveryRunToExactlyOneAgentAndNeverMoreThanAsked() throws Exception {
        int total = 500;
        int agents = 8;
        for (int i = 0; i < total; i++) {
            submit("batch-race-" + i);
        }
        Map<String, String> claimedBy = new ConcurrentHashMap<>();
        ConcurrentLinkedQueue<String> problems = new ConcurrentLinkedQueue<>();
        ExecutorService pool = Executors.newFixedThreadPool(agents);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Integer>> counts = new ArrayList<>();
        for (int a = 0; a < agents; a++) {
            String agent = "agent-" + a;
            int slots = 1 + a % 5;
            AttemptStore store = new AttemptStore(open(), clock, new Random(a));
            counts.add(pool.submit(() -> {
                start.await();
                int mine = 0;
                for (List<Claim> batch = store.claimUpTo(agent, "h", LEASE, ClaimFilter.ANY, slots); !batch.isEmpty();
                     batch = store.claimUpTo(agent, "h", LEASE, ClaimFilter.ANY, slots)) {
                    if (batch.size() > slots) {
                        problems.add(agent + " asked for " + slots + " and got " + batch.size());
                    }
                    for (Claim c : batch) {
                        if (claimedBy.putIfAbsent(c.runId(), agent) != null) {
                            problems.add(c.runId() + " claimed twice");
                        }
                        mine++;
                    }
                }
                return mine;
            }));
        }
        start.countDown();
        int sum = 0;
        for (Future<Integer> count : counts) {
            sum += count.get(2, TimeUnit.MINUTES);
        }
        pool.shutdown();

        assertThat(problems).isEmpty();
        assertThat(sum).isEqualTo(total);
        assertThat(claimedBy).hasSize(total);
        assertThat(runs.list(dev.runpilot.sdk.RunQuery.builder().status(ASSIGNED).limit(1000).build()).runs()).hasSize(total);
        assertThat(runs.eventsAfter(0, 10_000)).filteredOn(e -> e.to() == ASSIGNED).hasSize(total);
    }

    @Test
    void aLapsedLeaseIsTakenBackAndTheRunQueuedAgainWhenRetriesAreLeft() {
        String id = runs.submit(Job.builder().name("lapse").command("true").retry(RetryPolicy.maxAttempts(2)).build());
        Claim claim = claim("dead");
        run(claim, "dead");
        assertThat(attempts.expireLeases()).isEmpty();

        clock.advance(LEASE.plusSeconds(1));
        List<OrphanedAttempt> orphans = attempts.expireLeases();

        assertThat(orphans).singleElement().satisfies(o -> {
            assertThat(o.runId()).isEqualTo(id);
            assertThat(o.agentId()).isEqualTo("dead");
            assertThat(o.pid()).hasValue(42);
        });
        assertThat(status(id)).isEqualTo(QUEUED);
        assertThat(runs.attempts(id).get(0).reason()).contains(FailureReason.LEASE_LOST);
        assertThat(attempts.heartbeat("dead", Map.of(id, claim.attempt()), LEASE)).containsEntry(id, LeaseState.LOST);
        assertThat(attempts.finish(id, claim.attempt(), "dead", AttemptEnd.exited(0))).isEmpty();

        clock.advance(Duration.ofMinutes(10));
        Claim second = claim("alive");
        assertThat(second.attempt()).isEqualTo(2);
        assertThat(attempts.heartbeat("alive", Map.of(id, 2), LEASE)).containsEntry(id, LeaseState.HELD);
    }

    @Test
    void aLapsedLeaseWithoutRetriesLeftFailsTheRun() {
        String id = submit("lapse-once");
        claim("dead");
        clock.advance(LEASE.plusSeconds(1));

        assertThat(attempts.expireLeases()).hasSize(1);
        assertThat(runs.info(id).orElseThrow().status()).isEqualTo(FAILED);
        assertThat(runs.info(id).orElseThrow().reason()).contains(FailureReason.LEASE_LOST);
    }

    @Test
    void aFailedAttemptIsRetriedUnderItsPolicyAfterTheBackoffThenFails() {
        RetryPolicy retry = RetryPolicy.builder().maxAttempts(2).initialBackoff(Duration.ofSeconds(5)).jitter(0).build();
        String id = runs.submit(Job.builder().name("flaky").command("false").retry(retry).build());
        Claim first = claim("a");
        run(first, "a");

        assertThat(attempts.finish(id, 1, "a", AttemptEnd.exited(3))).contains(QUEUED);
        assertThat(attempts.claim("a", "h", LEASE)).as("not before the backoff").isEmpty();
        clock.advance(Duration.ofSeconds(6));
        Claim second = claim("a");
        assertThat(second.attempt()).isEqualTo(2);
        run(second, "a");
        assertThat(attempts.finish(id, 2, "a", AttemptEnd.exited(3))).contains(FAILED);
        assertThat(runs.info(id).orElseThrow().exitCode()).hasValue(3);
        assertThat(runs.attempts(id)).hasSize(2);
    }

    @Test
    void cancellingAQueuedRunEndsItAtOnceAndItIsNeverClaimed() {
        String id = submit("cancel-queued");

        assertThat(runs.cancel(id)).contains(CancelOutcome.CANCELLED);
        assertThat(status(id)).isEqualTo(CANCELLED);
        assertThat(runs.events(id)).extracting(RunEvent::to).containsExactly(QUEUED, CANCELLING, CANCELLED);
        assertThat(attempts.claim("a", "h", LEASE)).isEmpty();
        assertThat(runs.cancel(id)).contains(CancelOutcome.ALREADY_FINISHED);
        assertThat(runs.cancel("r-unknown")).isEmpty();
    }

    @Test
    void cancellingARunningRunAsksItsAgentToStopAndEndsCancelled() {
        String id = submit("cancel-running");
        Claim claim = claim("a");
        run(claim, "a");

        assertThat(runs.cancel(id)).contains(CancelOutcome.CANCELLING);
        assertThat(attempts.isCancelRequested(id)).isTrue();
        assertThat(attempts.cancelRequested(List.of(id, "r-other"))).containsExactly(id);
        assertThat(attempts.heartbeat("a", Map.of(id, 1), LEASE)).containsEntry(id, LeaseState.CANCEL_REQUESTED);
        assertThat(attempts.finish(id, 1, "a", AttemptEnd.failed(FailureReason.CANCELLED, OptionalInt.of(143), "stopped")))
                .contains(CANCELLED);
        assertThat(runs.events(id)).extracting(RunEvent::to).containsExactly(QUEUED, ASSIGNED, RUNNING, CANCELLING, CANCELLED);
    }

    @Test
    void aDependentRunWaitsForItsDependenciesThenQueues() {
        String a = submit("a");
        String b = submit("b");
        String child = runs.submit(Job.builder().name("child").command("true").dependsOn(a, b).build());
        assertThat(status(child)).isEqualTo(PENDING);

        finishNext(a, AttemptEnd.exited(0));
        assertThat(status(child)).isEqualTo(PENDING);
        finishNext(b, AttemptEnd.exited(0));
        assertThat(status(child)).isEqualTo(QUEUED);
    }

    @Test
    void aFailedDependencyFailsTheWholeChainBelowIt() {
        String root = submit("root");
        String middle = runs.submit(Job.builder().name("middle").command("true").dependsOn(root).build());
        String leaf = runs.submit(Job.builder().name("leaf").command("true").dependsOn(middle).build());

        finishNext(root, AttemptEnd.exited(1));

        assertThat(status(middle)).isEqualTo(FAILED);
        assertThat(status(leaf)).isEqualTo(FAILED);
        assertThat(runs.info(leaf).orElseThrow().reason()).contains(FailureReason.DEPENDENCY_FAILED);
        String late = runs.submit(Job.builder().name("late").command("true").dependsOn(root).build());
        assertThat(status(late)).as("submitted after its dependency failed").isEqualTo(FAILED);
    }

    private static SourceRef bundle(char digit) {
        String sha = String.valueOf(digit).repeat(64);
        return new SourceRef("bundles/" + sha + ".tar.gz", sha, 100, 2, Optional.empty(), Optional.empty());
    }

    @Test
    void aRunAwaitingItsSourceBundleIsNeverClaimedUntilTheBundleArrives() {
        SourceRef source = bundle('a');
        String waiting = runs.submit(job("waiting"), Optional.of(source), true);
        String other = runs.submit(job("other-bundle"), Optional.of(bundle('b')), true);

        assertThat(status(waiting)).isEqualTo(PENDING);
        assertThat(runs.awaitedSource(waiting)).contains(source.sha256());
        assertThat(attempts.claim("a", "h", LEASE)).isEmpty();

        assertThat(runs.sourceArrived(source.sha256())).containsExactly(waiting);

        assertThat(status(waiting)).isEqualTo(QUEUED);
        assertThat(status(other)).isEqualTo(PENDING);
        assertThat(runs.awaitedSource(waiting)).isEmpty();
        assertThat(claim("a").runId()).isEqualTo(waiting);
        assertThat(runs.sourceArrived(source.sha256())).as("a second arrival changes nothing").isEmpty();
        assertThat(runs.events(waiting)).extracting(RunEvent::message)
                .anyMatch(m -> m.contains("waiting for source bundle " + source.sha256()))
                .contains("source bundle arrived");
    }

    @Test
    void aRunAwaitingItsSourceAndADependencyQueuesOnlyWhenBothAreThere() {
        String dep = submit("dep");
        SourceRef source = bundle('c');
        String child = runs.submit(Job.builder().name("child").command("true").dependsOn(dep).build(), Optional.of(source), true);

        finishNext(dep, AttemptEnd.exited(0));
        assertThat(status(child)).as("the dependency succeeded, the bundle is not there").isEqualTo(PENDING);

        runs.sourceArrived(source.sha256());
        assertThat(status(child)).isEqualTo(QUEUED);
    }

    @Test
    void aRunWhoseSourceNeverArrivesFailsWithSourceMissing() {
        String abandoned = runs.submit(job("abandoned"), Optional.of(bundle('d')), true);
        Instant submitted = clock.instant();
        clock.advance(Duration.ofMinutes(5));
        String recent = runs.submit(job("recent"), Optional.of(bundle('e')), true);

        assertThat(runs.sourcesAwaitedSince(submitted.plusSeconds(60))).extracting(RunStore.AwaitedSource::runId)
                .containsExactly(abandoned);
        assertThat(runs.failMissingSource(abandoned, "its source bundle never came")).isTrue();

        assertThat(status(abandoned)).isEqualTo(FAILED);
        assertThat(runs.info(abandoned).orElseThrow().reason()).contains(FailureReason.SOURCE_MISSING);
        assertThat(runs.info(abandoned).orElseThrow().message()).isEqualTo("its source bundle never came");
        assertThat(runs.failMissingSource(abandoned, "again")).as("only once").isFalse();
        assertThat(runs.sourcesAwaitedSince(clock.instant().plusSeconds(1))).extracting(RunStore.AwaitedSource::runId)
                .containsExactly(recent);
        runs.sourceArrived(bundle('d').sha256());
        assertThat(status(abandoned)).as("a late bundle does not revive it").isEqualTo(FAILED);
    }

    @Test
    void submittingWithAnUnknownDependencyIsRefused() {
        assertThatThrownBy(() -> runs.submit(Job.builder().name("orphan").command("true").dependsOn("r-nope").build()))
                .isInstanceOf(dev.runpilot.sdk.InvalidJobException.class)
                .hasMessageContaining("r-nope");
    }

    @Test
    void twoDependenciesFinishingAtOnceOnDifferentConnectionsReleaseTheDependent() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        AttemptStore left = new AttemptStore(open(), clock, new Random(2));
        AttemptStore right = new AttemptStore(open(), clock, new Random(3));
        try {
            for (int round = 0; round < 20; round++) {
                String a = submit("a-" + round);
                String b = submit("b-" + round);
                String child = runs.submit(Job.builder().name("child-" + round).command("true").dependsOn(a, b).build());
                Claim ca = claim("left");
                Claim cb = claim("right");
                run(ca, "left");
                run(cb, "right");
                CountDownLatch start = new CountDownLatch(1);
                Future<?> f1 = pool.submit(() -> {
                    start.await();
                    return left.finish(ca.runId(), 1, "left", AttemptEnd.exited(0));
                });
                Future<?> f2 = pool.submit(() -> {
                    start.await();
                    return right.finish(cb.runId(), 1, "right", AttemptEnd.exited(0));
                });
                start.countDown();
                f1.get(1, TimeUnit.MINUTES);
                f2.get(1, TimeUnit.MINUTES);
                assertThat(status(child)).as("round %d", round).isEqualTo(QUEUED);
                assertThat(runs.cancel(child)).contains(CancelOutcome.CANCELLED);
            }
        } finally {
            pool.shutdown();
        }
    }

    @Test
    void logLinesAreStoredOnceAndMetricsKeepTheirOrder() {
        String id = submit("output");
        Instant t = clock.instant();
        List<LogLine> lines = List.of(new LogLine(1, 1, t, LogStream.STDOUT, "one"), new LogLine(2, 1, t, LogStream.STDERR, "two"));
        outputs.append(id, lines, List.of(new MetricPoint("loss", 1, 0.5, t, 1)));
        outputs.append(id, lines, List.of(new MetricPoint("loss", 2, 0.25, t, 1), new MetricPoint("acc", 2, 0.9, t, 1)));

        assertThat(outputs.logs(id, 0, 100)).extracting(LogLine::text).containsExactly("one", "two");
        assertThat(outputs.lastLogSequence(id)).isEqualTo(2);
        assertThat(outputs.tail(id, 1)).extracting(LogLine::text).containsExactly("two");
        assertThat(outputs.attemptLogs(id, 1, 1, 100)).extracting(LogLine::text).containsExactly("two");
        assertThat(outputs.metrics(id)).extracting(MetricPoint::name, MetricPoint::value).containsExactly(
                org.assertj.core.groups.Tuple.tuple("acc", 0.9), org.assertj.core.groups.Tuple.tuple("loss", 0.5),
                org.assertj.core.groups.Tuple.tuple("loss", 0.25));
    }

    @Test
    void metricPointsWrittenAtOnceFromSeveralConnectionsAreAllKept() throws Exception {
        String id = submit("metrics");
        int writers = 4;
        int batches = 25;
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        List<Future<?>> done = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
            OutputStore own = new OutputStore(open());
            int writer = w;
            done.add(pool.submit(() -> {
                for (int i = 0; i < batches; i++) {
                    own.append(id, List.of(), List.of(new MetricPoint("m", writer * 1000L + i, i, Instant.EPOCH, 1)));
                }
                return null;
            }));
        }
        for (Future<?> f : done) {
            f.get(2, TimeUnit.MINUTES);
        }
        pool.shutdown();

        assertThat(outputs.metrics(id)).hasSize(writers * batches);
    }

    @Test
    void reopeningTheDatabaseAppliesNoScriptTwice() {
        submit("kept");
        try (Database again = openDatabase(); Database third = openDatabase()) {
            assertThat(versions(again)).containsExactlyElementsOf(
                    java.util.stream.IntStream.rangeClosed(1, SchemaMigrator.SCRIPTS.size()).boxed().toList());
            assertThat(new RunStore(third, clock).list(dev.runpilot.sdk.RunQuery.builder().build()).runs()).hasSize(1);
        }
    }

    @Test
    void aDatabaseWithASchemaFromANewerVersionIsRefused() {
        db.write(c -> {
            try (PreparedStatement p = c.prepareStatement("INSERT INTO schema_version (version, script, applied_at) VALUES (?, ?, ?)")) {
                p.setInt(1, SchemaMigrator.SCRIPTS.size() + 7);
                p.setString(2, "V99__future.sql");
                p.setLong(3, 0);
                p.executeUpdate();
            }
            return null;
        });

        assertThatThrownBy(this::openDatabase)
                .isInstanceOf(ControlPlaneException.class)
                .hasMessageContaining("newer RunPilot")
                .hasMessageContaining(db.location());
    }

    private int storedSecrets(String runId) {
        return db.read(c -> {
            try (PreparedStatement p = c.prepareStatement("SELECT COUNT(*) FROM run_secrets WHERE run_id = ?")) {
                p.setString(1, runId);
                try (ResultSet rs = p.executeQuery()) {
                    rs.next();
                    return rs.getInt(1);
                }
            }
        });
    }

    private static List<Integer> versions(Database database) {
        return database.read(c -> {
            List<Integer> result = new ArrayList<>();
            try (PreparedStatement p = c.prepareStatement("SELECT version FROM schema_version ORDER BY version");
                 ResultSet rs = p.executeQuery()) {
                while (rs.next()) {
                    result.add(rs.getInt(1));
                }
            }
            return result;
        });
    }

    /** Claims the run (which must be next in line), starts it and ends the attempt. */
    private void finishNext(String id, AttemptEnd end) {
        Claim claim = claim("finisher");
        assertThat(claim.runId()).isEqualTo(id);
        run(claim, "finisher");
        attempts.finish(id, claim.attempt(), "finisher", end);
    }

    /** A clock the test moves by hand. */
    static final class MutableClock extends Clock {
        private final AtomicLong millis = new AtomicLong(Instant.parse("2026-01-01T00:00:00Z").toEpochMilli());

        void advance(Duration by) {
            millis.addAndGet(by.toMillis());
        }

        @Override
        public long millis() {
            return millis.get();
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis.get());
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }
}
