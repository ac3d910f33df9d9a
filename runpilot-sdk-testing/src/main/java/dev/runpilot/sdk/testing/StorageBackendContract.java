package dev.runpilot.sdk.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runpilot.sdk.spi.ChecksumMismatchException;
import dev.runpilot.sdk.spi.ObjectInfo;
import dev.runpilot.sdk.spi.ObjectPage;
import dev.runpilot.sdk.spi.PresignedUrl;
import dev.runpilot.sdk.spi.StorageBackend;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
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
 * supplies a fresh, empty backend and a way to damage a stored object behind the backend's back;
 * every test here then runs against it.
 *
 * <pre>{@code
 * class MyBackendContractTest extends StorageBackendContract {
 *     @Override
 *     protected StorageBackend createBackend() {
 *         return new MyBackend(...);          // an empty bucket or prefix per test
 *     }
 *
 *     @Override
 *     protected void corruptObject(String key) throws Exception {
 *         // overwrite the stored bytes directly in the bucket, keeping the stored SHA-256
 *     }
 * }
 * }</pre>
 *
 * <p>What it covers: round trips of empty, small and 64 MiB objects; stored size, SHA-256 and
 * content type; overwrite; listing past 1,000 keys with page tokens; deletes of one key and of a
 * prefix; keys with spaces, unicode and slashes; concurrent writers to one key and to many;
 * not-found semantics; a presigned-URL round trip over plain HTTP (or, for backends without URLs,
 * that {@link StorageBackend#presign} returns empty); and a checksum mismatch on read.
 *
 * <p><b>Bounded heap.</b> The 64 MiB object is produced by a generator stream and read into a
 * digesting sink, so it never exists as one array in the test. Run the backend's test with a
 * small heap (this project uses {@code -Xmx64m}–{@code -Xmx96m} in the surefire {@code argLine})
 * so that a backend which buffers whole objects fails with an {@link OutOfMemoryError} instead of
 * passing silently.
 *
 * @since 0.1.0
 */
public abstract class StorageBackendContract {
    private static final int MIB = 1024 * 1024;
    private static final String EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

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

    /**
     * Alters the bytes stored under {@code key} directly in the underlying store (the directory,
     * the bucket, the container), not through the {@link StorageBackend}, while leaving the
     * SHA-256 the backend recorded for it unchanged: for example flip one byte of the file, or
     * upload different bytes of the same length with the old object's metadata. The checksum
     * test then expects reading the object to fail with a {@link ChecksumMismatchException}.
     *
     * @param key a key that {@link #backend} has just written, holding at least one byte
     * @throws Exception if the object cannot be altered; the test fails
     * @since 0.2.0
     */
    protected abstract void corruptObject(String key) throws Exception;

    /**
     * Tells whether the backend hands out presigned URLs. When true (the default) the presign
     * test writes and reads an object over plain HTTP through them; when false it asserts that
     * {@link StorageBackend#presign} returns empty for both reading and writing.
     *
     * @return true if {@link StorageBackend#presign} must return URLs
     * @since 0.2.0
     */
    protected boolean expectsPresignedUrls() {
        return true;
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
        assertThat(backend.stat("empty").orElseThrow().sha256()).contains(EMPTY_SHA256);
        assertThat(backend.exists("empty")).isTrue();
    }

    @Test
    void aSmallObjectRoundTripsWithItsSizeAndChecksum() {
        byte[] content = "hello, storage".getBytes(StandardCharsets.UTF_8);
        ObjectInfo info = backend.put("dir/small.txt", new ByteArrayInputStream(content));
        assertThat(info.key()).isEqualTo("dir/small.txt");
        assertThat(info.size()).isEqualTo(content.length);
        assertThat(info.sha256()).contains(sha256(content));
        assertThat(read("dir/small.txt")).isEqualTo(content);
        ObjectInfo stat = backend.stat("dir/small.txt").orElseThrow();
        assertThat(stat.key()).isEqualTo("dir/small.txt");
        assertThat(stat.size()).isEqualTo(content.length);
        assertThat(stat.sha256()).contains(sha256(content));
        assertThat(stat.contentType()).contains(StorageBackend.DEFAULT_CONTENT_TYPE);
        assertThat(stat.lastModified()).isAfter(Instant.now().minus(Duration.ofHours(1)));
    }

    @Test
    void theContentTypeIsKeptWithTheObject() {
        backend.put("page.html", new ByteArrayInputStream("<p>hi</p>".getBytes(StandardCharsets.UTF_8)),
                "text/html; charset=utf-8");
        assertThat(backend.stat("page.html").orElseThrow().contentType()).contains("text/html; charset=utf-8");
        assertThat(backend.list("page", null, 10).objects()).singleElement()
                .satisfies(o -> assertThat(o.size()).isEqualTo(9));
    }

    @Test
    void aSixtyFourMebibyteObjectRoundTripsAsAStream() throws IOException {
        long size = 64L * MIB;
        ObjectInfo info = backend.put("big.bin", new PatternStream(size));
        assertThat(info.size()).isEqualTo(size);
        String expected = sha256(new PatternStream(size));
        assertThat(info.sha256()).contains(expected);
        try (InputStream in = backend.get("big.bin").orElseThrow();
             DigestOutputStream sink = new DigestOutputStream(OutputStream.nullOutputStream(), newSha256())) {
            assertThat(in.transferTo(sink)).isEqualTo(size);
            assertThat(HexFormat.of().formatHex(sink.getMessageDigest().digest())).isEqualTo(expected);
        }
        assertThat(backend.stat("big.bin").orElseThrow().size()).isEqualTo(size);
    }

    @Test
    void anOverwriteReplacesTheWholeObject() {
        backend.put("key", new ByteArrayInputStream(new byte[10_000]));
        backend.put("key", new ByteArrayInputStream("short".getBytes(StandardCharsets.UTF_8)));
        assertThat(new String(read("key"), StandardCharsets.UTF_8)).isEqualTo("short");
        assertThat(backend.stat("key")).get().extracting(ObjectInfo::size).isEqualTo(5L);
        assertThat(backend.stat("key").orElseThrow().sha256()).contains(sha256("short".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void aMissingObjectIsAbsentNotAnError() {
        assertThat(backend.get("no/such/key")).isEmpty();
        assertThat(backend.stat("no/such/key")).isEmpty();
        assertThat(backend.delete("no/such/key")).isFalse();
        assertThat(backend.list("no/such/", null, 10).objects()).isEmpty();
        assertThat(backend.list("no/such/", null, 10).nextPageToken()).isEmpty();
        assertThat(backend.exists("no/such/key")).isFalse();
        assertThat(backend.deletePrefix("no/such/")).isZero();
    }

    @Test
    void aDeletedObjectIsGone() {
        backend.put("gone", new ByteArrayInputStream(new byte[] {1, 2, 3}));
        assertThat(backend.delete("gone")).isTrue();
        assertThat(backend.get("gone")).isEmpty();
        assertThat(backend.exists("gone")).isFalse();
        assertThat(backend.delete("gone")).isFalse();
    }

    @Test
    void smallPagesWalkTheListingWithoutRepeatsOrGaps() {
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            String key = "paged/" + i;
            expected.add(key);
            backend.put(key, InputStream.nullInputStream());
        }
        List<String> seen = new ArrayList<>();
        String token = null;
        do {
            ObjectPage page = backend.list("paged/", token, 3);
            assertThat(page.objects().size()).isBetween(1, 3);
            page.objects().forEach(o -> seen.add(o.key()));
            token = page.nextPageToken().orElse(null);
        } while (token != null);
        assertThat(seen).containsExactlyElementsOf(expected);
    }

    @Test
    void listingPagesThroughEveryKeyInOrder() throws Exception {
        int count = keysForListingTest();
        List<String> expected = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> writes = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                String key = String.format("many/key-%05d", i);
                byte value = (byte) i;
                expected.add(key);
                writes.add(pool.submit(() -> backend.put(key, new ByteArrayInputStream(new byte[] {value}))));
            }
            for (Future<?> write : writes) {
                write.get(120, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
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

        // Deleting the prefix must also get past the first page (the default deletePrefix lists 1,000 at a time).
        assertThat(backend.deletePrefix("many/")).isEqualTo(count);
        assertThat(backend.list("many/", null, 10).objects()).isEmpty();
        assertThat(backend.exists("other/key")).isTrue();
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

    @Test
    void presignedUrlsWriteAndReadOverPlainHttp() throws Exception {
        Duration validFor = Duration.ofMinutes(5);
        if (!expectsPresignedUrls()) {
            assertThat(backend.presign("presigned/object.txt", PresignedUrl.Access.WRITE, validFor)).isEmpty();
            assertThat(backend.presign("presigned/object.txt", PresignedUrl.Access.READ, validFor)).isEmpty();
            return;
        }
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        byte[] uploaded = "written through a presigned URL".getBytes(StandardCharsets.UTF_8);
        PresignedUrl write = backend.presign("presigned/object.txt", PresignedUrl.Access.WRITE, validFor).orElseThrow();
        assertThat(write.access()).isEqualTo(PresignedUrl.Access.WRITE);
        assertThat(write.expiresAt()).isAfter(Instant.now()).isBefore(Instant.now().plus(validFor).plusSeconds(60));
        HttpRequest.Builder put = HttpRequest.newBuilder(write.url()).PUT(HttpRequest.BodyPublishers.ofByteArray(uploaded));
        write.requiredHeaders().forEach(put::header);
        HttpResponse<String> putResponse = http.send(put.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(putResponse.statusCode()).as("PUT %s: %s", write, putResponse.body()).isBetween(200, 299);
        assertThat(read("presigned/object.txt")).isEqualTo(uploaded);

        byte[] stored = "read through a presigned URL".getBytes(StandardCharsets.UTF_8);
        backend.put("presigned/stored.txt", new ByteArrayInputStream(stored));
        PresignedUrl readUrl = backend.presign("presigned/stored.txt", PresignedUrl.Access.READ, validFor).orElseThrow();
        assertThat(readUrl.access()).isEqualTo(PresignedUrl.Access.READ);
        if (readUrl.url().getRawQuery() != null) {
            assertThat(readUrl.toString()).as("toString hides the signature").doesNotContain(readUrl.url().getRawQuery());
        }
        HttpRequest.Builder get = HttpRequest.newBuilder(readUrl.url()).GET();
        readUrl.requiredHeaders().forEach(get::header);
        HttpResponse<byte[]> getResponse = http.send(get.build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(getResponse.statusCode()).isEqualTo(200);
        assertThat(getResponse.body()).isEqualTo(stored);
    }

    @Test
    void aCorruptedObjectFailsItsReadWithAChecksumMismatch() throws Exception {
        byte[] content = "bytes that will be damaged at rest".getBytes(StandardCharsets.UTF_8);
        backend.put("damaged/object.bin", new ByteArrayInputStream(content));
        corruptObject("damaged/object.bin");
        try (InputStream in = backend.get("damaged/object.bin").orElseThrow()) {
            assertThatThrownBy(() -> in.transferTo(OutputStream.nullOutputStream()))
                    .isInstanceOf(ChecksumMismatchException.class)
                    .hasMessageContaining("damaged/object.bin");
        }
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

    private static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
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
