package dev.runpilot.benchmarks;

import dev.runpilot.sdk.Job;
import dev.runpilot.sdk.Run;
import dev.runpilot.sdk.RunPilot;
import dev.runpilot.sdk.RunPilotClient;
import dev.runpilot.sdk.RunResult;
import dev.runpilot.sdk.RunStatus;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * An embedded RunPilot client with its own control plane, built the way a user builds one, and the
 * no-op job it runs. Closing it closes the client and deletes any home directory it made.
 */
final class EngineFixture implements AutoCloseable {
    /** The job under test: the same {@code true} as the baseline. */
    static final Job NOOP = Job.builder().name("noop").command(RawSpawn.COMMAND).build();

    /** Where the control plane lives. */
    enum Store {
        /** {@code RunPilot.client().inMemory()}: SQLite in memory, a temporary home for work directories. */
        MEMORY,
        /** {@code RunPilot.client().home(dir)}: the SQLite file (WAL) that users get by default, in a fresh temp dir. */
        FILE;

        static Store parse(String name) {
            return valueOf(name.toUpperCase(Locale.ROOT));
        }

        String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final RunPilotClient client;
    private final Path scratch;
    private final TimedProviders timed;

    private EngineFixture(RunPilotClient client, Path scratch, TimedProviders timed) {
        this.client = client;
        this.scratch = scratch;
        this.timed = timed;
    }

    /** Opens a client exactly as a user would: {@code inMemory()} or {@code home(fresh temp dir)}, 2 workers. */
    static EngineFixture open(Store store, int workers) {
        if (store == Store.MEMORY) {
            return new EngineFixture(RunPilot.client().inMemory().workers(workers).build(), null, null);
        }
        Path home = tempDir();
        return new EngineFixture(RunPilot.client().home(home).workers(workers).build(), home, null);
    }

    /**
     * Opens the same client with its process runtime and file storage wrapped by {@link TimedProviders},
     * for the phase breakdown. An in-memory client gets its storage in a temp dir of its own.
     */
    static EngineFixture openTimed(Store store, int workers) {
        Path dir = tempDir();
        TimedProviders timed = new TimedProviders(dir);
        RunPilotClient.Builder builder = store == Store.MEMORY ? RunPilot.client().inMemory() : RunPilot.client().home(dir);
        RunPilotClient client = builder.workers(workers).runtime(timed.runtime()).storage(timed.storage()).build();
        return new EngineFixture(client, dir, timed);
    }

    private static Path tempDir() {
        try {
            return Files.createTempDirectory("runpilot-bench-");
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create a temporary directory for the benchmark", e);
        }
    }

    /** The recorder of an {@link #openTimed} fixture. */
    TimedProviders timed() {
        if (timed == null) {
            throw new IllegalStateException("not opened with openTimed");
        }
        return timed;
    }

    RunPilotClient client() {
        return client;
    }

    /** Submits the no-op job and waits for it; fails unless it succeeded. */
    RunResult runNoop() {
        return requireSucceeded(client.submit(NOOP).await());
    }

    static RunResult requireSucceeded(RunResult result) {
        if (result.status() != RunStatus.SUCCEEDED) {
            throw new IllegalStateException("No-op run " + result.runId() + " ended " + result.status() + ": " + result.message());
        }
        return result;
    }

    /** Submits then awaits the no-op job {@code count} times, all submitted before the first await. */
    void runBatch(int count) {
        Run[] runs = new Run[count];
        for (int i = 0; i < count; i++) {
            runs[i] = client.submit(NOOP);
        }
        for (Run run : runs) {
            requireSucceeded(run.await());
        }
    }

    @Override
    public void close() {
        client.close();
        if (timed != null) {
            timed.runtime().close();
            timed.storage().close();
        }
        if (scratch != null) {
            try (Stream<Path> paths = Files.walk(scratch)) {
                paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                System.err.println("Could not delete " + scratch + ": " + e);
            }
        }
    }
}
