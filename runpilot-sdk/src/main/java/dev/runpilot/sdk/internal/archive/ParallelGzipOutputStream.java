package dev.runpilot.sdk.internal.archive;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * Writes one gzip member whose deflate stream is compressed in parallel, block by block, the way
 * pigz does it.
 *
 * <p>The input is cut into fixed-size blocks. Each block is deflated on its own by a pool thread,
 * primed with the last 32 KiB of the block before it as a preset dictionary (so matches still reach
 * back across the cut), and ended with a sync flush so the pieces join into one valid deflate
 * stream; the last block is finished normally. The CRC-32 and length are computed on the writing
 * thread. Because each block's output depends only on its own bytes and its dictionary, the result
 * is the same for any number of threads and any timing. The gzip header has no name and a zero
 * time, so it carries nothing from the machine.
 *
 * <p>Not thread-safe: one thread writes.
 */
public final class ParallelGzipOutputStream extends OutputStream {
    /** The bytes of input per block. */
    public static final int BLOCK_SIZE = 1024 * 1024;

    private static final int DICTIONARY_SIZE = 32 * 1024;
    private static final byte[] HEADER = {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, 3};

    private final OutputStream out;
    private final ExecutorService pool;
    private final int level;
    private final int maxInFlight;
    private final Deque<Future<byte[]>> inFlight = new ArrayDeque<>();
    private final CRC32 crc = new CRC32();
    private byte[] block = new byte[BLOCK_SIZE];
    private int filled;
    private byte[] dictionary;
    private long totalIn;
    private boolean closed;

    /**
     * Creates the stream and writes the gzip header.
     *
     * @param out where the gzip bytes go; closed by {@link #close()}
     * @param pool the threads that deflate; not shut down here
     * @param parallelism how many threads the pool has, which bounds the blocks held in memory
     * @param level the deflate level, 1 to 9
     * @throws IOException if writing the header fails
     */
    public ParallelGzipOutputStream(OutputStream out, ExecutorService pool, int parallelism, int level)
            throws IOException {
        this.out = out;
        this.pool = pool;
        this.level = level;
        this.maxInFlight = 2 * parallelism + 1;
        out.write(HEADER);
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        int offset = off;
        int remaining = len;
        while (remaining > 0) {
            if (filled == BLOCK_SIZE) {
                submit(false);
            }
            int n = Math.min(remaining, BLOCK_SIZE - filled);
            System.arraycopy(b, offset, block, filled, n);
            filled += n;
            offset += n;
            remaining -= n;
        }
    }

    private void submit(boolean last) throws IOException {
        byte[] input = block;
        int length = filled;
        byte[] preset = dictionary;
        crc.update(input, 0, length);
        totalIn += length;
        inFlight.addLast(pool.submit(() -> deflate(input, length, preset, last, level)));
        dictionary = length >= DICTIONARY_SIZE ? Arrays.copyOfRange(input, length - DICTIONARY_SIZE, length)
                : joinDictionary(preset, input, length);
        block = new byte[BLOCK_SIZE];
        filled = 0;
        while (inFlight.size() >= maxInFlight) {
            writeOldest();
        }
    }

    private static byte[] joinDictionary(byte[] previous, byte[] input, int length) {
        byte[] before = previous == null ? new byte[0] : previous;
        byte[] joined = Arrays.copyOf(before, before.length + length);
        System.arraycopy(input, 0, joined, before.length, length);
        return joined.length > DICTIONARY_SIZE
                ? Arrays.copyOfRange(joined, joined.length - DICTIONARY_SIZE, joined.length) : joined;
    }

    private static byte[] deflate(byte[] input, int length, byte[] dictionary, boolean last, int level) {
        Deflater deflater = new Deflater(level, true);
        try {
            if (dictionary != null && dictionary.length > 0) {
                deflater.setDictionary(dictionary);
            }
            deflater.setInput(input, 0, length);
            byte[] output = new byte[length + length / 8 + 1024];
            int produced = 0;
            if (last) {
                deflater.finish();
                while (!deflater.finished()) {
                    if (produced == output.length) {
                        output = Arrays.copyOf(output, output.length * 2);
                    }
                    produced += deflater.deflate(output, produced, output.length - produced);
                }
            } else {
                while (true) {
                    if (produced == output.length) {
                        output = Arrays.copyOf(output, output.length * 2);
                    }
                    int space = output.length - produced;
                    int n = deflater.deflate(output, produced, space, Deflater.SYNC_FLUSH);
                    produced += n;
                    if (n < space) {
                        break;
                    }
                }
            }
            return Arrays.copyOf(output, produced);
        } finally {
            deflater.end();
        }
    }

    private void writeOldest() throws IOException {
        Future<byte[]> oldest = inFlight.removeFirst();
        try {
            out.write(oldest.get());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while compressing");
        } catch (ExecutionException e) {
            throw new IOException("compressing a block failed: " + e.getCause(), e.getCause());
        }
    }

    /** Compresses what is left, writes the gzip trailer and closes the underlying stream. */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try {
            submit(true);
            while (!inFlight.isEmpty()) {
                writeOldest();
            }
            long value = crc.getValue();
            out.write(new byte[] {(byte) value, (byte) (value >>> 8), (byte) (value >>> 16), (byte) (value >>> 24),
                    (byte) totalIn, (byte) (totalIn >>> 8), (byte) (totalIn >>> 16), (byte) (totalIn >>> 24)});
        } finally {
            for (Future<byte[]> future : inFlight) {
                future.cancel(true);
            }
            out.close();
        }
    }
}
