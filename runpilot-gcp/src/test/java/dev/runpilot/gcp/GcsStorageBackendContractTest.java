package dev.runpilot.gcp;

import com.google.cloud.WriteChannel;
import com.google.cloud.storage.Blob;
import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.Storage;
import dev.runpilot.sdk.spi.StorageBackend;
import dev.runpilot.sdk.testing.StorageBackendContract;
import java.nio.ByteBuffer;

/**
 * The {@code gs} backend against the firebase-tools Cloud Storage emulator, built from a
 * {@code gs://} URI with an {@code endpoint} parameter (so without credentials), each test in a new
 * bucket under a prefix. Signed URLs are not part of this run (see {@link #expectsPresignedUrls()}).
 */
class GcsStorageBackendContractTest extends StorageBackendContract {
    private String bucket;

    @Override
    protected StorageBackend createBackend() {
        bucket = GcsEmulator.newBucket();
        return GcsStorage.builder().location(GcsEmulator.location(bucket, "runpilot/test")).build();
    }

    /**
     * No: without credentials (as against the emulator) the backend has nothing to sign with and
     * returns no URL, and the emulator could not serve a signed PUT anyway. GcsSignedUrlTest covers
     * signed URLs with a generated service account key.
     */
    @Override
    protected boolean expectsPresignedUrls() {
        return false;
    }

    /** Replaces the object's bytes with different ones of the same length, keeping its metadata (and so its SHA-256). */
    @Override
    protected void corruptObject(String key) throws Exception {
        Storage storage = GcsEmulator.client();
        Blob blob = storage.get(BlobId.of(bucket, "runpilot/test/" + key));
        byte[] bytes = blob.getContent();
        bytes[0] ^= 0x01;
        try (WriteChannel writer = storage.writer(blob.toBuilder().setBlobId(BlobId.of(bucket, blob.getName())).build())) {
            writer.write(ByteBuffer.wrap(bytes));
        }
    }
}
