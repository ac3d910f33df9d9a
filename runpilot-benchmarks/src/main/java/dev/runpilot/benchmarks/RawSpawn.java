package dev.runpilot.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * The baseline every figure is compared with: the no-op process started directly with
 * {@link ProcessBuilder} and waited for, with nothing in between.
 */
final class RawSpawn {
    /** The no-op job: {@code true} exits 0 at once and prints nothing. */
    static final List<String> COMMAND = List.of("true");

    private RawSpawn() {
    }

    /**
     * Starts {@code true}, waits for it, and closes its pipes (so that thousands of spawns do not
     * leak file descriptors).
     *
     * @return the exit code, always 0
     * @throws IllegalStateException if it did not exit 0
     */
    static int run() throws InterruptedException {
        Process process;
        try {
            process = new ProcessBuilder(COMMAND).start();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start " + COMMAND + "; is it on the PATH?", e);
        }
        try {
            int code = process.waitFor();
            if (code != 0) {
                throw new IllegalStateException(COMMAND + " exited " + code);
            }
            return code;
        } finally {
            closeQuietly(process);
        }
    }

    private static void closeQuietly(Process process) {
        try {
            process.getOutputStream().close();
            process.getInputStream().close();
            process.getErrorStream().close();
        } catch (IOException e) {
            // Nothing to do: the process has exited and its pipes are going away.
        }
    }
}
