package dev.runpilot.docker.internal;

import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.StreamType;
import dev.runpilot.sdk.LogStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Receives a container's multiplexed output (the attach stream) and hands it over line by line, stdout and stderr
 * apart, through a {@link LogBudget}. A line ends at {@code \n}, {@code \r\n} or a lone {@code \r} (progress bars),
 * as with the process runtime; a line longer than {@link #MAX_LINE} bytes is handed over in pieces, cut between
 * UTF-8 characters.
 */
final class OutputPump extends ResultCallback.Adapter<Frame> {
    static final int MAX_LINE = 64 * 1024;
    private static final Logger log = LoggerFactory.getLogger(OutputPump.class);

    private final LogBudget budget;
    private final Splitter stdout = new Splitter(LogStream.STDOUT);
    private final Splitter stderr = new Splitter(LogStream.STDERR);
    private final CountDownLatch ended = new CountDownLatch(1);

    OutputPump(LogBudget budget) {
        this.budget = budget;
    }

    @Override
    public void onNext(Frame frame) {
        byte[] payload = frame.getPayload();
        if (payload == null) {
            return;
        }
        if (frame.getStreamType() == StreamType.STDERR) {
            stderr.accept(payload);
        } else {
            stdout.accept(payload);
        }
    }

    @Override
    public void onError(Throwable error) {
        // Also what closing the stream looks like from the reading side; the container's exit status tells the rest.
        log.debug("Output stream ended with an error: {}", error.toString());
        finish();
        closeQuietly(this);
    }

    @Override
    public void onComplete() {
        finish();
        super.onComplete();
    }

    /**
     * Waits for the stream to end, at most {@code millis}; then delivers any unterminated last lines and what the
     * budget held back.
     *
     * @return whether the stream had ended by itself
     */
    boolean drain(long millis) throws InterruptedException {
        boolean ended = this.ended.await(millis, TimeUnit.MILLISECONDS);
        finish();
        budget.close();
        return ended;
    }

    static void closeQuietly(java.io.Closeable stream) {
        try {
            stream.close();
        } catch (java.io.IOException | RuntimeException e) {
            log.debug("Closing a stream failed: {}", e.toString());
        }
    }

    private void finish() {
        stdout.flush();
        stderr.flush();
        ended.countDown();
    }

    /** The largest cut at or below {@code max} that does not split a UTF-8 character. */
    static int utf8Boundary(byte[] bytes, int max) {
        int cut = Math.min(max, bytes.length);
        if (cut == bytes.length) {
            return cut;
        }
        int lead = cut;
        // bytes[cut] is the first byte left over: if it continues a character (10xxxxxx), back off to its lead byte.
        while (lead > 0 && lead > cut - 4 && (bytes[lead] & 0xC0) == 0x80) {
            lead--;
        }
        return lead == 0 ? cut : lead;
    }

    /** Splits one stream's bytes into lines. */
    private final class Splitter {
        private final LogStream stream;
        private final ByteArrayOutputStream line = new ByteArrayOutputStream();
        private boolean lastWasCr;

        Splitter(LogStream stream) {
            this.stream = stream;
        }

        synchronized void accept(byte[] bytes) {
            int from = 0;
            for (int i = 0; i < bytes.length; i++) {
                byte b = bytes[i];
                if (b != '\n' && b != '\r') {
                    continue;
                }
                line.write(bytes, from, i - from);
                from = i + 1;
                while (line.size() > MAX_LINE) {
                    cutLongLine();
                }
                if (b == '\r' || !lastWasCr || line.size() > 0) {
                    emit(line.toByteArray());
                }
                lastWasCr = b == '\r';
            }
            if (from < bytes.length) {
                line.write(bytes, from, bytes.length - from);
                lastWasCr = false;
                while (line.size() > MAX_LINE) {
                    cutLongLine();
                }
            }
        }

        synchronized void flush() {
            if (line.size() > 0) {
                emit(line.toByteArray());
            }
        }

        /** Hands over the first MAX_LINE bytes (less a character cut in two) and keeps the rest. */
        private void cutLongLine() {
            byte[] bytes = line.toByteArray();
            int cut = utf8Boundary(bytes, MAX_LINE);
            budget.offer(stream, new String(bytes, 0, cut, StandardCharsets.UTF_8));
            line.reset();
            line.write(bytes, cut, bytes.length - cut);
        }

        private void emit(byte[] bytes) {
            line.reset();
            budget.offer(stream, new String(bytes, StandardCharsets.UTF_8));
        }
    }
}
