package dev.runpilot.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * No-op jobs per second: a batch of {@value #BATCH} jobs submitted, then all awaited, on the embedded
 * engine with 2 workers, against the same number of {@code true} processes spawned one after
 * another and on 2 threads. Scores are in ops/s, where one op is one job or one process.
 *
 * <pre>java -jar runpilot-benchmarks/target/benchmarks.jar NoopThroughputBenchmark</pre>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@OperationsPerInvocation(NoopThroughputBenchmark.BATCH)
@Warmup(iterations = 2, time = 10)
@Measurement(iterations = 5, time = 10)
@Fork(1)
@Threads(1)
public class NoopThroughputBenchmark {
    static final int BATCH = 500;
    static final int WORKERS = 2;

    /** One engine per trial. */
    @State(Scope.Benchmark)
    public static class Engine {
        /** {@code memory}: {@code inMemory()}; {@code file}: a SQLite file in a fresh temporary home. */
        @Param({"memory", "file"})
        public String store;

        EngineFixture fixture;

        @Setup(Level.Trial)
        public void open() {
            fixture = EngineFixture.open(EngineFixture.Store.parse(store), WORKERS);
        }

        @TearDown(Level.Trial)
        public void close() {
            fixture.close();
        }
    }

    /** Two spawning threads: the baseline with the same parallelism as the engine's 2 workers. */
    @State(Scope.Benchmark)
    public static class SpawnPool {
        ExecutorService pool;

        @Setup(Level.Trial)
        public void open() {
            pool = Executors.newFixedThreadPool(WORKERS);
        }

        @TearDown(Level.Trial)
        public void close() throws InterruptedException {
            pool.shutdown();
            pool.awaitTermination(1, TimeUnit.MINUTES);
        }
    }

    /** {@value #BATCH} no-op jobs submitted to the engine, then all awaited. */
    @Benchmark
    public void engineBatch(Engine engine) {
        engine.fixture.runBatch(BATCH);
    }

    /** {@value #BATCH} {@code true} processes, one after another. */
    @Benchmark
    public void rawSpawnSequential() throws InterruptedException {
        for (int i = 0; i < BATCH; i++) {
            RawSpawn.run();
        }
    }

    /** {@value #BATCH} {@code true} processes, spawned by 2 threads: the baseline for 2 workers. */
    @Benchmark
    public void rawSpawnTwoThreads(SpawnPool spawner) throws InterruptedException, ExecutionException {
        spawnOnPool(spawner.pool, BATCH);
    }

    /** Spawns {@code count} no-op processes on {@code pool} and waits for all of them. */
    static void spawnOnPool(ExecutorService pool, int count) throws InterruptedException, ExecutionException {
        List<Future<Integer>> spawned = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            spawned.add(pool.submit(RawSpawn::run));
        }
        for (Future<Integer> future : spawned) {
            future.get();
        }
    }
}
