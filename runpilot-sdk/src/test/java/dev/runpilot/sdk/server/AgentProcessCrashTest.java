package dev.runpilot.sdk.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.runpilot.sdk.Attempt;
import dev.runpilot.sdk.FailureReason;
import dev.runpilot.sdk.Job;
import dev.runpilot.sdk.RetryPolicy;
import dev.runpilot.sdk.Run;
import dev.runpilot.sdk.RunPilotClient;
import dev.runpilot.sdk.RunResult;
import dev.runpilot.sdk.RunStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An agent JVM killed with SIGKILL mid-run: its lease lapses, the run is queued again and finishes on another agent JVM. */
class AgentProcessCrashTest {
    @TempDir
    Path dir;

    @Test
    void runOfAKilledAgentFinishesOnAnotherAgent() throws Exception {
        Path markers = Files.createDirectories(dir.resolve("markers"));
        try (RunPilotServer server = ServerFixture.server(dir.resolve("home")).start();
             ChildJvms jvms = new ChildJvms(dir);
             RunPilotClient client = ServerFixture.client(server.uri(), server.tokens().createUserToken("team-a"))) {
            String agentToken = server.tokens().createAgentToken();
            Process first = jvms.agent(server.uri(), agentToken, 1, dir.resolve("work-1"));
            Run run = client.submit(Job.builder().name("survivor").retry(RetryPolicy.maxAttempts(2))
                    .entrypoint("echo $RUNPILOT_ATTEMPT >> " + markers.resolve("started") + "; sleep 5; echo $RUNPILOT_ATTEMPT >> "
                            + markers.resolve("finished"))
                    .build());
            await().atMost(Duration.ofSeconds(60)).until(() -> run.status() == RunStatus.RUNNING);
            String firstAgent = run.attempts().get(0).agentId();

            jvms.agent(server.uri(), agentToken, 1, dir.resolve("work-2"));
            ChildJvms.kill(first);
            RunResult result = run.await(Duration.ofSeconds(90)).orElseThrow();

            assertThat(result.status()).isEqualTo(RunStatus.SUCCEEDED);
            List<Attempt> attempts = run.attempts();
            assertThat(attempts).hasSize(2);
            assertThat(attempts.get(0).reason()).hasValue(FailureReason.LEASE_LOST);
            assertThat(attempts.get(1).agentId()).isNotEqualTo(firstAgent);
            assertThat(Files.readAllLines(markers.resolve("finished"))).containsExactly("2");
        }
    }
}
