package dev.runpilot.sdk.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runpilot.sdk.spi.ObjectInfo;
import dev.runpilot.sdk.spi.ObjectPage;
import dev.runpilot.sdk.spi.StorageBackend;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link StorageBackend} must show. A backend's test extends this class and
 * supplies a fresh, empty backend; every test here then runs against it.
 *
 * <pre>{@code
 * class MyBackendContractTest extends StorageBackendContract {
 *     @Override
 *     protected StorageBackend createBackend() {
 *         return new MyBackend(...);          // an empty bucket or prefix per test
 *     }
 * }
 * }</pre>
 *
 * <p>Large objects are produced and checked as streams, so a backend that buffers whole objects in
 * memory shows up as heap pressure in its own test run rather than passing silently.
 *
 * @since 0.1.0
 */
public abstract class StorageBackendContract {
    private static final int MIB = 1024 * 1024;

    /** The backend under test, fresh for each test. */
    protected StorageBackend backend;

    /**
     * Returns a new backend over an empty location. Called before each test.
     *
     * @return the backend
     * @throws Exception if it cannot be created; the test fails
     */
    protected abstract StorageBackend createBackend() throws Exception;

    /**
     * Returns how many keys the listing test writes; past 1,000 by default, so that paging is
     * exercised against services that cap a page at 1,000.
     *
     * @return the number of keys
     */
    protected int keysForListingTest() {
        return 1_001;
    }

    @BeforeEach
    final void openBackend() throws Exception {
        backend = createBackend();
    }

    @AfterEach
    final void closeBackend() {
        if (backend != null) {
            backend.close();
        }
    }

    @Test
    void anEmptyObjectRoundTrips() {
        ObjectInfo info = backend.put("empty", InputStream.nullInputStream());
        assertThat(info.size()).isZero();
        assertThat(read("empty")).isEmpty();
        assertThat(backend.stat("empty")).get().extracting(ObjectInfo::size).isEqualTo(0L);
    }

    @Test
    void aSmallObjectRoundTripsWithItsSizeAndChecksum() {
        byte[] content = "hello, storage".getBytes(StandardCharsets.UTF_8);
        ObjectInfo info = backend.put("dir/small.txt", new ByteArrayInputStream(content));
        assertThat(info.key()).isEqualTo("dir/small.txt");
        assertThat(info.size()).isEqualTo(content.length);
        info.sha256().ifPresent(sha -> assertThat(sha).isEqualTo(sha256(content)));
        assertThat(read("dir/small.txt")).isEqualTo(content);
        assertThat(backend.stat("dir/small.txt")).get().extracting(ObjectInfo::size).isEqualTo((long) content.length);
    }

    @Test
    void aSixtyFourMebibyteObjectRoundTripsAsAStream() throws IOException {
        long size = 64L * MIB;
        ObjectInfo info = backend.put("big.bin", new PatternStream(size));
        assertThat(info.size()).isEqualTo(size);
        String expected = sha256(new PatternStream(size));
        try (InputStream in = backend.get("big.bin").orElseThrow()) {
            assertThat(sha256(in)).isEqualTo(expected);
        }
    }

    @Test
    void anOverwriteReplacesTheWholeObject() {
        backend.put("key", new ByteArrayInputStream(new byte[10_000]));
        backend.put("key", new ByteArrayInputStream("short".getBytes(StandardCharsets.UTF_8)));
        assertThat(new String(read("key"), StandardCharsets.UTF_8)).isEqualTo("short");
        assertThat(backend.stat("key")).get().extracting(ObjectInfo::size).isEqualTo(5L);
    }

    @Test
    void aMissingObjectIsAbsentNotAnError() {
        assertThat(backend.get("no/such/key")).isEmpty();
        assertThat(backend.stat("no/such/key")).isEmpty();
        assertThat(backend.delete("no/such/key")).isFalse();
        assertThat(backend.list("no/such/", null, 10).objects()).isEmpty();
    }

    @Test
    void listingPagesThroughEveryKeyInOrder() {
        int count = keysForListingTest();
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String key = String.format("many/key-%05d", i);
            expected.add(key);
            backend.put(key, new ByteArrayInputStream(new byte[] {(byte) i}));
        }
        backend.put("other/key", InputStream.nullInputStream());
        List<String> seen = new ArrayList<>();
        String token = null;
        int pages = 0;
        do {
            ObjectPage page = backend.list("many/", token, 1000);
            page.objects().forEach(o -> seen.add(o.key()));
            token = page.nextPageToken().orElse(null);
            pages++;
        } while (token != null);
        assertThat(seen).containsExactlyElementsOf(expected);
        assertThat(pages).isEqualTo((count + 999) / 1000);
    }

    @Test
    void keysWithSpacesUnicodeAndSlashesRoundTrip() {
        List<String> keys = List.of("with space/file name.txt", "unicodé/ファイル/данные.bin", "deep/a/b/c/d/e.txt");
        for (String key : keys) {
            backend.put(key, new ByteArrayInputStream(key.getBytes(StandardCharsets.UTF_8)));
        }
        for (String key : keys) {
            assertThat(new String(read(key), StandardCharsets.UTF_8)).isEqualTo(key);
        }
        assertThat(backend.list("unicodé/", null, 10).objects()).extracting(ObjectInfo::key)
                .containsExactly("unicodé/ファイル/данные.bin");
    }

    @Test
    void deletingAPrefixRemovesExactlyThoseObjects() {
        for (int i = 0; i < 5; i++) {
            backend.put("runs/r-1/logs/" + i, InputStream.nullInputStream());
        }
        backend.put("runs/r-10/logs/0", InputStream.nullInputStream());
        backend.put("runs/r-2/logs/0", InputStream.nullInputStream());

        assertThat(backend.deletePrefix("runs/r-1/")).isEqualTo(5);

        assertThat(backend.list("runs/", null, 100).objects()).extracting(ObjectInfo::key)
                .containsExactly("runs/r-10/logs/0", "runs/r-2/logs/0");
        assertThat(backend.delete("runs/r-2/logs/0")).isTrue();
        assertThat(backend.stat("runs/r-2/logs/0")).isEmpty();
    }

    @Test
    void concurrentWritersToOneKeyLeaveOneWholeObject() throws Exception {
        int writers = 8;
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                byte fill = (byte) ('a' + w);
                futures.add(pool.submit(() -> {
                    byte[] content = new byte[MIB];
                    Arrays.fill(content, fill);
                    backend.put("contended", new ByteArrayInputStream(content));
                }));
            }
            for (Future<?> future : futures) {
                future.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        byte[] result = read("contended");
        assertThat(result).hasSize(MIB);
        byte first = result[0];
        assertThat(first).isBetween((byte) 'a', (byte) ('a' + writers - 1));
        for (byte b : result) {
            if (b != first) {
                throw new AssertionError("object mixes the bytes of two writers: found " + (char) b + " after " + (char) first);
            }
        }
    }

    @Test
    void concurrentWritersToDifferentKeysAllLand() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                String key = "parallel/" + i;
                futures.add(pool.submit(() -> backend.put(key, new ByteArrayInputStream(key.getBytes(StandardCharsets.UTF_8)))));
            }
            for (Future<?> future : futures) {
                future.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(backend.list("parallel/", null, 100).objects()).hasSize(40);
    }

    /** Reads a whole (small) object. */
    protected final byte[] read(String key) {
        Optional<InputStream> in = backend.get(key);
        assertThat(in).as("object %s", key).isPresent();
        try (InputStream stream = in.get()) {
            return stream.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String sha256(byte[] content) {
        return sha256(new ByteArrayInputStream(content));
    }

    private static String sha256(InputStream in) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[64 * 1024];
            int n;
            while ((n = in.read(buffer)) != -1) {
                digest.update(buffer, 0, n);
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A deterministic stream of {@code size} bytes that never exists as one array. */
    private static final class PatternStream extends InputStream {
        private final long size;
        private long position;

        PatternStream(long size) {
            this.size = size;
        }

        @Override
        public int read() {
            if (position >= size) {
                return -1;
            }
            return (int) ((position++ * 31 + 7) & 0xff);
        }

        @Override
        public int read(byte[] buffer, int offset, int length) {
            if (position >= size) {
                return -1;
            }
            int n = (int) Math.min(length, size - position);
            for (int i = 0; i < n; i++) {
                buffer[offset + i] = (byte) ((position++ * 31 + 7) & 0xff);
            }
            return n;
        }
    }
}
