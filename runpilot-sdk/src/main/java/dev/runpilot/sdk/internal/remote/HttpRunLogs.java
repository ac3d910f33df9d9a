package dev.runpilot.sdk.internal.remote;

import dev.runpilot.sdk.LogLine;
import dev.runpilot.sdk.RunLogs;
import dev.runpilot.sdk.RunPilotException;
import dev.runpilot.sdk.internal.api.ApiJson;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/** A run's log read from a RunPilot server: pages over GET, and follow over server-sent events. */
final class HttpRunLogs implements RunLogs {
    private static final int PAGE = 1000;
    private static final int MAX_RECONNECTS = 20;

    private final ApiTransport transport;
    private final String runId;

    HttpRunLogs(ApiTransport transport, String runId) {
        this.transport = transport;
        this.runId = runId;
    }

    @Override
    public List<LogLine> read() {
        List<LogLine> all = new ArrayList<>();
        long after = 0;
        List<LogLine> page;
        while (!(page = read(after, PAGE)).isEmpty()) {
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
        return lines("?after=" + afterSequence + "&limit=" + limit);
    }

    @Override
    public List<LogLine> tail(int count) {
        if (count < 1) {
            throw new IllegalArgumentException("count must be at least 1, was " + count);
        }
        return lines("?tail=" + count);
    }

    private List<LogLine> lines(String query) {
        String path = HttpControlPlane.runPath(runId) + "/logs" + query;
        ApiResponse response = transport.get(path);
        if (!response.isSuccess()) {
            throw transport.error("GET", path, response);
        }
        return ApiJson.list(response.json().path("lines"), ApiJson::logLine);
    }

    /** Follows the server-sent event stream, reconnecting after the last line seen when the connection drops. */
    @Override
    public void follow(long afterSequence, Consumer<LogLine> consumer) {
        long after = afterSequence;
        int failures = 0;
        while (!Thread.currentThread().isInterrupted()) {
            String path = HttpControlPlane.runPath(runId) + "/logs/follow?after=" + after;
            // Lines come through a queue, so that an interrupt stops a follow waiting for the next one.
            try (LineStream reader = transport.openLines(path)) {
                String event = null;
                String line;
                while ((line = reader.next()) != null) {
                    if (line.startsWith("event: ")) {
                        event = line.substring(7);
                    } else if (line.startsWith("data: ")) {
                        if ("end".equals(event)) {
                            return;
                        }
                        LogLine logLine = ApiJson.logLine(ApiJson.parse(line.substring(6), "a log event"));
                        consumer.accept(logLine);
                        after = logLine.sequence();
                        failures = 0;
                    } else if (line.isEmpty()) {
                        event = null;
                    }
                }
            } catch (IOException e) {
                if (Thread.currentThread().isInterrupted()) {
                    return;
                }
                if (++failures > MAX_RECONNECTS) {
                    throw new RunPilotException("Lost the log stream of run " + runId + " from " + transport.base() + ": " + e, e);
                }
                try {
                    Thread.sleep(Math.min(5_000, 100L << Math.min(failures, 6)));
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    return;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
