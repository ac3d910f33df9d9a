package dev.runpilot.sdk.testing;

import dev.runpilot.sdk.spi.StorageBackend;
import dev.runpilot.sdk.spi.StorageBackendFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ServiceLoader;
import org.junit.jupiter.api.io.TempDir;

/** The {@code file} backend, found the way clients find it (by URI scheme through ServiceLoader), against the contract. */
class FileStorageBackendContractTest extends StorageBackendContract {
    @TempDir
    Path root;

    @Override
    protected StorageBackend createBackend() {
        StorageBackendFactory factory = ServiceLoader.load(StorageBackendFactory.class).stream()
                .map(ServiceLoader.Provider::get)
                .filter(f -> f.scheme().equals("file"))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no 'file' StorageBackendFactory registered"));
        return factory.create(root.resolve("store").toUri(), () -> root);
    }

    /** Flips the first byte of the object's file; its sidecar keeps the old SHA-256. */
    @Override
    protected void corruptObject(String key) throws Exception {
        Path file = root.resolve("store").resolve(key);
        byte[] bytes = Files.readAllBytes(file);
        bytes[0] ^= 0x01;
        Files.write(file, bytes);
    }

    /** Local files have no URL form. */
    @Override
    protected boolean expectsPresignedUrls() {
        return false;
    }
}
