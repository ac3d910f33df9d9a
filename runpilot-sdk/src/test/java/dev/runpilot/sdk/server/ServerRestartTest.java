package dev.runpilot.sdk.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.runpilot.sdk.Job;
import dev.runpilot.sdk.RetryPolicy;
import dev.runpilot.sdk.RunInfo;
import dev.runpilot.sdk.RunPilot;
import dev.runpilot.sdk.RunPilotClient;
import dev.runpilot.sdk.RunQuery;
import dev.runpilot.sdk.RunStatus;
import dev.runpilot.sdk.agent.Agent;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A server JVM killed with SIGKILL and restarted while a client submits: every accepted submission is there, once. */
class ServerRestartTest {
    private static final int JOBS = 150;

    @TempDir
    Path dir;

    @Test
    void noAcceptedSubmissionIsLostWhenTheServerIsKilledAndRestarted() throws Exception {
        Path home = dir.resolve("home");
        String userToken;
        String agentToken;
        try (RunPilotServer admin = RunPilotServer.builder().home(home).build()) {
            userToken = admin.tokens().createUserToken("team-a");
            agentToken = admin.tokens().createAgentToken();
        }
        int port = ChildJvms.freePort();
        try (ChildJvms jvms = new ChildJvms(dir)) {
            ChildJvms.Server server = jvms.server(home, port, Duration.ofSeconds(10));
            Set<String> accepted = ConcurrentHashMap.newKeySet();
            try (RunPilotClient client = RunPilot.client().endpoint(server.uri()).token(userToken)
                    .requestTimeout(Duration.ofSeconds(5))
                    .retry(RetryPolicy.builder().maxAttempts(40).initialBackoff(Duration.ofMillis(100))
                            .maxBackoff(Duration.ofSeconds(1)).build())
                    .build();
                 Agent agent = Agent.builder().endpoint(server.uri()).token(agentToken).workers(4).runtime("process")
                         .workDir(dir.resolve("work")).build().start()) {
                CompletableFuture<Void> submitting = CompletableFuture.runAsync(() -> {
                    for (int i = 0; i < JOBS; i++) {
                        accepted.add(client.submit(Job.builder().name("job-" + i).retry(RetryPolicy.maxAttempts(3))
                                .command("true").build()).id());
                    }
                });
                await().atMost(Duration.ofSeconds(60)).until(() -> accepted.size() >= JOBS / 3 || submitting.isDone());
                ChildJvms.kill(server.process());
                jvms.server(home, port, Duration.ofSeconds(10));
                submitting.get();

                assertThat(accepted).hasSize(JOBS);
                await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(1)).until(() -> client
                        .list(RunQuery.builder().limit(1000).build()).runs().stream().allMatch(r -> r.status().isTerminal()));
                List<RunInfo> runs = client.list(RunQuery.builder().limit(1000).build()).runs();
                assertThat(runs).extracting(RunInfo::id).containsExactlyInAnyOrderElementsOf(accepted);
                assertThat(runs).extracting(RunInfo::status).containsOnly(RunStatus.SUCCEEDED);
            }
        }
    }
}
