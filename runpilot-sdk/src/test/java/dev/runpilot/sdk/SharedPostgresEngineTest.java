package dev.runpilot.sdk;

import static dev.runpilot.sdk.EngineFixture.readLines;
import static dev.runpilot.sdk.EngineFixture.shell;
import static org.assertj.core.api.Assertions.assertThat;

import dev.runpilot.sdk.internal.store.TestPostgres;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two engines (as two servers would be) sharing one PostgreSQL database and one storage directory,
 * each with its own home and local workers, drain one queue together.
 */
class SharedPostgresEngineTest {
    @TempDir
    Path scratch;
    private String database;

    @BeforeEach
    void createDatabase() {
        database = TestPostgres.createDatabase();
    }

    @AfterEach
    void dropDatabase() {
        if (database != null) {
            TestPostgres.dropDatabase(database);
        }
    }

    private RunPilotClient engine(String name, int workers) {
        return RunPilot.client().home(scratch.resolve(name)).database(database).storage(scratch.resolve("storage").toUri())
                .workers(workers).gracePeriod(Duration.ofSeconds(1)).build();
    }

    @Test
    void twoEnginesOnOneDatabaseRunEachOfTwoHundredJobsExactlyOnce() {
        Path marker = scratch.resolve("executions");
        try (RunPilotClient first = engine("first", 3); RunPilotClient second = engine("second", 3)) {
            List<Run> runs = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                RunPilotClient submitter = i % 2 == 0 ? first : second;
                runs.add(submitter.submit(shell("job-" + i, "echo \"$RUNPILOT_RUN_ID\" >> " + marker)
                        .label("batch", "shared").build()));
            }
            for (Run run : runs) {
                RunResult result = run.await();
                assertThat(result.status()).as("run %s", run.id()).isEqualTo(RunStatus.SUCCEEDED);
                assertThat(result.attempts()).as("run %s", run.id()).hasSize(1);
            }
            List<String> executions = readLines(marker);
            assertThat(executions).hasSize(200);
            assertThat(new HashSet<>(executions)).containsExactlyInAnyOrderElementsOf(runs.stream().map(Run::id).toList());
            List<String> agents = runs.stream().map(r -> first.run(r.id()).attempts().get(0).agentId()).distinct().toList();
            assertThat(agents).as("both engines' agents took work").hasSizeGreaterThanOrEqualTo(2);
            assertThat(second.list(RunQuery.builder().label("batch", "shared").status(RunStatus.SUCCEEDED).limit(1000).build())
                    .runs()).hasSize(200);
        }
    }

    @Test
    void aRunSubmittedOnOneEngineCanBeCancelledFromTheOther() {
        try (RunPilotClient submitter = engine("submitter", 0); RunPilotClient other = engine("other", 0)) {
            Run run = submitter.submit(shell("waits", "true").build());

            assertThat(other.run(run.id()).cancel()).isEqualTo(CancelOutcome.CANCELLED);
            assertThat(run.await().status()).isEqualTo(RunStatus.CANCELLED);
        }
    }
}
