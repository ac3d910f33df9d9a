package dev.runpilot.docker.internal;

import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.model.CpuStatsConfig;
import com.github.dockerjava.api.model.MemoryStatsConfig;
import com.github.dockerjava.api.model.Statistics;
import dev.runpilot.sdk.spi.OutputListener;
import java.time.Duration;

/**
 * Turns the engine's stats stream (about one sample a second) into run metrics: every {@code interval}, the CPU use
 * averaged over that interval ({@code cpu_percent}, 100 = one full CPU) and the highest memory use seen so far
 * ({@code memory_peak_bytes}); and once more when the container ends.
 */
final class StatsSampler extends ResultCallback.Adapter<Statistics> {
    static final String CPU_PERCENT = "cpu_percent";
    static final String MEMORY_PEAK = "memory_peak_bytes";

    /** Cumulative CPU counters at one moment. */
    record CpuCounters(long containerNanos, long systemNanos, long onlineCpus) {
        static CpuCounters of(CpuStatsConfig cpu) {
            if (cpu == null || cpu.getCpuUsage() == null || cpu.getCpuUsage().getTotalUsage() == null
                    || cpu.getSystemCpuUsage() == null) {
                return null;
            }
            long cpus = cpu.getOnlineCpus() != null && cpu.getOnlineCpus() > 0 ? cpu.getOnlineCpus()
                    : cpu.getCpuUsage().getPercpuUsage() != null ? cpu.getCpuUsage().getPercpuUsage().size() : 1;
            return new CpuCounters(cpu.getCpuUsage().getTotalUsage(), cpu.getSystemCpuUsage(), Math.max(1, cpus));
        }

        /** The CPU use between {@code earlier} and this, as docker stats computes it; NaN when no time passed. */
        double percentSince(CpuCounters earlier) {
            long system = systemNanos - earlier.systemNanos;
            long container = containerNanos - earlier.containerNanos;
            if (system <= 0 || container < 0) {
                return Double.NaN;
            }
            return (double) container / system * onlineCpus * 100.0;
        }
    }

    private final OutputListener listener;
    private final long intervalNanos;
    private CpuCounters lastRecorded;
    private CpuCounters latest;
    private long peakMemory = -1;
    private long lastEmitNanos = System.nanoTime();
    private boolean unrecorded;
    private boolean closed;

    StatsSampler(OutputListener listener, Duration interval) {
        this.listener = listener;
        this.intervalNanos = interval.toNanos();
    }

    @Override
    public synchronized void onNext(Statistics stats) {
        if (closed) {
            return;
        }
        CpuCounters cpu = CpuCounters.of(stats.getCpuStats());
        if (cpu != null && cpu.systemNanos() > 0) {
            if (lastRecorded == null) {
                lastRecorded = cpu;
            }
            latest = cpu;
        }
        peakMemory = Math.max(peakMemory, memoryOf(stats.getMemoryStats()));
        unrecorded = true;
        if (System.nanoTime() - lastEmitNanos >= intervalNanos) {
            record();
        }
    }

    @Override
    public void onError(Throwable error) {
        // The stream ends with an error when the container is removed or the runtime closes; the samples so far stand.
        OutputPump.closeQuietly(this);
    }

    /** Records what was sampled since the last record, and stops listening. */
    synchronized void finish() {
        if (closed) {
            return;
        }
        if (unrecorded) {
            record();
        }
        closed = true;
    }

    private void record() {
        lastEmitNanos = System.nanoTime();
        unrecorded = false;
        if (latest != null && lastRecorded != null && latest != lastRecorded) {
            double percent = latest.percentSince(lastRecorded);
            if (!Double.isNaN(percent)) {
                listener.onMetric(CPU_PERCENT, Math.round(percent * 100.0) / 100.0);
                lastRecorded = latest;
            }
        }
        if (peakMemory > 0) {
            listener.onMetric(MEMORY_PEAK, peakMemory);
        }
    }

    private static long memoryOf(MemoryStatsConfig memory) {
        if (memory == null) {
            return -1;
        }
        long usage = memory.getUsage() == null ? -1 : memory.getUsage();
        long max = memory.getMaxUsage() == null ? -1 : memory.getMaxUsage();
        return Math.max(usage, max);
    }
}
