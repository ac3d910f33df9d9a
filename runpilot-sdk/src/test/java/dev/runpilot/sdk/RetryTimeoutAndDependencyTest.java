package dev.runpilot.sdk;

import static dev.runpilot.sdk.EngineFixture.awaitLines;
import static dev.runpilot.sdk.EngineFixture.client;
import static dev.runpilot.sdk.EngineFixture.pids;
import static dev.runpilot.sdk.EngineFixture.readLines;
import static dev.runpilot.sdk.EngineFixture.shell;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RetryTimeoutAndDependencyTest {
    @TempDir
    Path home;
    @TempDir
    Path scratch;

    @Test
    void aRunPastItsTimeoutEndsTimedOutWithItsTreeKilled() {
        Path pidFile = scratch.resolve("pids");
        try (RunPilotClient client = client(home, 1)) {
            Run run = client.submit(shell("slow", "echo $$ >> " + pidFile + "; sleep 300 & echo $! >> " + pidFile + "; wait")
                    .timeout(Duration.ofMillis(500)).build());
            RunResult result = run.await();
            List<Long> pids = pids(awaitLines(pidFile, 2));

            assertThat(result.status()).isEqualTo(RunStatus.TIMED_OUT);
            assertThat(result.reason()).contains(FailureReason.TIMEOUT);
            assertThat(result.message()).contains("timed out after PT0.5S");
            assertThat(pids).noneMatch(EngineFixture::isAlive);
            assertThat(run.logs().read()).extracting(LogLine::text).anyMatch(t -> t.startsWith("timed out after PT0.5S"));
        }
    }

    @Test
    void failedAttemptsAreRetriedWithBackoffAndEachAttemptIsRecorded() {
        Path counter = scratch.resolve("count");
        RetryPolicy policy = RetryPolicy.builder().maxAttempts(3).initialBackoff(Duration.ofMillis(300)).multiplier(2)
                .jitter(0).build();
        try (RunPilotClient client = client(home, 1)) {
            Run run = client.submit(shell("flaky", "echo x >> " + counter + "; [ $(wc -l < " + counter + ") -ge 3 ]")
                    .retry(policy).build());
            RunResult result = run.await();

            assertThat(result.status()).isEqualTo(RunStatus.SUCCEEDED);
            List<Attempt> attempts = result.attempts();
            assertThat(attempts).extracting(Attempt::number).containsExactly(1, 2, 3);
            assertThat(attempts.get(0).reason()).contains(FailureReason.EXIT_CODE);
            assertThat(attempts.get(0).exitCode()).hasValue(1);
            assertThat(attempts.get(2).reason()).isEmpty();
            assertThat(Duration.between(attempts.get(0).endedAt().orElseThrow(), attempts.get(1).startedAt()))
                    .isGreaterThanOrEqualTo(Duration.ofMillis(300));
            assertThat(Duration.between(attempts.get(1).endedAt().orElseThrow(), attempts.get(2).startedAt()))
                    .isGreaterThanOrEqualTo(Duration.ofMillis(600));
            assertThat(run.events()).extracting(RunEvent::message)
                    .anyMatch(m -> m.contains("attempt 1 failed (exit_code: exited with code 1); attempt 2 of 3 in 300 ms"));
            assertThat(run.logs().read()).extracting(LogLine::attempt).contains(1, 2, 3);
        }
    }

    @Test
    void onlyListedExitCodesAreRetried() {
        RetryPolicy policy = RetryPolicy.builder().maxAttempts(3).initialBackoff(Duration.ZERO).retryOnExitCodes(75).build();
        try (RunPilotClient client = client(home, 1)) {
            RunResult other = client.submit(shell("exit-4", "exit 4").retry(policy).build()).await();
            RunResult listed = client.submit(shell("exit-75", "exit 75").retry(policy).build()).await();

            assertThat(other.status()).isEqualTo(RunStatus.FAILED);
            assertThat(other.attempts()).hasSize(1);
            assertThat(other.exitCode()).hasValue(4);
            assertThat(listed.status()).isEqualTo(RunStatus.FAILED);
            assertThat(listed.attempts()).hasSize(3);
        }
    }

    @Test
    void timeoutsAreRetriedOnlyWhenThePolicyListsThem() {
        RetryPolicy policy = RetryPolicy.builder().maxAttempts(2).initialBackoff(Duration.ZERO)
                .retryOn(FailureReason.TIMEOUT).build();
        try (RunPilotClient client = client(home, 1)) {
            RunResult result = client.submit(shell("slow", "sleep 30").timeout(Duration.ofMillis(200)).retry(policy).build()).await();
            assertThat(result.status()).isEqualTo(RunStatus.TIMED_OUT);
            assertThat(result.attempts()).hasSize(2).allSatisfy(a -> assertThat(a.reason()).contains(FailureReason.TIMEOUT));
        }
    }

    @Test
    void dependsOnChainsRunInOrder() {
        Path order = scratch.resolve("order");
        try (RunPilotClient client = client(home, 4)) {
            Run first = client.submit(shell("first", "sleep 0.3; echo first >> " + order).build());
            Run second = client.submit(shell("second", "echo second >> " + order).dependsOn(first).build());
            Run third = client.submit(shell("third", "echo third >> " + order).dependsOn(second.id(), first.id()).build());
            assertThat(second.status()).isEqualTo(RunStatus.PENDING);
            assertThat(third.status()).isEqualTo(RunStatus.PENDING);

            assertThat(third.await().status()).isEqualTo(RunStatus.SUCCEEDED);
            assertThat(readLines(order)).containsExactly("first", "second", "third");
            assertThat(third.events()).extracting(RunEvent::to).startsWith(RunStatus.PENDING, RunStatus.QUEUED);
        }
    }

    @Test
    void aFailedDependencyFailsEveryRunDownstreamWithAReason() {
        Path ran = scratch.resolve("ran");
        try (RunPilotClient client = client(home, 2)) {
            Run broken = client.submit(shell("broken", "exit 2").build());
            Run middle = client.submit(shell("middle", "touch " + ran).dependsOn(broken).build());
            Run last = client.submit(shell("last", "touch " + ran).dependsOn(middle).build());

            RunResult middleResult = middle.await();
            RunResult lastResult = last.await();

            assertThat(broken.await().status()).isEqualTo(RunStatus.FAILED);
            assertThat(middleResult.status()).isEqualTo(RunStatus.FAILED);
            assertThat(middleResult.reason()).contains(FailureReason.DEPENDENCY_FAILED);
            assertThat(middleResult.message()).contains("dependency " + broken.id() + " ended FAILED");
            assertThat(lastResult.reason()).contains(FailureReason.DEPENDENCY_FAILED);
            assertThat(lastResult.message()).contains(middle.id());
            assertThat(middleResult.attempts()).isEmpty();
            assertThat(ran).doesNotExist();
        }
    }

    @Test
    void aCancelledDependencyFailsItsDependent() {
        try (RunPilotClient client = client(home, 0)) {
            Run upstream = client.submit(shell("upstream", "true").build());
            Run downstream = client.submit(shell("downstream", "true").dependsOn(upstream).build());
            upstream.cancel();
            RunResult result = downstream.await();
            assertThat(result.status()).isEqualTo(RunStatus.FAILED);
            assertThat(result.message()).contains("ended CANCELLED");
        }
    }

    @Test
    void dependingOnAFinishedFailureFailsAtSubmission() {
        try (RunPilotClient client = client(home, 1)) {
            Run broken = client.submit(shell("broken", "exit 1").build());
            broken.await();
            Run late = client.submit(shell("late", "true").dependsOn(broken).build());
            assertThat(late.status()).isEqualTo(RunStatus.FAILED);
            assertThat(late.info().reason()).contains(FailureReason.DEPENDENCY_FAILED);
        }
    }
}
