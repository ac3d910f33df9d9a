/**
 * Benchmarks of RunPilot, run by hand and never by the build: JMH benchmarks
 * ({@link dev.runpilot.benchmarks.NoopJobBenchmark}, {@link dev.runpilot.benchmarks.NoopThroughputBenchmark})
 * and a plain main, {@link dev.runpilot.benchmarks.EndToEnd}. Commands and results are in
 * {@code docs/BENCHMARKS.md}.
 */
package dev.runpilot.benchmarks;
