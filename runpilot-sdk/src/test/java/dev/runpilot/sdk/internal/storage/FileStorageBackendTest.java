package dev.runpilot.sdk.internal.storage;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.runpilot.sdk.StorageException;
import dev.runpilot.sdk.spi.ObjectInfo;
import dev.runpilot.sdk.spi.ObjectPage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FileStorageBackendTest {
    @TempDir
    Path root;

    private FileStorageBackend storage;

    @BeforeEach
    void openBackend() {
        storage = new FileStorageBackend(root);
    }

    @Test
    void putThenGetReturnsTheSameBytesWithSizeAndSha256() throws Exception {
        byte[] content = "hello, storage\n".getBytes(UTF_8);

        ObjectInfo info = storage.put("runs/r-1/logs/attempt-1.log", new ByteArrayInputStream(content));

        assertThat(info.key()).isEqualTo("runs/r-1/logs/attempt-1.log");
        assertThat(info.size()).isEqualTo(content.length);
        assertThat(info.sha256()).contains(sha256(content));
        assertThat(read("runs/r-1/logs/attempt-1.log")).isEqualTo(content);
        assertThat(root.resolve("runs/r-1/logs/attempt-1.log")).hasBinaryContent(content);
    }

    @Test
    void emptyObjectRoundTrips() throws Exception {
        ObjectInfo info = storage.put("empty", new ByteArrayInputStream(new byte[0]));

        assertThat(info.size()).isZero();
        assertThat(info.sha256()).contains("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
        assertThat(read("empty")).isEmpty();
    }

    @Test
    void statDescribesAStoredObject() {
        storage.put("a/b.txt", bytes("12345"));

        assertThat(storage.stat("a/b.txt")).hasValueSatisfying(info -> {
            assertThat(info.key()).isEqualTo("a/b.txt");
            assertThat(info.size()).isEqualTo(5);
        });
    }

    @Test
    void putReplacesAnExistingObject() throws Exception {
        storage.put("model.bin", bytes("first version, rather long"));

        ObjectInfo info = storage.put("model.bin", bytes("second"));

        assertThat(read("model.bin")).isEqualTo("second".getBytes(UTF_8));
        assertThat(info.size()).isEqualTo(6);
        assertThat(storage.stat("model.bin")).map(ObjectInfo::size).contains(6L);
        assertThat(storage.list("", null, 10).objects()).extracting(ObjectInfo::key).containsExactly("model.bin");
    }

    @Test
    void missingObjectHasNoStatAndNoContent() {
        assertThat(storage.stat("no/such/key")).isEmpty();
        assertThat(storage.get("no/such/key")).isEmpty();
    }

    @Test
    void directoryIsNotAnObject() {
        storage.put("dir/child", bytes("x"));

        assertThat(storage.stat("dir")).isEmpty();
    }

    @Test
    void listReturnsKeysWithThePrefixSortedByKey() {
        for (String key : List.of("b", "a/z", "a b", "a/a", "ab/c", "c/a")) {
            storage.put(key, bytes(key));
        }

        assertThat(storage.list("", null, 100).objects()).extracting(ObjectInfo::key)
                .containsExactly("a b", "a/a", "a/z", "ab/c", "b", "c/a");
        assertThat(storage.list("a/", null, 100).objects()).extracting(ObjectInfo::key)
                .containsExactly("a/a", "a/z");
        assertThat(storage.list("a", null, 100).objects()).extracting(ObjectInfo::key)
                .containsExactly("a b", "a/a", "a/z", "ab/c");
        assertThat(storage.list("zzz", null, 100).objects()).isEmpty();
    }

    @Test
    void listReportsSizes() {
        storage.put("k/one", bytes("1"));
        storage.put("k/three", bytes("333"));

        assertThat(storage.list("k/", null, 10).objects()).extracting(ObjectInfo::key, ObjectInfo::size)
                .containsExactly(tuple("k/one", 1L), tuple("k/three", 3L));
    }

    @Test
    void listPagesThroughManyKeys() {
        List<String> keys = IntStream.range(0, 25).mapToObj(i -> String.format("runs/r-%02d/out.txt", i)).toList();
        List<String> shuffled = new ArrayList<>(keys);
        Collections.shuffle(shuffled, new Random(5));
        shuffled.forEach(k -> storage.put(k, bytes(k)));
        storage.put("other/x", bytes("x"));

        ObjectPage first = storage.list("runs/", null, 10);
        ObjectPage second = storage.list("runs/", first.nextPageToken().orElseThrow(), 10);
        ObjectPage third = storage.list("runs/", second.nextPageToken().orElseThrow(), 10);

        assertThat(first.objects()).extracting(ObjectInfo::key).containsExactlyElementsOf(keys.subList(0, 10));
        assertThat(second.objects()).extracting(ObjectInfo::key).containsExactlyElementsOf(keys.subList(10, 20));
        assertThat(third.objects()).extracting(ObjectInfo::key).containsExactlyElementsOf(keys.subList(20, 25));
        assertThat(third.nextPageToken()).isEmpty();
    }

    @Test
    void exactlyFullLastPageHasNoNextPageToken() {
        IntStream.range(0, 20).forEach(i -> storage.put(String.format("k%02d", i), bytes("x")));

        ObjectPage first = storage.list("", null, 10);
        ObjectPage second = storage.list("", first.nextPageToken().orElseThrow(), 10);

        assertThat(second.objects()).hasSize(10);
        assertThat(second.nextPageToken()).isEmpty();
    }

    @Test
    void listRejectsLimitBelowOne() {
        assertThatThrownBy(() -> storage.list("", null, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("limit must be at least 1, was 0");
    }

    @ParameterizedTest
    @ValueSource(strings = {"dir with spaces/file name.txt", "données/日本語/ファイル.bin", "a/b/c/d/e/f.txt", "emoji-😀", "x+y=z&q?#%"})
    void keysWithSpacesUnicodeAndSlashesRoundTrip(String key) throws Exception {
        storage.put(key, bytes("content of " + key));

        assertThat(read(key)).isEqualTo(("content of " + key).getBytes(UTF_8));
        assertThat(storage.stat(key)).isPresent();
        assertThat(storage.list("", null, 10).objects()).extracting(ObjectInfo::key).containsExactly(key);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "/abs", "/etc/passwd", "..", "../escape", "a/../../escape", "a/..", "a//b", "a/", "./a", "a/./b", "a\\b"})
    void invalidKeysAreRejectedNamingTheKey(String key) {
        String named = "'" + key + "'";
        assertThatThrownBy(() -> storage.put(key, bytes("x")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(named);
        assertThatThrownBy(() -> storage.get(key))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(named);
        assertThatThrownBy(() -> storage.stat(key))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(named);
        assertThatThrownBy(() -> storage.delete(key))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(named);
    }

    @Test
    void rejectedKeyWritesNothingOutsideTheRoot() throws IOException {
        Path outside = root.getParent().resolve(root.getFileName() + "-escape");

        assertThatThrownBy(() -> storage.put("../" + outside.getFileName(), bytes("x")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(outside).doesNotExist();
        assertThat(regularFiles()).isEmpty();
    }

    @Test
    void deleteRemovesTheObjectAndSaysWhetherItExisted() {
        storage.put("a/b.txt", bytes("x"));

        assertThat(storage.delete("a/b.txt")).isTrue();
        assertThat(storage.stat("a/b.txt")).isEmpty();
        assertThat(storage.delete("a/b.txt")).isFalse();
        assertThat(storage.delete("never/there")).isFalse();
    }

    @Test
    void deletePrunesDirectoriesLeftEmpty() {
        storage.put("a/b/c/d.txt", bytes("x"));
        storage.put("a/keep.txt", bytes("y"));

        storage.delete("a/b/c/d.txt");

        assertThat(root.resolve("a/b")).doesNotExist();
        assertThat(root.resolve("a")).isDirectory();
        assertThat(root).isDirectory();
        storage.delete("a/keep.txt");
        assertThat(root.resolve("a")).doesNotExist();
        assertThat(root).isDirectory();
    }

    @Test
    void deletePrefixRemovesOnlyMatchingObjects() {
        storage.put("runs/r-1/a", bytes("1"));
        storage.put("runs/r-1/b/c", bytes("2"));
        storage.put("runs/r-10/x", bytes("3"));
        storage.put("runs/r-2/y", bytes("4"));

        long deleted = storage.deletePrefix("runs/r-1/");

        assertThat(deleted).isEqualTo(2);
        assertThat(storage.list("", null, 10).objects()).extracting(ObjectInfo::key)
                .containsExactly("runs/r-10/x", "runs/r-2/y");
        assertThat(root.resolve("runs/r-1")).doesNotExist();
    }

    @Test
    void deletePrefixOfNothingDeletesNothing() {
        storage.put("keep", bytes("1"));

        assertThat(storage.deletePrefix("gone/")).isZero();
        assertThat(storage.stat("keep")).isPresent();
    }

    @Test
    void deletePrefixRefusesTheEmptyPrefix() {
        storage.put("keep", bytes("1"));

        assertThatThrownBy(() -> storage.deletePrefix(""))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("non-empty prefix");
        assertThat(storage.stat("keep")).isPresent();
    }

    @Test
    void failedWriteLeavesNoObjectAndNoTempFile() throws IOException {
        assertThatThrownBy(() -> storage.put("runs/r-1/big.bin", new FailingInputStream(64 * 1024)))
                .isInstanceOf(StorageException.class)
                .hasMessageContaining("'runs/r-1/big.bin'")
                .hasMessageContaining(storage.uri().toString());

        assertThat(storage.stat("runs/r-1/big.bin")).isEmpty();
        assertThat(storage.list("", null, 10).objects()).isEmpty();
        assertThat(regularFiles()).isEmpty();
    }

    @Test
    void failedOverwriteKeepsThePreviousObject() throws Exception {
        storage.put("model.bin", bytes("good version"));

        assertThatThrownBy(() -> storage.put("model.bin", new FailingInputStream(64 * 1024)))
                .isInstanceOf(StorageException.class);

        assertThat(read("model.bin")).isEqualTo("good version".getBytes(UTF_8));
        assertThat(regularFiles()).containsExactly(root.resolve("model.bin"));
    }

    @Test
    void uncheckedFailureWhileReadingLeavesNoTempFile() throws IOException {
        InputStream failing = new InputStream() {
            private int left = 1000;

            @Override
            public int read() {
                if (left-- == 0) {
                    throw new UncheckedIOException(new IOException("source gone"));
                }
                return 'x';
            }
        };

        assertThatThrownBy(() -> storage.put("k/v", failing)).isInstanceOf(RuntimeException.class);

        assertThat(regularFiles()).isEmpty();
    }

    @Test
    void concurrentWritersToOneKeyLeaveOneCompleteObject() throws Exception {
        int writers = 8;
        int size = 512 * 1024;
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        try {
            List<Future<ObjectInfo>> results = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                byte fill = (byte) ('A' + w);
                Callable<ObjectInfo> write = () -> {
                    byte[] content = new byte[size];
                    Arrays.fill(content, fill);
                    start.await();
                    return storage.put("shared/object.bin", new ByteArrayInputStream(content));
                };
                results.add(pool.submit(write));
            }
            start.countDown();
            for (Future<ObjectInfo> result : results) {
                assertThat(result.get(30, TimeUnit.SECONDS).size()).isEqualTo(size);
            }
        } finally {
            pool.shutdownNow();
        }

        byte[] stored = read("shared/object.bin");
        assertThat(stored).hasSize(size);
        assertThat(IntStream.range(0, size).map(i -> stored[i]).distinct().count())
                .as("bytes of exactly one writer").isEqualTo(1);
        assertThat(regularFiles()).containsExactly(root.resolve("shared/object.bin"));
    }

    @Test
    void shaAndContentTypeLiveInASidecarThatListingsSkip() throws Exception {
        storage.put("docs/readme.txt", bytes("read me"), "text/plain");

        assertThat(root.resolve("docs/.rp-meta-readme.txt")).exists();
        assertThat(storage.list("docs/", null, 10).objects()).singleElement().satisfies(info -> {
            assertThat(info.key()).isEqualTo("docs/readme.txt");
            assertThat(info.contentType()).contains("text/plain");
            assertThat(info.sha256()).contains(sha256("read me".getBytes(UTF_8)));
        });
        assertThat(storage.delete("docs/readme.txt")).isTrue();
        assertThat(root.resolve("docs")).doesNotExist();
    }

    @Test
    void keysMayNotUseTheReservedSidecarNames() {
        assertThatThrownBy(() -> storage.put("a/.rp-meta-x", bytes("x")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("reserved");
    }

    @Test
    void anObjectWithoutASidecarIsServedUnverified() throws Exception {
        Files.writeString(root.resolve("legacy.log"), "written by 0.1.0");

        assertThat(read("legacy.log")).isEqualTo("written by 0.1.0".getBytes(UTF_8));
        assertThat(storage.stat("legacy.log").orElseThrow().sha256()).isEmpty();
    }

    @Test
    void aDamagedFileFailsAtTheEndOfItsStream() throws Exception {
        storage.put("model.bin", bytes("good version"));
        Files.writeString(root.resolve("model.bin"), "evil version");

        try (InputStream in = storage.get("model.bin").orElseThrow()) {
            assertThatThrownBy(in::readAllBytes)
                    .isInstanceOf(dev.runpilot.sdk.spi.ChecksumMismatchException.class)
                    .hasMessageContaining("model.bin")
                    .hasMessageContaining(sha256("good version".getBytes(UTF_8)));
        }
    }

    @Test
    void uriPointsAtTheRootDirectory() {
        assertThat(Path.of(storage.uri())).isEqualTo(root.toAbsolutePath().normalize());
    }

    private byte[] read(String key) throws IOException {
        try (InputStream in = storage.get(key).orElseThrow()) {
            return in.readAllBytes();
        }
    }

    /** The files under the root other than metadata sidecars: objects and any stray temporary files. */
    private List<Path> regularFiles() throws IOException {
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(Files::isRegularFile)
                    .filter(p -> !p.getFileName().toString().startsWith(".rp-meta-"))
                    .collect(Collectors.toList());
        }
    }

    private static InputStream bytes(String text) {
        return new ByteArrayInputStream(text.getBytes(UTF_8));
    }

    private static String sha256(byte[] content) throws NoSuchAlgorithmException {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
    }

    /** Yields {@code before} bytes, then fails as a broken network stream would. */
    private static final class FailingInputStream extends InputStream {
        private int left;

        FailingInputStream(int before) {
            this.left = before;
        }

        @Override
        public int read() throws IOException {
            if (left == 0) {
                throw new IOException("connection reset by peer");
            }
            left--;
            return 'x';
        }
    }
}
