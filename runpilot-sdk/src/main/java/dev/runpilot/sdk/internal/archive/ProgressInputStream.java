package dev.runpilot.sdk.internal.archive;

import dev.runpilot.sdk.archive.Progress;
import dev.runpilot.sdk.archive.ProgressListener;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/** Reports the bytes read through it as one file of a known size. */
public final class ProgressInputStream extends FilterInputStream {
    private final ProgressReporter reporter;
    private boolean finished;

    /**
     * Wraps a stream and sends the first report.
     *
     * @param in the stream
     * @param listener who receives the reports
     * @param stage the stage to report
     * @param totalBytes how many bytes the stream holds
     */
    public ProgressInputStream(InputStream in, ProgressListener listener, Progress.Stage stage, long totalBytes) {
        super(in);
        this.reporter = new ProgressReporter(listener, stage, Math.max(0, totalBytes), 1);
    }

    @Override
    public int read() throws IOException {
        int b = super.read();
        advance(b < 0 ? -1 : 1);
        return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n = super.read(b, off, len);
        advance(n);
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        long skipped = super.skip(n);
        advance(skipped);
        return skipped;
    }

    private void advance(long n) {
        if (finished) {
            return;
        }
        if (n < 0) {
            finished = true;
            reporter.finish();
        } else {
            reporter.addBytes(n);
        }
    }
}
