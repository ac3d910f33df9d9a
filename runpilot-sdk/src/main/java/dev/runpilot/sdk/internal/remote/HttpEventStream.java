package dev.runpilot.sdk.internal.remote;

import dev.runpilot.sdk.RunEvent;
import dev.runpilot.sdk.RunPilotException;
import dev.runpilot.sdk.internal.api.ApiJson;
import java.io.IOException;
import java.util.OptionalLong;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;

/**
 * Reads the project event stream of a RunPilot server ({@code GET /v1/events}, server-sent events)
 * and reconnects after the last event delivered ({@code after=}, the server's {@code Last-Event-ID})
 * when the connection drops; before the first event, after the position the server announced when the
 * stream opened (an {@code id:} frame without data), so a stream followed "from now on" loses nothing
 * either. An event whose frame was cut before its data line arrived was not delivered and comes again.
 */
final class HttpEventStream {
    private static final int MAX_RECONNECTS = 20;

    private final ApiTransport transport;

    HttpEventStream(ApiTransport transport) {
        this.transport = transport;
    }

    /**
     * Delivers events until {@code handler} returns false, {@code stop} says so when the server is
     * quiet (a keep-alive comment), or the thread is interrupted.
     *
     * @param after the last sequence already seen; empty for events from now on
     * @param handler receives each event; returns whether to go on
     * @param stop asked on each keep-alive, whether to stop
     */
    void follow(OptionalLong after, Predicate<RunEvent> handler, BooleanSupplier stop) {
        OptionalLong last = after;
        int failures = 0;
        while (!Thread.currentThread().isInterrupted()) {
            String path = "/v1/events" + (last.isPresent() ? "?after=" + last.getAsLong() : "");
            try (LineStream reader = transport.openLines(path)) {
                String line;
                String event = null;
                OptionalLong id = OptionalLong.empty();
                boolean delivered = false;
                while ((line = reader.next()) != null) {
                    if (line.startsWith("event: ")) {
                        event = line.substring(7);
                    } else if (line.startsWith("id: ")) {
                        id = parseId(line.substring(4));
                    } else if (line.startsWith("data: ") && "event".equals(event)) {
                        RunEvent runEvent = ApiJson.event(ApiJson.parse(line.substring(6), "an event of " + transport.base()));
                        last = OptionalLong.of(runEvent.sequence());
                        delivered = true;
                        failures = 0;
                        if (!handler.test(runEvent)) {
                            return;
                        }
                    } else if (line.startsWith(":")) {
                        if (stop.getAsBoolean()) {
                            return;
                        }
                    } else if (line.isEmpty()) {
                        // An id without an event (the server's start position) moves the reconnect point
                        // only once its frame is complete.
                        if (!delivered && id.isPresent()) {
                            last = id;
                        }
                        event = null;
                        id = OptionalLong.empty();
                        delivered = false;
                    }
                }
                // The server closed the stream (it stopped or restarted): reconnect after the last event.
                if (!pause(++failures, new IOException("the server closed the stream"))) {
                    return;
                }
            } catch (IOException e) {
                if (Thread.currentThread().isInterrupted() || !pause(++failures, e)) {
                    return;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private static OptionalLong parseId(String text) {
        try {
            return OptionalLong.of(Long.parseLong(text.trim()));
        } catch (NumberFormatException notOurs) {
            return OptionalLong.empty();
        }
    }

    /** Backs off before a reconnect; false if interrupted (the flag set again). */
    private boolean pause(int failures, IOException cause) {
        if (failures > MAX_RECONNECTS) {
            throw new RunPilotException("Lost the event stream of " + transport.base() + " after " + MAX_RECONNECTS
                    + " reconnects: " + cause, cause);
        }
        try {
            Thread.sleep(Math.min(5_000, 100L << Math.min(failures, 6)));
            return true;
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
