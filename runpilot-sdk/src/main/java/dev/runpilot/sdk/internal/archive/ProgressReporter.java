package dev.runpilot.sdk.internal.archive;

import dev.runpilot.sdk.archive.Progress;
import dev.runpilot.sdk.archive.ProgressListener;

/**
 * Turns a stream of small advances into at most about two hundred {@link Progress} reports, always
 * sending the first and the last. Not thread-safe.
 */
public final class ProgressReporter {
    private static final int STEPS = 200;

    private final ProgressListener listener;
    private final Progress.Stage stage;
    private final long bytesTotal;
    private final long filesTotal;
    private final long byteStep;
    private final long fileStep;
    private long bytesDone;
    private long filesDone;
    private long reportedBytes = -1;
    private long reportedFiles = -1;

    /**
     * Creates a reporter and sends the first report (nothing done).
     *
     * @param listener who receives the reports
     * @param stage the stage
     * @param bytesTotal the bytes this stage will process
     * @param filesTotal the files this stage will process
     */
    public ProgressReporter(ProgressListener listener, Progress.Stage stage, long bytesTotal, long filesTotal) {
        this.listener = listener;
        this.stage = stage;
        this.bytesTotal = bytesTotal;
        this.filesTotal = filesTotal;
        this.byteStep = Math.max(1, bytesTotal / STEPS);
        this.fileStep = Math.max(1, filesTotal / STEPS);
        report();
    }

    /**
     * Records bytes done, reporting if enough has changed.
     *
     * @param bytes bytes done since the last call
     */
    public void addBytes(long bytes) {
        bytesDone = Math.min(bytesTotal, bytesDone + bytes);
        maybeReport();
    }

    /** Records one file done, reporting if enough has changed. */
    public void addFile() {
        filesDone = Math.min(filesTotal, filesDone + 1);
        maybeReport();
    }

    /** Marks the stage complete and sends the last report if it was not sent. */
    public void finish() {
        bytesDone = bytesTotal;
        filesDone = filesTotal;
        if (reportedBytes != bytesDone || reportedFiles != filesDone) {
            report();
        }
    }

    private void maybeReport() {
        if (isReported()) {
            return;
        }
        boolean complete = bytesDone == bytesTotal && filesDone == filesTotal;
        if (complete || bytesDone - reportedBytes >= byteStep || filesDone - reportedFiles >= fileStep) {
            report();
        }
    }

    private boolean isReported() {
        return reportedBytes == bytesDone && reportedFiles == filesDone;
    }

    private void report() {
        reportedBytes = bytesDone;
        reportedFiles = filesDone;
        listener.onProgress(new Progress(stage, bytesDone, bytesTotal, filesDone, filesTotal));
    }
}
