package dev.runpilot.sdk.internal.engine;

import dev.runpilot.sdk.LogLine;
import dev.runpilot.sdk.RunLogs;
import dev.runpilot.sdk.RunNotFoundException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/** A run's log, read from the store page by page. */
final class StoreRunLogs implements RunLogs {
    private static final int PAGE = 1000;

    private final EmbeddedClient client;
    private final String runId;

    StoreRunLogs(EmbeddedClient client, String runId) {
        this.client = client;
        this.runId = runId;
    }

    @Override
    public List<LogLine> read() {
        List<LogLine> all = new ArrayList<>();
        long after = 0;
        List<LogLine> page;
        while (!(page = client.outputs().logs(runId, after, PAGE)).isEmpty()) {
            all.addAll(page);
            after = page.get(page.size() - 1).sequence();
        }
        return all;
    }

    @Override
    public List<LogLine> read(long afterSequence, int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1, was " + limit);
        }
        return client.outputs().logs(runId, afterSequence, limit);
    }

    @Override
    public List<LogLine> tail(int count) {
        if (count < 1) {
            throw new IllegalArgumentException("count must be at least 1, was " + count);
        }
        return client.outputs().tail(runId, count);
    }

    @Override
    public void follow(long afterSequence, Consumer<LogLine> consumer) {
        ChangeSignal signal = client.signal();
        long after = afterSequence;
        while (!Thread.currentThread().isInterrupted()) {
            long seen = signal.version();
            boolean finished = client.runs().info(runId)
                    .orElseThrow(() -> new RunNotFoundException(runId, client.location())).status().isTerminal();
            List<LogLine> page;
            while (!(page = client.outputs().logs(runId, after, PAGE)).isEmpty()) {
                for (LogLine line : page) {
                    consumer.accept(line);
                    after = line.sequence();
                }
            }
            // The status was read before the last page, so every line written before the end was delivered.
            if (finished) {
                return;
            }
            try {
                signal.awaitChange(seen, EmbeddedRun.POLL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
