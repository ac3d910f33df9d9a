package dev.runpilot.docker.internal;

import dev.runpilot.sdk.LogStream;
import dev.runpilot.sdk.spi.OutputListener;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * The cap on how much of one attempt's output reaches RunPilot's log. Lines pass until {@code limit} bytes have
 * passed (each line counts its UTF-8 bytes plus one for its terminator); after that only {@code METRIC} lines pass,
 * and the rest go through a ring that keeps the newest {@code tailBytes}. {@link #close()} reports what was dropped
 * and hands over the ring, so the stored log holds the start and the end of a long job's output.
 *
 * <p>Thread-safe: both output streams of a container feed one budget.
 */
final class LogBudget {
    private record Held(LogStream stream, String line, long bytes) {
    }

    private final long limit;
    private final long tailBytes;
    private final OutputListener listener;
    private final Deque<Held> tail = new ArrayDeque<>();
    private long passed;
    private long held;
    private long droppedLines;
    private long droppedBytes;
    private boolean full;
    private boolean closed;

    LogBudget(long limit, long tailBytes, OutputListener listener) {
        this.limit = limit;
        this.tailBytes = tailBytes;
        this.listener = listener;
    }

    void offer(LogStream stream, String line) {
        long bytes = line.getBytes(StandardCharsets.UTF_8).length + 1L;
        synchronized (this) {
            if (closed) {
                return;
            }
            if (!full && passed + bytes <= limit) {
                passed += bytes;
            } else if (line.startsWith("METRIC")) {
                // metrics always reach the parser, however long the log
            } else {
                if (!full) {
                    full = true;
                    listener.onLine(LogStream.SYSTEM, "log limit of " + limit + " bytes reached: further output is held back"
                            + " except METRIC lines; its last " + tailBytes + " bytes are added when the container ends");
                }
                hold(new Held(stream, line, bytes));
                return;
            }
        }
        listener.onLine(stream, line);
    }

    private void hold(Held line) {
        tail.addLast(line);
        held += line.bytes();
        while (held > tailBytes && !tail.isEmpty()) {
            Held oldest = tail.removeFirst();
            held -= oldest.bytes();
            droppedLines++;
            droppedBytes += oldest.bytes();
        }
    }

    /** Reports the dropped middle and hands over the held tail. Lines offered afterwards are ignored. */
    void close() {
        Deque<Held> rest;
        long lines;
        long bytes;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            if (!full) {
                return;
            }
            rest = new ArrayDeque<>(tail);
            tail.clear();
            lines = droppedLines;
            bytes = droppedBytes;
        }
        listener.onLine(LogStream.SYSTEM, lines + " lines (" + bytes + " bytes) of output were dropped by the log limit;"
                + " the last " + rest.size() + " lines follow");
        for (Held line : rest) {
            listener.onLine(line.stream(), line.line());
        }
    }
}
