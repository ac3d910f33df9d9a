package dev.runpilot.sdk.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.runpilot.sdk.Run;
import dev.runpilot.sdk.RunEvent;
import dev.runpilot.sdk.RunNotFoundException;
import dev.runpilot.sdk.RunPilotClient;
import dev.runpilot.sdk.RunStatus;
import dev.runpilot.sdk.agent.Agent;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Following events through a real server's {@code GET /v1/events} stream. */
class EventStreamOverHttpTest {
    @TempDir
    Path dir;

    private RunPilotServer server;
    private RunPilotClient client;
    private RunPilotClient otherProject;
    private Agent agent;
    private final ExecutorService executor = Executors.newCachedThreadPool();

    @BeforeEach
    void start() {
        server = ServerFixture.server(dir.resolve("home"));
        String userToken = server.tokens().createUserToken("team-a");
        String otherToken = server.tokens().createUserToken("team-b");
        String agentToken = server.tokens().createAgentToken();
        server.start();
        client = ServerFixture.client(server.uri(), userToken);
        otherProject = ServerFixture.client(server.uri(), otherToken);
        agent = ServerFixture.agent(server.uri(), agentToken, dir.resolve("work")).start();
    }

    @AfterEach
    void stop() throws Exception {
        executor.shutdownNow();
        assertThat(executor.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        agent.close();
        otherProject.close();
        client.close();
        server.close();
    }

    @Test
    void followingARunOverHttpDeliversItsEventsOnceAndReturnsWhenItEnds() {
        Run run = client.submit(ServerFixture.shell("short", "echo started; sleep 1; exit 3"));
        List<RunEvent> seen = new CopyOnWriteArrayList<>();

        run.followEvents(seen::add);

        assertThat(run.status()).isEqualTo(RunStatus.FAILED);
        assertThat(seen).extracting(RunEvent::sequence).isSorted().doesNotHaveDuplicates();
        assertThat(seen).isEqualTo(run.events());
        assertThat(seen.get(seen.size() - 1).to()).isEqualTo(RunStatus.FAILED);
        assertThat(seen).extracting(RunEvent::to).contains(RunStatus.RUNNING);

        // A finished run: its events at once, then the call returns.
        List<RunEvent> again = new CopyOnWriteArrayList<>();
        run.followEvents(again::add);
        assertThat(again).isEqualTo(seen);
    }

    @Test
    void anotherProjectsRunCannotBeFollowed() {
        Run run = client.submit(ServerFixture.shell("mine", "true"));
        assertThatThrownBy(() -> otherProject.run(run.id())).isInstanceOf(RunNotFoundException.class);
    }

    @Test
    void followingTheClientStreamsTheProjectsEventsOnlyUntilInterrupted() throws Exception {
        Run earlier = client.submit(ServerFixture.shell("earlier", "true"));
        earlier.await();
        List<RunEvent> mine = new CopyOnWriteArrayList<>();
        List<RunEvent> theirs = new CopyOnWriteArrayList<>();
        AtomicBoolean returnedInterrupted = new AtomicBoolean();
        Future<?> following = executor.submit(() -> {
            client.followEvents(mine::add);
            returnedInterrupted.set(Thread.currentThread().isInterrupted());
        });
        Future<?> other = executor.submit(() -> otherProject.followEvents(0, theirs::add));

        Run run = client.submit(ServerFixture.shell("streamed", "true"));
        await().atMost(Duration.ofSeconds(60)).until(() -> mine.stream().anyMatch(e -> e.runId().equals(run.id())
                && e.to() == RunStatus.SUCCEEDED));
        // The stream may have opened just after the submission: compare from the first event it caught.
        List<RunEvent> streamed = mine.stream().filter(e -> e.runId().equals(run.id())).toList();
        List<RunEvent> stored = run.events();
        assertThat(stored).endsWith(streamed.toArray(RunEvent[]::new));
        assertThat(mine).noneMatch(e -> e.runId().equals(earlier.id()));
        assertThat(mine).extracting(RunEvent::sequence).isSorted().doesNotHaveDuplicates();
        assertThat(theirs).isEmpty();

        // From the start of the log: the earlier run's events too.
        List<RunEvent> replay = new CopyOnWriteArrayList<>();
        Future<?> fromStart = executor.submit(() -> client.followEvents(0, replay::add));
        await().atMost(Duration.ofSeconds(30)).until(() -> replay.containsAll(earlier.events()) && replay.containsAll(stored));

        following.cancel(true);
        await().atMost(Duration.ofSeconds(30)).untilTrue(returnedInterrupted);
        fromStart.cancel(true);
        other.cancel(true);
    }
}
