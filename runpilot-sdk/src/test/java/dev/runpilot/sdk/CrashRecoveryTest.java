package dev.runpilot.sdk;

import static dev.runpilot.sdk.EngineFixture.awaitLines;
import static dev.runpilot.sdk.EngineFixture.pids;
import static dev.runpilot.sdk.EngineFixture.readLines;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CrashRecoveryTest {
    @TempDir
    Path home;
    @TempDir
    Path scratch;

    @Test
    void anEngineKilledMidRunIsRecoveredByTheNextEngineOnTheSameHome() throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                CrashingEngine.class.getName(), home.toString(), scratch.toString())
                .redirectError(scratch.resolve("child-stderr.txt").toFile())
                .start();
        List<String> ids = new ArrayList<>();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null && !line.equals("READY")) {
                if (line.startsWith("IDS ")) {
                    ids.addAll(List.of(line.substring(4).split(" ")));
                }
            }
            assertThat(line).as("child output; its stderr is in %s", scratch.resolve("child-stderr.txt")).isEqualTo("READY");
            child.destroyForcibly();
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        } finally {
            child.destroyForcibly();
        }
        assertThat(child.exitValue()).isEqualTo(137);
        List<String> quick = ids.subList(0, 3);
        String resumableId = ids.get(3);
        String fragileId = ids.get(4);
        String downstreamId = ids.get(5);
        long orphanedAttemptPid = pids(readLines(scratch.resolve("pids-1"))).get(0);
        long orphanedFragilePid = pids(readLines(scratch.resolve("fragile-pid"))).get(0);
        assertThat(EngineFixture.isAlive(orphanedAttemptPid)).as("the dead engine's job still runs").isTrue();

        try (RunPilotClient client = RunPilot.client().home(home).workers(2).leaseDuration(Duration.ofSeconds(2))
                .gracePeriod(Duration.ofSeconds(1)).build()) {
            RunResult resumable = client.run(resumableId).await();
            RunResult fragile = client.run(fragileId).await();
            RunResult downstream = client.run(downstreamId).await();

            assertThat(resumable.status()).isEqualTo(RunStatus.SUCCEEDED);
            assertThat(resumable.attempts()).hasSize(2);
            assertThat(resumable.attempts().get(0).reason()).contains(FailureReason.LEASE_LOST);
            assertThat(resumable.attempts().get(1).agentId()).isNotEqualTo(resumable.attempts().get(0).agentId());
            assertThat(fragile.status()).isEqualTo(RunStatus.FAILED);
            assertThat(fragile.reason()).contains(FailureReason.LEASE_LOST);
            assertThat(fragile.message()).contains("stopped renewing its lease");
            assertThat(downstream.status()).isEqualTo(RunStatus.SUCCEEDED);
            for (String id : quick) {
                RunResult result = client.run(id).await();
                assertThat(result.status()).isEqualTo(RunStatus.SUCCEEDED);
                assertThat(result.attempts()).hasSize(1);
            }
        }
        List<String> executions = awaitLines(scratch.resolve("executions"), 4);
        assertThat(executions).containsExactlyInAnyOrder(quick.get(0), quick.get(1), quick.get(2), downstreamId);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(EngineFixture.isAlive(orphanedAttemptPid)).as("orphaned attempt pid").isFalse();
            assertThat(EngineFixture.isAlive(orphanedFragilePid)).as("orphaned fragile pid").isFalse();
        });
    }
}
