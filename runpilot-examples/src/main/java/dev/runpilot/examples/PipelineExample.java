package dev.runpilot.examples;

import dev.runpilot.sdk.Job;
import dev.runpilot.sdk.Run;
import dev.runpilot.sdk.RunPilot;
import dev.runpilot.sdk.RunPilotClient;
import dev.runpilot.sdk.RunResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A three-step pipeline joined by {@code dependsOn}: {@code prepare} writes a data file,
 * {@code train} (which waits for it) reads it and reports a loss, {@code evaluate} (which waits for
 * train) reports an accuracy. All three are submitted at once; the engine holds each step
 * {@code PENDING} until the steps it depends on have succeeded, and fails it with reason
 * {@code dependency_failed} if one of them fails.
 *
 * <p>Run it with {@code ./mvnw -q -pl runpilot-examples exec:java -Dexec.mainClass=dev.runpilot.examples.PipelineExample}.
 * The job file form of {@code dependsOn} is {@code depends_on:} (see {@code jobs/pipeline/}).
 */
public final class PipelineExample {
    private PipelineExample() {
    }

    public static void main(String[] args) throws IOException {
        Path data = Files.createTempDirectory("runpilot-pipeline-");
        try (RunPilotClient client = RunPilot.client().build()) {
            List<Run> runs = submit(client, data);
            for (Run run : runs) {
                RunResult result = run.await();
                System.out.println(run.job().name() + " (" + run.id() + "): " + result.status() + " " + result.metrics());
            }
            for (Run run : runs) {
                run.logs().read().stream()
                        .filter(line -> line.stream() != dev.runpilot.sdk.LogStream.SYSTEM)
                        .forEach(line -> System.out.println("  " + run.job().name() + " | " + line.text()));
            }
            runs.get(runs.size() - 1).await().requireSuccess();
        } finally {
            deleteTree(data);
        }
    }

    /**
     * Submits the three steps, sharing {@code dataDir} through the environment.
     *
     * @return the runs: prepare, train, evaluate
     */
    static List<Run> submit(RunPilotClient client, Path dataDir) {
        Run prepare = client.submit(Job.builder()
                .name("prepare")
                .entrypoint("echo 'preparing shards'; seq 1 1000 > \"$DATA_DIR/shards.txt\"; echo 'wrote 1000 rows'")
                .env("DATA_DIR", dataDir.toString())
                .label("pipeline", "example")
                .timeout(Duration.ofMinutes(1))
                .build());
        Run train = client.submit(Job.builder()
                .name("train")
                .entrypoint("rows=$(wc -l < \"$DATA_DIR/shards.txt\"); echo \"training on $rows rows\";"
                        + " echo 'METRIC loss=0.12'; echo model > \"$DATA_DIR/model.bin\"")
                .env("DATA_DIR", dataDir.toString())
                .dependsOn(prepare)
                .label("pipeline", "example")
                .timeout(Duration.ofMinutes(1))
                .build());
        Run evaluate = client.submit(Job.builder()
                .name("evaluate")
                .entrypoint("test -f \"$DATA_DIR/model.bin\" && echo 'evaluating model' && echo 'METRIC accuracy=0.91'")
                .env("DATA_DIR", dataDir.toString())
                .dependsOn(train)
                .label("pipeline", "example")
                .timeout(Duration.ofMinutes(1))
                .build());
        return List.of(prepare, train, evaluate);
    }

    private static void deleteTree(Path root) {
        try (var paths = Files.walk(root)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
