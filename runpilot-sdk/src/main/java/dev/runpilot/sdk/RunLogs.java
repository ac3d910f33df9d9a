package dev.runpilot.sdk;

import java.util.List;
import java.util.function.Consumer;

/**
 * The log of one run: every line its attempts wrote to standard output and standard error, plus
 * RunPilot's own notes ({@link LogStream#SYSTEM}), in order.
 *
 * <p>Lines are stored as they are read, so they can be read while the run goes on and after its
 * process died. Secret values are replaced by {@code ***} before a line is stored.
 */
public interface RunLogs {
    /**
     * Returns every line stored so far.
     *
     * @return the lines, oldest first
     */
    List<LogLine> read();

    /**
     * Returns up to {@code limit} lines after a given sequence number, for paging.
     *
     * @param afterSequence the sequence number of the last line already seen, 0 for the start
     * @param limit the most lines to return, at least 1
     * @return the lines, oldest first; empty when none are newer
     */
    List<LogLine> read(long afterSequence, int limit);

    /**
     * Returns the last {@code count} lines stored so far.
     *
     * @param count how many lines, at least 1
     * @return the lines, oldest first
     */
    List<LogLine> tail(int count);

    /**
     * Delivers every line from the start, then each new line as it arrives, and returns once the
     * run has finished and its last line was delivered.
     *
     * <p>Blocks the calling thread. If the thread is interrupted, returns early with its interrupt
     * flag set. Lines are delivered on the calling thread, in order, each exactly once.
     *
     * @param consumer receives each line
     */
    default void follow(Consumer<LogLine> consumer) {
        follow(0, consumer);
    }

    /**
     * Like {@link #follow(Consumer)}, starting after a given sequence number.
     *
     * @param afterSequence the sequence number of the last line already seen, 0 for the start
     * @param consumer receives each line
     */
    void follow(long afterSequence, Consumer<LogLine> consumer);
}
