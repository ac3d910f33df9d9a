package dev.runpilot.sdk.spi;

import dev.runpilot.sdk.LogStream;

/**
 * Receives a running job's output, one line at a time.
 *
 * @since 0.1.0
 */
@FunctionalInterface
public interface OutputListener {
    /**
     * Receives one line. Called from the runtime's reader threads; lines of one stream arrive in order.
     *
     * @param stream {@link LogStream#STDOUT} or {@link LogStream#STDERR}
     * @param line the line without its terminator
     */
    void onLine(LogStream stream, String line);
}
