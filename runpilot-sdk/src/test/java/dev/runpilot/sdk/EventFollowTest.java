package dev.runpilot.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code Run.followEvents} and {@code RunPilotClient.followEvents} on the embedded client. */
class EventFollowTest {
    @TempDir
    Path dir;

    @Test
    void followingARunDeliversEachEventOnceAndReturnsAfterTheTerminalOne() {
        try (RunPilotClient client = EngineFixture.client(dir.resolve("home"), 2)) {
            Run run = client.submit(EngineFixture.shell("short", "echo started; sleep 0.3; exit 3").build());
            List<RunEvent> seen = new CopyOnWriteArrayList<>();

            run.followEvents(seen::add);

            assertThat(run.status()).isEqualTo(RunStatus.FAILED);
            assertThat(seen).extracting(RunEvent::sequence).isSorted().doesNotHaveDuplicates();
            assertThat(seen).isEqualTo(run.events());
            assertThat(seen.get(0).from()).isEmpty();
            assertThat(seen.get(seen.size() - 1).to()).isEqualTo(RunStatus.FAILED);
            assertThat(seen).extracting(RunEvent::to).contains(RunStatus.RUNNING);
        }
    }

    @Test
    void followingTheClientDeliversNewEventsOfEveryRunUntilInterrupted() throws Exception {
        ExecutorService executor = Executors.newSingleThreadExecutor();
        try (RunPilotClient client = EngineFixture.client(dir.resolve("home"), 2)) {
            Run before = client.submit(EngineFixture.shell("before", "true").build());
            before.await();
            List<RunEvent> seen = new CopyOnWriteArrayList<>();
            AtomicBoolean returnedInterrupted = new AtomicBoolean();
            Future<?> following = executor.submit(() -> {
                client.followEvents(seen::add);
                returnedInterrupted.set(Thread.currentThread().isInterrupted());
            });
            // Events from now on only: none of the finished run's. A run that waits until the follower
            // has caught one of its events proves that the follower is reading before the next submission.
            Run first = client.submit(EngineFixture.shell("first", "sleep 60").build());
            await().atMost(Duration.ofSeconds(60)).until(() -> seen.stream().anyMatch(e -> e.runId().equals(first.id())));
            first.cancel();
            Run second = client.submit(EngineFixture.shell("second", "true").build());
            await().atMost(Duration.ofSeconds(60)).until(() -> seen.stream().anyMatch(e -> e.runId().equals(second.id())
                    && e.to() == RunStatus.SUCCEEDED));

            assertThat(seen).noneMatch(e -> e.runId().equals(before.id()));
            assertThat(seen).extracting(RunEvent::sequence).isSorted().doesNotHaveDuplicates();
            assertThat(seen.stream().filter(e -> e.runId().equals(second.id())).toList()).isEqualTo(second.events());

            following.cancel(true);
            await().atMost(Duration.ofSeconds(10)).untilTrue(returnedInterrupted);

            List<RunEvent> replay = new CopyOnWriteArrayList<>();
            Future<?> fromStart = executor.submit(() -> client.followEvents(0, replay::add));
            await().atMost(Duration.ofSeconds(10)).until(() -> replay.stream().anyMatch(e -> e.runId().equals(before.id())));
            fromStart.cancel(true);
        } finally {
            executor.shutdownNow();
            assertThat(executor.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        }
    }
}
