package dev.runpilot.sdk;

import java.time.Instant;
import java.util.Objects;

/**
 * One line of a run's log.
 *
 * @param sequence the line's position in the run's log, from 1, across attempts
 * @param attempt the attempt that wrote it
 * @param time when the agent read it
 * @param stream where it came from
 * @param text the line without its line terminator; secret values are replaced by {@code ***}
 */
public record LogLine(long sequence, int attempt, Instant time, LogStream stream, String text) {
    /** Checks the values. */
    public LogLine {
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(stream, "stream");
        Objects.requireNonNull(text, "text");
    }
}
