package dev.runpilot.sdk.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runpilot.sdk.CancelOutcome;
import dev.runpilot.sdk.LogLine;
import dev.runpilot.sdk.Run;
import dev.runpilot.sdk.RunPilotClient;
import dev.runpilot.sdk.RunResult;
import dev.runpilot.sdk.RunStatus;
import dev.runpilot.sdk.agent.Agent;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class RunPilotServerTest extends ServerTestSupport {
    @Test
    void runSubmittedOverHttpIsRunByAnHttpAgentWithItsLogAndMetrics() {
        try (RunPilotClient client = ServerFixture.client(server.uri(), userToken);
             Agent agent = ServerFixture.agent(server.uri(), agentToken, dir.resolve("work")).start()) {
            Run run = client.submit(ServerFixture.shell("hello", "echo hello from $RUNPILOT_RUN_ID; echo 'METRIC loss=0.5'"));
            RunResult result = run.await(Duration.ofSeconds(30)).orElseThrow();

            assertThat(result.status()).isEqualTo(RunStatus.SUCCEEDED);
            assertThat(run.logs().read()).extracting(LogLine::text).anyMatch(t -> t.startsWith("hello from"));
            assertThat(run.metrics().last("loss")).hasValue(0.5);
            assertThat(run.attempts()).singleElement().satisfies(a -> assertThat(a.agentId()).isEqualTo(agent.id()));
            assertThat(client.list().runs()).extracting(r -> r.id()).containsExactly(run.id());
        }
    }

    @Test
    void followStreamsTheLogUntilTheRunEnds() {
        try (RunPilotClient client = ServerFixture.client(server.uri(), userToken);
             Agent agent = ServerFixture.agent(server.uri(), agentToken, dir.resolve("work")).start()) {
            Run run = client.submit(ServerFixture.shell("count", "for i in 1 2 3; do echo line $i; sleep 0.2; done"));
            List<String> seen = new CopyOnWriteArrayList<>();
            run.logs().follow(line -> seen.add(line.text()));

            assertThat(seen).contains("line 1", "line 2", "line 3");
            assertThat(run.status()).isEqualTo(RunStatus.SUCCEEDED);
        }
    }

    @Test
    void cancelOverHttpStopsARunningRun() {
        try (RunPilotClient client = ServerFixture.client(server.uri(), userToken);
             Agent agent = ServerFixture.agent(server.uri(), agentToken, dir.resolve("work")).start()) {
            Run run = client.submit(ServerFixture.shell("sleeper", "echo started; sleep 60"));
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> run.status() == RunStatus.RUNNING);

            assertThat(run.cancel()).isEqualTo(CancelOutcome.CANCELLING);
            assertThat(run.await(Duration.ofSeconds(30)).orElseThrow().status()).isEqualTo(RunStatus.CANCELLED);
        }
    }

    @Test
    void eventStreamCarriesTheProjectsEventsOnly() throws Exception {
        String otherProject = server.tokens().createUserToken("team-b");
        java.net.http.HttpClient http = java.net.http.HttpClient.newBuilder().version(java.net.http.HttpClient.Version.HTTP_1_1).build();
        java.net.http.HttpRequest request = java.net.http.HttpRequest.newBuilder(server.uri().resolve("/v1/events"))
                .header("Authorization", "Bearer " + userToken).build();
        List<String> frames = new CopyOnWriteArrayList<>();
        java.util.concurrent.CompletableFuture<java.net.http.HttpResponse<java.util.stream.Stream<String>>> response =
                http.sendAsync(request, java.net.http.HttpResponse.BodyHandlers.ofLines());
        Thread reader = new Thread(() -> response.join().body().forEach(frames::add));
        reader.setDaemon(true);
        reader.start();
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(response::isDone);

        String mine;
        String theirs;
        try (RunPilotClient client = ServerFixture.client(server.uri(), userToken);
             RunPilotClient other = ServerFixture.client(server.uri(), otherProject)) {
            theirs = other.submit(ServerFixture.shell("theirs", "true")).id();
            mine = client.submit(ServerFixture.shell("mine", "true")).id();
        }

        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10))
                .until(() -> frames.stream().anyMatch(f -> f.contains(mine) && f.contains("\"to\":\"QUEUED\"")));
        assertThat(response.join().headers().firstValue("Content-Type")).hasValue("text/event-stream");
        assertThat(frames).noneMatch(f -> f.contains(theirs));
        assertThat(frames).contains("event: event");
    }
}
