package dev.runpilot.benchmarks;

import dev.runpilot.sdk.RunResult;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Latency of one no-op job ({@code true}) from submit to the end of {@code await()} on the embedded
 * engine with 2 workers, against starting and waiting for the same process with {@link ProcessBuilder}.
 * Sample-time mode, so JMH prints p50, p90, p99 and so on for each.
 *
 * <pre>java -jar runpilot-benchmarks/target/benchmarks.jar NoopJobBenchmark</pre>
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 5)
@Measurement(iterations = 3, time = 10)
@Fork(1)
@Threads(1)
public class NoopJobBenchmark {

    /** One engine per trial, opened before measuring and closed after. */
    @State(Scope.Benchmark)
    public static class Engine {
        /** {@code memory}: {@code inMemory()}; {@code file}: a SQLite file in a fresh temporary home. */
        @Param({"memory", "file"})
        public String store;

        EngineFixture fixture;

        @Setup(Level.Trial)
        public void open() {
            fixture = EngineFixture.open(EngineFixture.Store.parse(store), 2);
        }

        @TearDown(Level.Trial)
        public void close() {
            fixture.close();
        }
    }

    /** The baseline: {@code new ProcessBuilder("true").start().waitFor()}. */
    @Benchmark
    public int rawSpawn() throws InterruptedException {
        return RawSpawn.run();
    }

    /** {@code client.submit(job).await()} of the same command through the embedded engine. */
    @Benchmark
    public RunResult engineSubmitAwait(Engine engine) {
        return engine.fixture.runNoop();
    }
}
