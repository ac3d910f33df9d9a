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

    /**
     * Receives a measurement the runtime took itself (such as CPU or memory use), recorded as a run
     * metric with the next step of its series. The default ignores it.
     *
     * @param name the metric name, such as {@code cpu_percent}
     * @param value the value
     */
    default void onMetric(String name, double value) {
    }
}
