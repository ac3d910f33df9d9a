package dev.runpilot.sdk.testing;

import dev.runpilot.sdk.spi.ObjectInfo;
import dev.runpilot.sdk.spi.ObjectPage;
import dev.runpilot.sdk.spi.StorageBackend;
import dev.runpilot.sdk.spi.StorageBackendFactory;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.ServiceLoader;
import org.junit.jupiter.api.io.TempDir;

/**
 * The contract against a backend that implements only the abstract methods of {@link StorageBackend}
 * (over the {@code file} backend), so that its default methods, {@code deletePrefix} (list + delete,
 * which the gs and az backends use) among them, are what the contract's prefix-delete tests run.
 */
class DefaultDeletePrefixContractTest extends StorageBackendContract {
    @TempDir
    Path root;

    @Override
    protected StorageBackend createBackend() {
        StorageBackend file = ServiceLoader.load(StorageBackendFactory.class).stream()
                .map(ServiceLoader.Provider::get)
                .filter(f -> f.scheme().equals("file"))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no 'file' StorageBackendFactory registered"))
                .create(root.resolve("store").toUri(), () -> root);
        return new StorageBackend() {
            @Override
            public URI uri() {
                return file.uri();
            }

            @Override
            public ObjectInfo put(String key, InputStream content, String contentType) {
                return file.put(key, content, contentType);
            }

            @Override
            public Optional<InputStream> get(String key) {
                return file.get(key);
            }

            @Override
            public Optional<ObjectInfo> stat(String key) {
                return file.stat(key);
            }

            @Override
            public ObjectPage list(String prefix, String pageToken, int limit) {
                return file.list(prefix, pageToken, limit);
            }

            @Override
            public boolean delete(String key) {
                return file.delete(key);
            }

            @Override
            public void close() {
                file.close();
            }
        };
    }

    /** Flips the first byte of the object's file; its sidecar keeps the old SHA-256. */
    @Override
    protected void corruptObject(String key) throws Exception {
        Path file = root.resolve("store").resolve(key);
        byte[] bytes = Files.readAllBytes(file);
        bytes[0] ^= 0x01;
        Files.write(file, bytes);
    }

    /** Neither the file backend nor the default has a URL form. */
    @Override
    protected boolean expectsPresignedUrls() {
        return false;
    }
}
