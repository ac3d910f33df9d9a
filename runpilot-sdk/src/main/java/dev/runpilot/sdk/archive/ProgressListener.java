package dev.runpilot.sdk.archive;

import dev.runpilot.sdk.internal.archive.ProgressInputStream;
import java.io.InputStream;

/**
 * Receives {@link Progress} reports while a bundle is made, moved or unpacked.
 *
 * <p>Reports come from the thread that called the operation, in order, and are thinned out: about
 * two hundred per stage at most, always including the first (nothing done) and the last (all done).
 * A listener should return quickly; an exception it throws aborts the operation.
 *
 * <pre>{@code
 * ProgressListener bar = p -> System.out.printf("%s %.0f%%%n", p.stage(), p.fraction() * 100);
 * }</pre>
 */
@FunctionalInterface
public interface ProgressListener {
    /**
     * Receives one report.
     *
     * @param progress how far the operation has come
     */
    void onProgress(Progress progress);

    /**
     * Returns the listener that ignores every report.
     *
     * @return the no-op listener
     */
    static ProgressListener none() {
        return progress -> {
        };
    }

    /**
     * Wraps a stream so that reading it reports progress to this listener as one file of
     * {@code totalBytes} bytes; useful to report an upload or download. The first report is sent at
     * once, the last when {@code totalBytes} have been read or the stream ends.
     *
     * <pre>{@code
     * try (InputStream in = listener.monitor(Files.newInputStream(bundle.file()), Progress.Stage.UPLOADING, bundle.size())) {
     *     storage.put(key, in);
     * }
     * }</pre>
     *
     * @param in the stream to read
     * @param stage the stage to report
     * @param totalBytes how many bytes the stream holds
     * @return a stream that reads {@code in} and reports; closing it closes {@code in}
     */
    default InputStream monitor(InputStream in, Progress.Stage stage, long totalBytes) {
        return new ProgressInputStream(in, this, stage, totalBytes);
    }
}
