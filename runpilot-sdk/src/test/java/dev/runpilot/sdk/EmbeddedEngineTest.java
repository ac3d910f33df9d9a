package dev.runpilot.sdk;

import static dev.runpilot.sdk.EngineFixture.awaitLines;
import static dev.runpilot.sdk.EngineFixture.awaitStatus;
import static dev.runpilot.sdk.EngineFixture.client;
import static dev.runpilot.sdk.EngineFixture.readLines;
import static dev.runpilot.sdk.EngineFixture.shell;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedEngineTest {
    @TempDir
    Path home;
    @TempDir
    Path scratch;

    @Test
    void twoHundredShortJobsOnFourWorkersEachRunExactlyOnce() {
        Path marker = scratch.resolve("executions");
        try (RunPilotClient client = client(home, 4)) {
            List<Run> runs = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                runs.add(client.submit(shell("job-" + i, "echo \"line-" + i + "\"; echo 'METRIC {\"step\": 1, \"index\": " + i
                        + "}'; echo \"$RUNPILOT_RUN_ID\" >> " + marker).label("batch", "200").build()));
            }
            for (int i = 0; i < runs.size(); i++) {
                Run run = runs.get(i);
                RunResult result = run.await();
                assertThat(result.status()).as("run %s", run.id()).isEqualTo(RunStatus.SUCCEEDED);
                assertThat(result.attempts()).hasSize(1);
                assertThat(run.logs().read()).extracting(LogLine::text).contains("line-" + i);
                assertThat(result.metrics()).containsEntry("index", (double) i);
            }
            List<String> executions = readLines(marker);
            assertThat(executions).hasSize(200);
            assertThat(new HashSet<>(executions)).containsExactlyInAnyOrderElementsOf(runs.stream().map(Run::id).toList());
            assertThat(client.list(RunQuery.builder().label("batch", "200").status(RunStatus.SUCCEEDED).limit(1000).build()).runs())
                    .hasSize(200);
        }
    }

    @Test
    void followDeliversEveryLineOnceInOrderWhileTheRunGoesOn() {
        try (RunPilotClient client = client(home, 2)) {
            Run run = client.submit(shell("count", "for i in $(seq 1 300); do echo \"n=$i\"; done; echo err >&2").build());
            List<LogLine> seen = new CopyOnWriteArrayList<>();
            run.logs().follow(seen::add);
            assertThat(run.status()).isEqualTo(RunStatus.SUCCEEDED);
            List<String> numbers = seen.stream().filter(l -> l.stream() == LogStream.STDOUT).map(LogLine::text).toList();
            List<String> expected = new ArrayList<>();
            for (int i = 1; i <= 300; i++) {
                expected.add("n=" + i);
            }
            assertThat(numbers).containsExactlyElementsOf(expected);
            assertThat(seen).anyMatch(l -> l.stream() == LogStream.STDERR && l.text().equals("err"));
            assertThat(seen).extracting(LogLine::sequence).isSorted().doesNotHaveDuplicates();
            assertThat(run.logs().tail(1)).extracting(LogLine::text).singleElement().asString().contains("ended");
            assertThat(run.logs().read(0, 5)).hasSize(5);
        }
    }

    @Test
    void metricLinesInBothFormsBecomeSeriesWithFinalValues() {
        try (RunPilotClient client = client(home, 1)) {
            Run run = client.submit(shell("train", String.join("\n",
                    "echo 'METRIC {\"step\": 3, \"loss\": 0.81, \"accuracy\": 0.64}'",
                    "echo 'METRIC {\"step\": 4, \"loss\": 0.52, \"accuracy\": 0.70}'",
                    "echo 'METRIC lr=0.1'",
                    "echo 'METRIC lr=0.05'",
                    "echo 'METRIC not a metric'")).build());
            RunResult result = run.await().requireSuccess();
            assertThat(result.metrics()).containsEntry("loss", 0.52).containsEntry("accuracy", 0.70).containsEntry("lr", 0.05)
                    .hasSize(3);
            RunMetrics metrics = run.metrics();
            assertThat(metrics.series("loss")).extracting(MetricPoint::step, MetricPoint::value)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple(3L, 0.81), org.assertj.core.groups.Tuple.tuple(4L, 0.52));
            assertThat(metrics.series("lr")).extracting(MetricPoint::step).containsExactly(0L, 1L);
            assertThat(metrics.last("missing")).isEmpty();
        }
    }

    @Test
    void secretsReachTheJobButNeverItsLogEventsOrDescriptions() {
        String secret = "s3cr3t-value-42";
        try (RunPilotClient client = client(home, 1)) {
            Job job = shell("secretive", "echo \"token is $API_TOKEN\"; echo \"plain $PLAIN\"; exit 3")
                    .secret("API_TOKEN", secret).env("PLAIN", "visible").build();
            Run run = client.submit(job);
            RunResult result = run.await();
            assertThat(result.status()).isEqualTo(RunStatus.FAILED);
            assertThat(run.logs().read()).extracting(LogLine::text).contains("token is ***", "plain visible")
                    .noneMatch(text -> text.contains(secret));
            assertThat(run.events()).extracting(RunEvent::message).noneMatch(text -> text.contains(secret));
            assertThat(job.toString()).doesNotContain(secret).contains("API_TOKEN");
            assertThat(run.job().secrets()).containsEntry("API_TOKEN", "***");
            assertThat(new RunFailedException(result).getMessage()).doesNotContain(secret);
        }
    }

    @Test
    void higherPriorityRunsFirstAndEqualPrioritiesInSubmissionOrder() throws Exception {
        Path gate = scratch.resolve("gate");
        Path order = scratch.resolve("order");
        try (RunPilotClient client = client(home, 1)) {
            Run blocker = client.submit(shell("blocker", "while [ ! -f " + gate + " ]; do sleep 0.05; done").build());
            awaitStatus(blocker, RunStatus.RUNNING);
            List<Run> runs = new ArrayList<>();
            runs.add(client.submit(shell("low-1", "echo low-1 >> " + order).build()));
            runs.add(client.submit(shell("high", "echo high >> " + order).priority(10).build()));
            runs.add(client.submit(shell("low-2", "echo low-2 >> " + order).build()));
            Files.writeString(gate, "go");
            runs.forEach(Run::await);
            assertThat(readLines(order)).containsExactly("high", "low-1", "low-2");
        }
    }

    @Test
    void everyTransitionIsRecordedAsAnEvent() {
        try (RunPilotClient client = client(home, 1)) {
            Run run = client.submit(shell("events", "true").build());
            run.await();
            assertThat(run.events()).extracting(RunEvent::to)
                    .containsExactly(RunStatus.QUEUED, RunStatus.ASSIGNED, RunStatus.RUNNING, RunStatus.SUCCEEDED);
            assertThat(run.events()).extracting(RunEvent::from)
                    .containsExactly(Optional.empty(), Optional.of(RunStatus.QUEUED), Optional.of(RunStatus.ASSIGNED),
                            Optional.of(RunStatus.RUNNING));
            assertThat(run.events().get(2).message()).contains("pid");
        }
    }

    @Test
    void listingFiltersByStatusNameLabelAndTimeAndPages() {
        try (RunPilotClient client = client(home, 2)) {
            Instant before = Instant.now();
            List<Run> ok = new ArrayList<>();
            for (int i = 0; i < 7; i++) {
                ok.add(client.submit(shell("ok", "true").label("team", i % 2 == 0 ? "ml" : "data").build()));
            }
            Run bad = client.submit(shell("bad", "exit 1").label("team", "ml").build());
            ok.forEach(Run::await);
            bad.await();

            assertThat(client.list(RunQuery.builder().status(RunStatus.FAILED).build()).runs())
                    .extracting(RunInfo::id).containsExactly(bad.id());
            assertThat(client.list(RunQuery.builder().name("ok").build()).runs()).hasSize(7);
            assertThat(client.list(RunQuery.builder().label("team", "ml").build()).runs()).hasSize(5)
                    .allSatisfy(info -> assertThat(info.labels()).containsEntry("team", "ml"));
            assertThat(client.list(RunQuery.builder().createdBefore(before).build()).runs()).isEmpty();
            assertThat(client.list(RunQuery.builder().createdAfter(before).build()).runs()).hasSize(8);

            Set<String> paged = new HashSet<>();
            List<RunInfo> inOrder = new ArrayList<>();
            RunQuery query = RunQuery.builder().limit(3).build();
            int pages = 0;
            while (true) {
                RunPage page = client.list(query);
                pages++;
                page.runs().forEach(info -> {
                    paged.add(info.id());
                    inOrder.add(info);
                });
                if (page.nextPageToken().isEmpty()) {
                    break;
                }
                query = query.toBuilder().pageToken(page.nextPageToken().get()).build();
            }
            assertThat(pages).isEqualTo(3);
            assertThat(paged).hasSize(8);
            assertThat(inOrder.get(0).id()).isEqualTo(bad.id());
            assertThat(inOrder).extracting(RunInfo::createdAt).isSortedAccordingTo(java.util.Comparator.reverseOrder());
        }
    }

    @Test
    void awaitWithTimeoutReturnsEmptyWhileTheRunGoesOn() {
        Path gate = scratch.resolve("gate");
        try (RunPilotClient client = client(home, 1)) {
            Run run = client.submit(shell("slow", "while [ ! -f " + gate + " ]; do sleep 0.05; done").build());
            assertThat(run.await(Duration.ofMillis(300))).isEmpty();
            assertThat(run.status().isTerminal()).isFalse();
            EngineFixture.awaitStatus(run, RunStatus.RUNNING);
            try {
                Files.writeString(gate, "go");
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            assertThat(run.await(Duration.ofSeconds(30))).get().extracting(RunResult::status).isEqualTo(RunStatus.SUCCEEDED);
        }
    }

    @Test
    void twoClientsOnOneHomeShareOneQueue() {
        Path marker = scratch.resolve("ran");
        try (RunPilotClient submitter = client(home, 0); RunPilotClient worker = client(home, 2)) {
            List<Run> runs = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                runs.add(submitter.submit(shell("shared-" + i, "echo " + i + " >> " + marker).build()));
            }
            runs.forEach(run -> assertThat(run.await().status()).isEqualTo(RunStatus.SUCCEEDED));
            assertThat(awaitLines(marker, 20)).hasSize(20).doesNotHaveDuplicates();
            assertThat(worker.run(runs.get(0).id()).attempts()).singleElement()
                    .extracting(Attempt::agentId).asString().startsWith("local-");
        }
    }

    @Test
    void theAttemptLogIsSavedToStorage() throws Exception {
        try (RunPilotClient client = client(home, 1)) {
            Run run = client.submit(shell("saved", "echo saved-line").build());
            run.await();
            Path log = home.resolve("storage/runs/" + run.id() + "/logs/attempt-1.log");
            EngineFixture.awaitLines(log, 1);
            assertThat(Files.readString(log)).contains("STDOUT saved-line");
        }
    }

    @Test
    void inMemoryClientsLeaveNothingBehind() {
        Path tempHome;
        try (RunPilotClient client = RunPilot.client().inMemory().workers(1).build()) {
            Run run = client.submit(shell("mem", "pwd").build());
            RunResult result = run.await();
            assertThat(result.isSuccess()).isTrue();
            String workDir = run.logs().read().stream().filter(l -> l.stream() == LogStream.STDOUT).findFirst().orElseThrow().text();
            tempHome = Path.of(workDir).getParent().getParent().getParent();
            assertThat(tempHome.getFileName().toString()).startsWith("runpilot-");
        }
        assertThat(tempHome).doesNotExist();
    }

    @Test
    void workDirectoriesAreKeptOnlyWhenTheJobLeftSomethingInThem() throws Exception {
        try (RunPilotClient client = client(home, 1)) {
            Run empty = client.submit(shell("empty", "true").build());
            Run writer = client.submit(shell("writer", "echo weights > model.pt").build());
            empty.await();
            writer.await();
            assertThat(home.resolve("work").resolve(empty.id())).doesNotExist();
            assertThat(home.resolve("work").resolve(writer.id()).resolve("1").resolve("model.pt")).hasContent("weights");
        }
    }
}
