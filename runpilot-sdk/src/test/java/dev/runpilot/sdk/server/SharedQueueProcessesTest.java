package dev.runpilot.sdk.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.runpilot.sdk.Job;
import dev.runpilot.sdk.RunInfo;
import dev.runpilot.sdk.RunPage;
import dev.runpilot.sdk.RunPilotClient;
import dev.runpilot.sdk.RunQuery;
import dev.runpilot.sdk.RunStatus;
import dev.runpilot.sdk.internal.store.TestPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Many agents on one queue: 500 jobs submitted through 2 server JVMs sharing one PostgreSQL database,
 * run by 4 agent JVMs. Every run executes exactly once (one marker line per run) and none is lost.
 */
class SharedQueueProcessesTest {
    private static final int JOBS = 500;

    @TempDir
    Path dir;

    private String database;

    @BeforeEach
    void createDatabase() {
        database = TestPostgres.createDatabase();
    }

    @AfterEach
    void dropDatabase() {
        if (database != null) { // null when PostgreSQL is not configured and the test was skipped
            TestPostgres.dropDatabase(database);
        }
    }

    @Test
    void fiveHundredJobsOnTwoServersAndFourAgentsRunExactlyOnceEach() throws Exception {
        Path markers = Files.createDirectories(dir.resolve("markers"));
        String userToken;
        String agentToken;
        // Tokens live in the database: made here, accepted by both server processes.
        try (RunPilotServer admin = RunPilotServer.builder().home(dir.resolve("admin")).database(database).build()) {
            userToken = admin.tokens().createUserToken("team-a");
            agentToken = admin.tokens().createAgentToken();
        }
        try (ChildJvms jvms = new ChildJvms(dir)) {
            Duration lease = Duration.ofSeconds(15);
            ChildJvms.Server first = jvms.server(dir.resolve("server-1"), database, 0, lease);
            ChildJvms.Server second = jvms.server(dir.resolve("server-2"), database, 0, lease);
            for (int i = 0; i < 4; i++) {
                jvms.agent(i % 2 == 0 ? first.uri() : second.uri(), agentToken, 2, dir.resolve("work-" + i));
            }
            Set<String> accepted = new HashSet<>();
            try (RunPilotClient one = ServerFixture.client(first.uri(), userToken);
                 RunPilotClient two = ServerFixture.client(second.uri(), userToken)) {
                for (int i = 0; i < JOBS; i++) {
                    Job job = Job.builder().name("job-" + i)
                            .entrypoint("echo $RUNPILOT_ATTEMPT >> " + markers + "/$RUNPILOT_RUN_ID").build();
                    accepted.add((i % 2 == 0 ? one : two).submit(job).id());
                }
                assertThat(accepted).hasSize(JOBS);
                await().atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofSeconds(1))
                        .until(() -> all(one).stream().allMatch(r -> r.status().isTerminal()));

                List<RunInfo> runs = all(two);
                assertThat(runs).extracting(RunInfo::id).containsExactlyInAnyOrderElementsOf(accepted);
                assertThat(runs).allSatisfy(r -> {
                    assertThat(r.status()).isEqualTo(RunStatus.SUCCEEDED);
                    assertThat(r.attempts()).isEqualTo(1);
                });
            }
            try (Stream<Path> files = Files.list(markers)) {
                List<Path> executed = files.toList();
                assertThat(executed).hasSize(JOBS);
                for (Path marker : executed) {
                    assertThat(Files.readAllLines(marker)).as(marker.getFileName().toString()).containsExactly("1");
                }
            }
        }
    }

    private static List<RunInfo> all(RunPilotClient client) {
        List<RunInfo> runs = new ArrayList<>();
        RunQuery query = RunQuery.builder().limit(500).build();
        while (true) {
            RunPage page = client.list(query);
            runs.addAll(page.runs());
            if (page.nextPageToken().isEmpty()) {
                return runs;
            }
            query = query.toBuilder().pageToken(page.nextPageToken().get()).build();
        }
    }
}
