package dev.runpilot.sdk;

import static dev.runpilot.sdk.EngineFixture.awaitLines;
import static dev.runpilot.sdk.EngineFixture.awaitStatus;
import static dev.runpilot.sdk.EngineFixture.client;
import static dev.runpilot.sdk.EngineFixture.isAlive;
import static dev.runpilot.sdk.EngineFixture.pids;
import static dev.runpilot.sdk.EngineFixture.shell;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CancellationTest {
    @TempDir
    Path home;
    @TempDir
    Path scratch;

    @Test
    void cancelledWhileQueuedNeverStarts() throws Exception {
        Path gate = scratch.resolve("gate");
        Path started = scratch.resolve("started");
        try (RunPilotClient client = client(home, 1)) {
            Run blocker = client.submit(shell("blocker", "while [ ! -f " + gate + " ]; do sleep 0.05; done").build());
            awaitStatus(blocker, RunStatus.RUNNING);
            Run queued = client.submit(shell("queued", "touch " + started).build());
            assertThat(queued.status()).isEqualTo(RunStatus.QUEUED);

            assertThat(queued.cancel()).isEqualTo(CancelOutcome.CANCELLED);

            Files.writeString(gate, "go");
            blocker.await();
            Run after = client.submit(shell("after", "true").build());
            after.await();
            RunResult result = queued.await();
            assertThat(result.status()).isEqualTo(RunStatus.CANCELLED);
            assertThat(result.attempts()).isEmpty();
            assertThat(started).doesNotExist();
            assertThat(queued.events()).extracting(RunEvent::to)
                    .containsExactly(RunStatus.QUEUED, RunStatus.CANCELLING, RunStatus.CANCELLED);
        }
    }

    @Test
    void cancelledWhileRunningStopsTheWholeProcessTreeAndKeepsTheLog() throws Exception {
        Path pidFile = scratch.resolve("pids");
        String script = String.join("\n",
                "echo $$ >> " + pidFile,
                "sleep 300 & echo $! >> " + pidFile,
                "sh -c 'sleep 300 & echo $! >> " + pidFile + "; wait' & echo $! >> " + pidFile,
                "echo before-cancel",
                "wait");
        try (RunPilotClient client = client(home, 1)) {
            Run run = client.submit(shell("tree", script).build());
            List<Long> pids = pids(awaitLines(pidFile, 4));
            awaitStatus(run, RunStatus.RUNNING);
            assertThat(pids).allMatch(EngineFixture::isAlive);

            assertThat(run.cancel()).isEqualTo(CancelOutcome.CANCELLING);
            RunResult result = run.await();

            assertThat(result.status()).isEqualTo(RunStatus.CANCELLED);
            assertThat(result.reason()).contains(FailureReason.CANCELLED);
            assertThat(pids).noneMatch(EngineFixture::isAlive);
            assertThat(run.logs().read()).extracting(LogLine::text)
                    .contains("before-cancel")
                    .anyMatch(text -> text.startsWith("cancel requested; sending SIGTERM"));
            assertThat(run.events()).extracting(RunEvent::to).endsWith(RunStatus.CANCELLING, RunStatus.CANCELLED);
        }
    }

    @Test
    void aProcessIgnoringSigtermIsKilledAfterTheGracePeriod() throws Exception {
        Path pidFile = scratch.resolve("pids");
        try (RunPilotClient client = client(home, 1)) {
            Run run = client.submit(shell("stubborn", "trap '' TERM; echo $$ >> " + pidFile + "; while true; do sleep 0.1; done").build());
            long pid = pids(awaitLines(pidFile, 1)).get(0);
            awaitStatus(run, RunStatus.RUNNING);
            run.cancel();
            RunResult result = run.await();
            assertThat(result.status()).isEqualTo(RunStatus.CANCELLED);
            assertThat(isAlive(pid)).isFalse();
            assertThat(result.attempts()).singleElement().satisfies(attempt ->
                    assertThat(attempt.exitCode()).hasValue(137));
        }
    }

    @Test
    void cancellingAFinishedRunIsANoOpThatSaysSo() {
        try (RunPilotClient client = client(home, 1)) {
            Run run = client.submit(shell("done", "true").build());
            run.await();
            int events = run.events().size();

            assertThat(run.cancel()).isEqualTo(CancelOutcome.ALREADY_FINISHED);
            assertThat(run.status()).isEqualTo(RunStatus.SUCCEEDED);
            assertThat(run.events()).hasSize(events);
        }
    }

    @Test
    void cancelFromAnotherClientReachesTheRunningAgent() throws Exception {
        Path pidFile = scratch.resolve("pids");
        try (RunPilotClient worker = client(home, 1); RunPilotClient other = client(home, 0)) {
            Run run = worker.submit(shell("remote", "echo $$ >> " + pidFile + "; sleep 300").build());
            long pid = pids(awaitLines(pidFile, 1)).get(0);
            awaitStatus(run, RunStatus.RUNNING);

            assertThat(other.run(run.id()).cancel()).isEqualTo(CancelOutcome.CANCELLING);

            assertThat(run.await().status()).isEqualTo(RunStatus.CANCELLED);
            assertThat(isAlive(pid)).isFalse();
        }
    }

    @Test
    void closingTheClientStopsRunningRunsAndTheNextClientRetriesThem() throws Exception {
        Path pidFile = scratch.resolve("pids");
        String id;
        long pid;
        RetryPolicy retry = RetryPolicy.builder().maxAttempts(2).initialBackoff(java.time.Duration.ZERO).build();
        try (RunPilotClient client = client(home, 1)) {
            Run run = client.submit(shell("interrupted", "echo $$ >> " + pidFile
                    + "; if [ \"$RUNPILOT_ATTEMPT\" = 1 ]; then sleep 300; fi").retry(retry).build());
            id = run.id();
            pid = pids(awaitLines(pidFile, 1)).get(0);
            awaitStatus(run, RunStatus.RUNNING);
        }
        assertThat(isAlive(pid)).isFalse();
        try (RunPilotClient client = client(home, 1)) {
            RunResult result = client.run(id).await();
            assertThat(result.status()).isEqualTo(RunStatus.SUCCEEDED);
            assertThat(result.attempts()).hasSize(2);
            assertThat(result.attempts().get(0).reason()).contains(FailureReason.LEASE_LOST);
            assertThat(result.attempts().get(0).message()).contains("shut down");
        }
    }
}
