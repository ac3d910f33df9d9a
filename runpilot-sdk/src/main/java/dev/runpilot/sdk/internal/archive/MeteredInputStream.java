package dev.runpilot.sdk.internal.archive;

import dev.runpilot.sdk.ArchiveException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.function.LongFunction;

/** Counts the bytes read through it and refuses to read past a limit that may be moved. */
final class MeteredInputStream extends FilterInputStream {
    private final LongFunction<ArchiveException> overLimit;
    private long count;
    private long limit = Long.MAX_VALUE;

    MeteredInputStream(InputStream in, LongFunction<ArchiveException> overLimit) {
        super(in);
        this.overLimit = overLimit;
    }

    long count() {
        return count;
    }

    void limit(long limit) {
        this.limit = limit;
    }

    @Override
    public int read() throws IOException {
        int b = super.read();
        if (b >= 0) {
            advance(1);
        }
        return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n = super.read(b, off, len);
        if (n > 0) {
            advance(n);
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        long skipped = super.skip(n);
        advance(skipped);
        return skipped;
    }

    @Override
    public boolean markSupported() {
        return false;
    }

    private void advance(long n) {
        count += n;
        if (count > limit) {
            throw overLimit.apply(limit);
        }
    }
}
