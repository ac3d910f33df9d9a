package dev.runpilot.cli;

import dev.runpilot.sdk.archive.Progress;
import dev.runpilot.sdk.archive.ProgressListener;
import java.io.PrintStream;
import java.util.Locale;

/**
 * Draws a one-line progress bar per stage (hashing, archiving, encrypting, uploading) on standard error,
 * redrawn in place with a carriage return and finished with a newline when the stage is done. Only used
 * on a terminal and without {@code -q}.
 */
final class ProgressBar implements ProgressListener {
    private static final int WIDTH = 30;

    private final PrintStream err;
    private final boolean colors;
    private Progress.Stage drawing;

    ProgressBar(PrintStream err, boolean colors) {
        this.err = err;
        this.colors = colors;
    }

    @Override
    public synchronized void onProgress(Progress progress) {
        if (drawing != null && drawing != progress.stage()) {
            err.print('\n');
        }
        drawing = progress.stage();
        err.print('\r' + render(progress));
        if (progress.isDone()) {
            err.print('\n');
            drawing = null;
        }
        err.flush();
    }

    String render(Progress progress) {
        int filled = (int) Math.round(progress.fraction() * WIDTH);
        String bar = "#".repeat(filled) + "-".repeat(WIDTH - filled);
        if (colors) {
            bar = "\u001b[36m" + "#".repeat(filled) + "\u001b[0m" + "-".repeat(WIDTH - filled);
        }
        String stage = progress.stage().name().charAt(0) + progress.stage().name().substring(1).toLowerCase(Locale.ROOT);
        return String.format(Locale.ROOT, "%-11s [%s] %3d%%  %d/%d files  %s", stage, bar,
                Math.round(progress.fraction() * 100), progress.filesDone(), progress.filesTotal(),
                bytes(progress.bytesDone()) + " of " + bytes(progress.bytesTotal()));
    }

    static String bytes(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        if (bytes < 1024 * 1024) {
            return String.format(Locale.ROOT, "%.1f KiB", bytes / 1024.0);
        }
        if (bytes < 1024L * 1024 * 1024) {
            return String.format(Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024));
        }
        return String.format(Locale.ROOT, "%.1f GiB", bytes / (1024.0 * 1024 * 1024));
    }
}
