package dev.runpilot.sdk.internal.runtime;

import dev.runpilot.sdk.LogStream;
import dev.runpilot.sdk.spi.OutputListener;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads one output stream of a process and hands it over line by line. A line longer than
 * {@link #MAX_LINE} characters is handed over in pieces, so a process printing without newlines
 * cannot exhaust the heap.
 */
final class LineReader implements Runnable {
    static final int MAX_LINE = 64 * 1024;
    private static final Logger log = LoggerFactory.getLogger(LineReader.class);

    private final InputStream in;
    private final LogStream stream;
    private final OutputListener listener;

    LineReader(InputStream in, LogStream stream, OutputListener listener) {
        this.in = in;
        this.stream = stream;
        this.listener = listener;
    }

    @Override
    public void run() {
        StringBuilder line = new StringBuilder();
        char[] buffer = new char[8192];
        boolean lastWasCr = false;
        try (Reader reader = new InputStreamReader(in, StandardCharsets.UTF_8)) {
            int n;
            while ((n = reader.read(buffer)) != -1) {
                for (int i = 0; i < n; i++) {
                    char ch = buffer[i];
                    if (ch == '\n') {
                        if (!lastWasCr) {
                            emit(line);
                        }
                        lastWasCr = false;
                    } else if (ch == '\r') {
                        emit(line);
                        lastWasCr = true;
                    } else {
                        lastWasCr = false;
                        line.append(ch);
                        if (line.length() >= MAX_LINE) {
                            emit(line);
                        }
                    }
                }
            }
        } catch (IOException e) {
            log.debug("Reading {} ended: {}", stream, e.toString());
        }
        if (line.length() > 0) {
            emit(line);
        }
    }

    private void emit(StringBuilder line) {
        listener.onLine(stream, line.toString());
        line.setLength(0);
    }
}
