package dev.runpilot.benchmarks;

import dev.runpilot.sdk.Run;
import dev.runpilot.sdk.RunPilotClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The issue 2 benchmark without JMH: submit-to-await latency of a no-op job ({@code true}) on the
 * embedded engine with 2 workers against spawning the same process with {@link ProcessBuilder},
 * measured interleaved in one run, then no-op jobs per second against spawns per second.
 *
 * <pre>
 * java -cp runpilot-benchmarks/target/benchmarks.jar dev.runpilot.benchmarks.EndToEnd
 *     [--samples 300] [--warmup 100] [--jobs 500] [--rounds 3] [--breakdown 150] [--store memory,file]
 * </pre>
 *
 * <p>Latency pairs alternate which of the two goes first, so drift in the machine's state hits both
 * alike. Overhead is engine minus baseline, as a difference of percentiles and as percentiles of
 * the per-pair differences. Last, a shorter pass on a client whose runtime and storage are wrapped
 * by {@link TimedProviders} splits the engine's latency into phases.
 */
public final class EndToEnd {
    private static final int WORKERS = 2;

    private final int warmup;
    private final int samples;
    private final int jobs;
    private final int rounds;
    private final int breakdownSamples;

    private EndToEnd(int warmup, int samples, int jobs, int rounds, int breakdownSamples) {
        this.warmup = warmup;
        this.samples = samples;
        this.jobs = jobs;
        this.rounds = rounds;
        this.breakdownSamples = breakdownSamples;
    }

    public static void main(String[] args) throws Exception {
        int warmup = 100;
        int samples = 300;
        int jobs = 500;
        int rounds = 3;
        int breakdown = 150;
        List<EngineFixture.Store> stores = List.of(EngineFixture.Store.MEMORY, EngineFixture.Store.FILE);
        for (int i = 0; i < args.length; i++) {
            String value = i + 1 < args.length ? args[i + 1] : null;
            switch (args[i]) {
                case "--warmup" -> warmup = Integer.parseInt(required(args[i], value));
                case "--samples" -> samples = Integer.parseInt(required(args[i], value));
                case "--jobs" -> jobs = Integer.parseInt(required(args[i], value));
                case "--rounds" -> rounds = Integer.parseInt(required(args[i], value));
                case "--breakdown" -> breakdown = Integer.parseInt(required(args[i], value));
                case "--store" -> stores = Arrays.stream(required(args[i], value).split(","))
                        .map(EngineFixture.Store::parse).toList();
                default -> throw new IllegalArgumentException("Unknown option " + args[i]
                        + "; known: --samples N --warmup N --jobs N --rounds N --breakdown N (0: skip) --store memory,file");
            }
            i++;
        }
        System.out.printf(Locale.ROOT, "RunPilot end-to-end no-op benchmark: %d warm-up + %d latency pairs, %d rounds of %d jobs,"
                        + " %d breakdown pairs, %d workers%n", warmup, samples, rounds, jobs, breakdown, WORKERS);
        System.out.printf(Locale.ROOT, "java %s (%s), %s %s, %d CPUs%n%n", System.getProperty("java.version"),
                System.getProperty("java.vm.name"), System.getProperty("os.name"), System.getProperty("os.arch"),
                Runtime.getRuntime().availableProcessors());
        System.out.println("load average before: " + loadAverage() + "\n");
        EndToEnd benchmark = new EndToEnd(warmup, samples, jobs, rounds, breakdown);
        long started = System.nanoTime();
        for (EngineFixture.Store store : stores) {
            EngineFixture engine = EngineFixture.open(store, WORKERS);
            try {
                benchmark.latency(store, engine);
                benchmark.throughput(store, engine);
            } finally {
                long closing = System.nanoTime();
                engine.close();
                System.out.printf(Locale.ROOT, "store=%s: closing the client (and deleting its temp dir) took %.2f s%n%n",
                        store.label(), (System.nanoTime() - closing) / 1e9);
            }
            if (breakdown > 0) {
                benchmark.breakdown(store);
            }
        }
        System.out.printf(Locale.ROOT, "done in %.1f s; load average after: %s%n", (System.nanoTime() - started) / 1e9,
                loadAverage());
    }

    /** The 1, 5 and 15 minute load averages from /proc/loadavg, to tell a quiet machine from a busy one. */
    private static String loadAverage() {
        try {
            String[] fields = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return String.join(" ", Arrays.copyOf(fields, 3));
        } catch (IOException | RuntimeException e) {
            return "unknown (" + e.getMessage() + ")";
        }
    }

    private static String required(String option, String value) {
        if (value == null) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return value;
    }

    private void latency(EngineFixture.Store store, EngineFixture engine) throws InterruptedException {
        RunPilotClient client = engine.client();
        for (int i = 0; i < warmup; i++) {
            RawSpawn.run();
            engine.runNoop();
        }
        long[] raw = new long[samples];
        long[] eng = new long[samples];
        long[] diff = new long[samples];
        for (int i = 0; i < samples; i++) {
            if (i % 2 == 0) {
                raw[i] = timeRawSpawn();
                eng[i] = timeEngine(client);
            } else {
                eng[i] = timeEngine(client);
                raw[i] = timeRawSpawn();
            }
            diff[i] = eng[i] - raw[i];
        }
        LatencyStats rawStats = new LatencyStats(raw);
        LatencyStats engStats = new LatencyStats(eng);
        LatencyStats diffStats = new LatencyStats(diff);
        System.out.printf(Locale.ROOT, "== latency, store=%s, %d interleaved pairs (ms) ==%n", store.label(), samples);
        System.out.printf(Locale.ROOT, "%-26s %8s %8s %8s %8s %8s%n", "", "p50", "p90", "p99", "max", "mean");
        row("raw spawn (baseline)", rawStats);
        row("engine submit+await", engStats);
        row("per-pair overhead", diffStats);
        System.out.printf(Locale.ROOT, "overhead p50 %.2f ms (engine/raw %.1fx), p99 %.2f ms (engine/raw %.1fx)%n",
                engStats.p50() - rawStats.p50(), engStats.p50() / rawStats.p50(),
                engStats.p99() - rawStats.p99(), engStats.p99() / rawStats.p99());
        System.out.printf(Locale.ROOT, "issue 2 target, p50 overhead under 15 ms: %s%n%n",
                engStats.p50() - rawStats.p50() < 15 ? "met" : "NOT met");
    }

    private static void row(String name, LatencyStats stats) {
        System.out.printf(Locale.ROOT, "%-26s %8.2f %8.2f %8.2f %8.2f %8.2f%n", name, stats.p50(), stats.percentileMillis(90),
                stats.p99(), stats.maxMillis(), stats.meanMillis());
    }

    private static long timeRawSpawn() throws InterruptedException {
        long start = System.nanoTime();
        RawSpawn.run();
        return System.nanoTime() - start;
    }

    private static long timeEngine(RunPilotClient client) {
        long start = System.nanoTime();
        EngineFixture.requireSucceeded(client.submit(EngineFixture.NOOP).await());
        return System.nanoTime() - start;
    }

    /**
     * Where the engine's time goes: the same interleaved pairs on a client whose runtime and storage
     * record when they are called ({@link TimedProviders}), reported as medians and means per phase.
     */
    private void breakdown(EngineFixture.Store store) throws InterruptedException {
        String[] names = {
            "submit() call",
            "claim, work dir, first log write",
            "runtime.start(): spawn + 2 reader threads",
            "markRunning, exit seen, output drained",
            "log flush, read back the attempt's lines",
            "storage.put() of the attempt log",
            "finish txn, wake-up, await()'s reads",
            "total submit -> await() returned",
            "raw spawn, same pairs (baseline)"};
        long[][] phases = new long[names.length][breakdownSamples];
        try (EngineFixture engine = EngineFixture.openTimed(store, WORKERS)) {
            RunPilotClient client = engine.client();
            for (int i = 0; i < warmup; i++) {
                RawSpawn.run();
                engine.timed().take(engine.runNoop().runId());
            }
            for (int i = 0; i < breakdownSamples; i++) {
                long raw = i % 2 == 0 ? timeRawSpawn() : 0;
                long t0 = System.nanoTime();
                Run run = client.submit(EngineFixture.NOOP);
                long t1 = System.nanoTime();
                EngineFixture.requireSucceeded(run.await());
                long t2 = System.nanoTime();
                if (i % 2 == 1) {
                    raw = timeRawSpawn();
                }
                long[] s = engine.timed().take(run.id());
                long[] points = {t0, t1, s[TimedProviders.START_CALLED], s[TimedProviders.START_RETURNED],
                    s[TimedProviders.EXIT_SEEN], s[TimedProviders.LOG_PUT_CALLED], s[TimedProviders.LOG_PUT_RETURNED], t2};
                for (int k = 0; k < points.length - 1; k++) {
                    phases[k][i] = points[k + 1] - points[k];
                }
                phases[7][i] = t2 - t0;
                phases[8][i] = raw;
            }
        }
        System.out.printf(Locale.ROOT, "engine phases, store=%s, %d pairs on an instrumented client (ms):%n", store.label(),
                breakdownSamples);
        System.out.printf(Locale.ROOT, "  %-44s %8s %8s %8s%n", "", "p50", "mean", "p99");
        for (int k = 0; k < names.length; k++) {
            LatencyStats stats = new LatencyStats(phases[k]);
            System.out.printf(Locale.ROOT, "  %-44s %8.2f %8.2f %8.2f%n", names[k], stats.p50(), stats.meanMillis(), stats.p99());
        }
        System.out.println();
    }

    private void throughput(EngineFixture.Store store, EngineFixture engine) throws InterruptedException, ExecutionException {
        ExecutorService pool = Executors.newFixedThreadPool(WORKERS);
        try {
            double[] sequential = new double[rounds];
            double[] parallel = new double[rounds];
            double[] engineRate = new double[rounds];
            double[] submitRate = new double[rounds];
            System.out.printf(Locale.ROOT, "== throughput, store=%s, %d no-op jobs per batch (per second) ==%n", store.label(), jobs);
            System.out.printf(Locale.ROOT, "%-6s %14s %14s %14s %14s%n", "round", "spawn 1 thread", "spawn 2 threads",
                    "engine jobs/s", "submits/s");
            for (int r = 0; r < rounds; r++) {
                // Rotate the order so that no contender always runs first (or last) in a round.
                for (int k = 0; k < 3; k++) {
                    switch ((r + k) % 3) {
                        case 0 -> sequential[r] = rate(jobs, timeSequential());
                        case 1 -> parallel[r] = rate(jobs, timeParallel(pool));
                        default -> {
                            long[] times = timeEngineBatch(engine.client());
                            submitRate[r] = rate(jobs, times[0]);
                            engineRate[r] = rate(jobs, times[1]);
                        }
                    }
                }
                System.out.printf(Locale.ROOT, "%-6d %14.0f %14.0f %14.0f %14.0f%n", r + 1, sequential[r], parallel[r],
                        engineRate[r], submitRate[r]);
            }
            double medianParallel = median(parallel);
            double medianEngine = median(engineRate);
            System.out.printf(Locale.ROOT, "%-6s %14.0f %14.0f %14.0f %14.0f%n", "median", median(sequential), medianParallel,
                    medianEngine, median(submitRate));
            System.out.printf(Locale.ROOT, "engine / spawn-2-threads: %.2f; per job at 2 workers: engine %.2f ms vs spawn %.2f ms%n",
                    medianEngine / medianParallel, 1000 / medianEngine, 1000 / medianParallel);
            System.out.printf(Locale.ROOT, "issue 2 target, at least 100 no-op jobs/s with 2 workers: %s%n%n",
                    medianEngine >= 100 ? "met" : "NOT met");
        } finally {
            pool.shutdown();
            pool.awaitTermination(1, TimeUnit.MINUTES);
        }
    }

    private long timeSequential() throws InterruptedException {
        long start = System.nanoTime();
        for (int i = 0; i < jobs; i++) {
            RawSpawn.run();
        }
        return System.nanoTime() - start;
    }

    private long timeParallel(ExecutorService pool) throws InterruptedException, ExecutionException {
        long start = System.nanoTime();
        NoopThroughputBenchmark.spawnOnPool(pool, jobs);
        return System.nanoTime() - start;
    }

    /** Returns {time to submit all, time until all finished}, in nanoseconds. */
    private long[] timeEngineBatch(RunPilotClient client) {
        long start = System.nanoTime();
        List<Run> runs = new ArrayList<>(jobs);
        for (int i = 0; i < jobs; i++) {
            runs.add(client.submit(EngineFixture.NOOP));
        }
        long submitted = System.nanoTime();
        runs.forEach(run -> EngineFixture.requireSucceeded(run.await()));
        return new long[] {submitted - start, System.nanoTime() - start};
    }

    private static double rate(int count, long nanos) {
        return count / (nanos / 1e9);
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int mid = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }
}
