package dev.runpilot.sdk.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.runpilot.sdk.Run;
import dev.runpilot.sdk.RunEvent;
import dev.runpilot.sdk.RunPilotClient;
import dev.runpilot.sdk.RunStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The remote client's event stream ({@code GET /v1/events}) when its connection drops: a loopback TCP proxy in
 * front of a real server cuts the stream mid-event, between events and before the first event, and the client
 * must reconnect and go on with every event once, in order.
 */
class EventStreamReconnectTest extends ServerTestSupport {
    private final List<Thread> followers = new ArrayList<>();

    @AfterEach
    void stopFollowers() throws InterruptedException {
        for (Thread follower : followers) {
            follower.interrupt();
            follower.join(10_000);
        }
    }

    @Test
    void aStreamCutMidEventAndBetweenEventsResumesWithEveryEventOnceInOrder() throws Exception {
        try (LoopbackProxy proxy = new LoopbackProxy(server.uri());
             RunPilotClient direct = ServerFixture.client(server.uri(), userToken);
             RunPilotClient proxied = ServerFixture.client(proxy.uri("http"), userToken)) {
            proxy.cut((connection, response) -> {
                switch (connection) {
                    case 1 -> {
                        // In the middle of the third event's data line: that event must not count as seen.
                        int data = nth(response, "\ndata: ", 3);
                        return data < 0 ? OptionalInt.empty() : OptionalInt.of(data + 20);
                    }
                    case 2 -> {
                        // Right after the second whole event: nothing is half-read.
                        int data = nth(response, "\ndata: ", 2);
                        int end = data < 0 ? -1 : response.indexOf("\n\n", data);
                        return end < 0 ? OptionalInt.empty() : OptionalInt.of(end + 2);
                    }
                    case 3 -> {
                        // After the first event's "event:" line, before its data.
                        int event = nth(response, "\nevent: ", 1);
                        return event < 0 ? OptionalInt.empty() : OptionalInt.of(event + "\nevent: event\n".length());
                    }
                    default -> {
                        return OptionalInt.empty();
                    }
                }
            });
            List<Run> runs = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                runs.add(direct.submit(ServerFixture.shell("before-" + i, "true")));
            }
            List<RunEvent> seen = new CopyOnWriteArrayList<>();
            follow(() -> proxied.followEvents(0, seen::add));

            for (int i = 0; i < 4; i++) {
                runs.add(direct.submit(ServerFixture.shell("live-" + i, "true")));
            }
            runs.forEach(Run::cancel);
            List<RunEvent> expected = serverEvents(runs);
            await().atMost(Duration.ofSeconds(60)).until(() -> seen.size() >= expected.size()
                    && seen.get(seen.size() - 1).sequence() >= expected.get(expected.size() - 1).sequence());

            assertThat(proxy.connections()).as("the proxy cut three connections").isGreaterThanOrEqualTo(4);
            assertThat(seen).extracting(RunEvent::sequence).doesNotHaveDuplicates().isSorted();
            assertThat(seen).containsExactlyElementsOf(expected);
        }
    }

    @Test
    void aStreamFollowedFromNowThatDropsBeforeItsFirstEventLosesNothing() throws Exception {
        try (LoopbackProxy proxy = new LoopbackProxy(server.uri());
             RunPilotClient direct = ServerFixture.client(server.uri(), userToken);
             RunPilotClient proxied = ServerFixture.client(proxy.uri("http"), userToken)) {
            Run old = direct.submit(ServerFixture.shell("before-following", "true"));
            // The first connection ends just before its first event's bytes: the client saw none of it.
            proxy.cut((connection, response) -> {
                int event = connection == 1 ? nth(response, "\nevent: ", 1) : -1;
                return event < 0 ? OptionalInt.empty() : OptionalInt.of(response.lastIndexOf("\n\n", event) + 2);
            });
            List<RunEvent> seen = new CopyOnWriteArrayList<>();
            follow(() -> proxied.followEvents(seen::add));
            // The server has answered (and fixed where "now" is) before anything happens.
            await().atMost(Duration.ofSeconds(30)).until(() -> proxy.response(1).contains(" 200 "));

            Run first = direct.submit(ServerFixture.shell("after-following", "true"));
            first.cancel();
            List<RunEvent> expected = serverEvents(List.of(first));
            await().atMost(Duration.ofSeconds(60)).until(() -> !seen.isEmpty()
                    && seen.get(seen.size() - 1).sequence() >= expected.get(expected.size() - 1).sequence());

            assertThat(proxy.connections()).isGreaterThanOrEqualTo(2);
            assertThat(seen).noneMatch(event -> event.runId().equals(old.id()));
            assertThat(seen).containsExactlyElementsOf(expected);
        }
    }

    /** Every event of these runs as the server stored them, in sequence order, once the runs have ended. */
    private static List<RunEvent> serverEvents(List<Run> runs) {
        for (Run run : runs) {
            await().atMost(Duration.ofSeconds(30)).until(() -> run.status() == RunStatus.CANCELLED);
        }
        List<RunEvent> events = new ArrayList<>();
        runs.forEach(run -> events.addAll(run.events()));
        events.sort(Comparator.comparingLong(RunEvent::sequence));
        return events;
    }

    private void follow(Runnable following) {
        Thread thread = new Thread(following, "event-follower");
        thread.setDaemon(true);
        followers.add(thread);
        thread.start();
    }

    /** Where the n-th occurrence of {@code token} starts, or -1 if it has not arrived. */
    private static int nth(String text, String token, int n) {
        int at = -1;
        for (int i = 0; i < n; i++) {
            at = text.indexOf(token, at + 1);
            if (at < 0) {
                return -1;
            }
        }
        return at;
    }
}
