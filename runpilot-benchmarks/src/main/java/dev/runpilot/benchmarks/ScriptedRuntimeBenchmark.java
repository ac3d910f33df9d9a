package dev.runpilot.benchmarks;

import dev.runpilot.sdk.Job;
import dev.runpilot.sdk.Run;
import dev.runpilot.sdk.RunPilot;
import dev.runpilot.sdk.RunPilotClient;
import dev.runpilot.sdk.RunResult;
import dev.runpilot.sdk.RunStatus;
import dev.runpilot.sdk.testing.ScriptedRuntime;
import dev.runpilot.sdk.testing.TestJobs;
import java.util.ArrayList;
import java.util.List;

/**
 * What the scripted runtime of runpilot-sdk-testing saves a user's test: the same small job (three
 * lines, one of them a {@code METRIC} line) run {@code submit -> await} on an in-memory client,
 * played by a {@link ScriptedRuntime} and run for real by the {@code process} runtime (the baseline),
 * interleaved in one JVM so that load on the machine hits both alike. A second pair times a whole
 * test's worth of work: build the client, submit, await, read the log, close.
 *
 * <p>Usage: {@code java -cp runpilot-benchmarks/target/benchmarks.jar dev.runpilot.benchmarks.ScriptedRuntimeBenchmark [iterations]}.
 */
public final class ScriptedRuntimeBenchmark {
    private ScriptedRuntimeBenchmark() {
    }

    public static void main(String[] args) {
        int iterations = args.length > 0 ? Integer.parseInt(args[0]) : 50;
        ScriptedRuntime scripted = ScriptedRuntime.create();
        scripted.whenJobNamed("echo").stdout("epoch 1", "epoch 2", "METRIC loss=0.1");
        Job job = TestJobs.echo("epoch 1", "epoch 2", "METRIC loss=0.1").build();

        List<Long> scriptedRuns = new ArrayList<>();
        List<Long> processRuns = new ArrayList<>();
        List<Long> scriptedTests = new ArrayList<>();
        List<Long> processTests = new ArrayList<>();
        try (RunPilotClient scriptedClient = RunPilot.client().inMemory().runtime(scripted).workers(2).build();
             RunPilotClient processClient = RunPilot.client().inMemory().runtime("process").workers(2).build()) {
            for (int i = -5; i < iterations; i++) {
                long a = timeRun(scriptedClient, job);
                long b = timeRun(processClient, job);
                long c = timeTest(RunPilot.client().inMemory().runtime(scripted), job);
                long d = timeTest(RunPilot.client().inMemory().runtime("process"), job);
                if (i >= 0) {
                    scriptedRuns.add(a);
                    processRuns.add(b);
                    scriptedTests.add(c);
                    processTests.add(d);
                }
            }
        }
        System.out.println("Scripted vs process runtime, " + iterations + " interleaved iterations after 5 warm-ups; nproc "
                + Runtime.getRuntime().availableProcessors());
        System.out.printf("%-58s %8s %8s %8s%n", "path (milliseconds)", "p50", "p99", "mean");
        LatencyStats sr = print("submit -> await, scripted runtime", scriptedRuns);
        LatencyStats pr = print("submit -> await, process runtime (baseline)", processRuns);
        LatencyStats st = print("whole test (build, submit, await, log, close), scripted", scriptedTests);
        LatencyStats pt = print("whole test (build, submit, await, log, close), process", processTests);
        System.out.printf("process / scripted, median: run %.2fx, whole test %.2fx%n", pr.p50() / sr.p50(), pt.p50() / st.p50());
    }

    private static long timeRun(RunPilotClient client, Job job) {
        long start = System.nanoTime();
        RunResult result = client.submit(job).await();
        long elapsed = System.nanoTime() - start;
        check(result);
        return elapsed;
    }

    private static long timeTest(RunPilotClient.Builder builder, Job job) {
        long start = System.nanoTime();
        try (RunPilotClient client = builder.workers(2).build()) {
            Run run = client.submit(job);
            check(run.await());
            if (run.logs().read().stream().noneMatch(l -> l.text().equals("epoch 2"))) {
                throw new IllegalStateException("run " + run.id() + " lost its output");
            }
        }
        return System.nanoTime() - start;
    }

    private static void check(RunResult result) {
        if (result.status() != RunStatus.SUCCEEDED || !result.metrics().containsKey("loss")) {
            throw new IllegalStateException("run " + result.runId() + " ended " + result.status() + " " + result.metrics());
        }
    }

    private static LatencyStats print(String what, List<Long> nanos) {
        LatencyStats stats = new LatencyStats(nanos.stream().mapToLong(Long::longValue).toArray());
        System.out.printf("%-58s %8.1f %8.1f %8.1f%n", what, stats.p50(), stats.p99(), stats.meanMillis());
        return stats;
    }
}
