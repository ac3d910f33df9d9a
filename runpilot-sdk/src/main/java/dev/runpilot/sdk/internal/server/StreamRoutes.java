package dev.runpilot.sdk.internal.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.runpilot.sdk.LogLine;
import dev.runpilot.sdk.RunEvent;
import dev.runpilot.sdk.RunInfo;
import dev.runpilot.sdk.internal.api.ApiJson;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * The streaming handlers, as server-sent events over a chunked response: a run's log as it grows
 * (ending when the run ends), and the event log of the caller's project (for watch).
 */
final class StreamRoutes {
    private static final long POLL_MILLIS = 200;
    private static final long KEEPALIVE_MILLIS = 10_000;

    private final ServerEngine engine;
    private final BooleanSupplier closing;

    StreamRoutes(ServerEngine engine, BooleanSupplier closing) {
        this.engine = engine;
        this.closing = closing;
    }

    void followLogs(ApiExchange ex, String runId) throws IOException {
        new RunRoutes(engine).visible(ex, runId);
        long after = ex.longParam("after", ex.header("Last-Event-ID").map(Long::parseLong).orElse(0L));
        OutputStream out = open(ex);
        long lastWrite = System.currentTimeMillis();
        while (!closing.getAsBoolean()) {
            long seen = engine.signal().version();
            RunInfo info = engine.runs().info(runId).orElseThrow();
            boolean finished = info.status().isTerminal();
            List<LogLine> page;
            while (!(page = engine.outputs().logs(runId, after, 1000)).isEmpty()) {
                for (LogLine line : page) {
                    write(out, Long.toString(line.sequence()), "log", ApiJson.logLine(line));
                    after = line.sequence();
                }
                out.flush();
                lastWrite = System.currentTimeMillis();
            }
            // The status was read before the last page, so every line written before the end was sent.
            if (finished) {
                write(out, null, "end", ApiJson.object().put("status", info.status().name()));
                out.close();
                return;
            }
            lastWrite = keepAlive(out, lastWrite);
            await(seen);
        }
        out.close();
    }

    void events(ApiExchange ex) throws IOException {
        Principal user = RunRoutes.requireUser(ex);
        long after = ex.longParam("after", ex.header("Last-Event-ID").map(Long::parseLong).orElse(engine.runs().lastEventSeq()));
        OutputStream out = open(ex);
        // Where the stream starts, as an id without data: a client following "from now on" that loses the
        // connection before the first event reconnects from here rather than from a later "now".
        out.write(("id: " + after + "\n\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        Map<String, Boolean> ownRuns = new HashMap<>();
        long lastWrite = System.currentTimeMillis();
        while (!closing.getAsBoolean()) {
            long seen = engine.signal().version();
            List<RunEvent> events = engine.runs().eventsAfter(after, 1000);
            for (RunEvent event : events) {
                after = event.sequence();
                boolean own = ownRuns.computeIfAbsent(event.runId(), id -> engine.serverRuns().project(id).equals(user.project()));
                if (own) {
                    write(out, Long.toString(event.sequence()), "event", ApiJson.event(event));
                    lastWrite = System.currentTimeMillis();
                }
            }
            out.flush();
            if (ownRuns.size() > 100_000) {
                ownRuns.clear();
            }
            lastWrite = keepAlive(out, lastWrite);
            await(seen);
        }
        out.close();
    }

    private static OutputStream open(ApiExchange ex) throws IOException {
        ex.http.getResponseHeaders().set("Content-Type", "text/event-stream");
        ex.http.getResponseHeaders().set("Cache-Control", "no-cache");
        ex.http.sendResponseHeaders(200, 0);
        return ex.http.getResponseBody();
    }

    /** A comment line now and then, so that a client that went away is noticed by a failed write. */
    private static long keepAlive(OutputStream out, long lastWrite) throws IOException {
        long now = System.currentTimeMillis();
        if (now - lastWrite < KEEPALIVE_MILLIS) {
            return lastWrite;
        }
        out.write(": keep-alive\n\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        return now;
    }

    private static void write(OutputStream out, String id, String event, ObjectNode data) throws IOException {
        StringBuilder frame = new StringBuilder();
        if (id != null) {
            frame.append("id: ").append(id).append('\n');
        }
        frame.append("event: ").append(event).append('\n').append("data: ").append(data.toString()).append("\n\n");
        out.write(frame.toString().getBytes(StandardCharsets.UTF_8));
    }

    private void await(long seen) {
        try {
            engine.signal().awaitChange(seen, POLL_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while streaming", e);
        }
    }

}
