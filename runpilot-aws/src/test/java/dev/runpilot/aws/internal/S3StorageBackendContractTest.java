package dev.runpilot.aws.internal;

import dev.runpilot.sdk.spi.StorageBackend;
import dev.runpilot.sdk.spi.StorageBackendFactory;
import dev.runpilot.sdk.testing.StorageBackendContract;
import java.net.URI;
import java.nio.file.Path;
import java.util.ServiceLoader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;

/**
 * The {@code s3} backend on moto, found the way clients find it (by URI scheme through ServiceLoader,
 * credentials from the default chain), against the contract. Parts are 5 MiB, so the 64 MiB object
 * goes up as a 13-part multipart upload.
 */
class S3StorageBackendContractTest extends StorageBackendContract {
    @TempDir
    Path home;

    private S3Client s3;
    private String bucket;

    @Override
    protected StorageBackend createBackend() {
        URI endpoint = Moto.endpoint();
        s3 = Moto.client();
        bucket = Moto.newBucket(s3);
        StorageBackendFactory factory = ServiceLoader.load(StorageBackendFactory.class).stream()
                .map(ServiceLoader.Provider::get)
                .filter(f -> f.scheme().equals("s3"))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no 's3' StorageBackendFactory registered"));
        return factory.create(URI.create("s3://" + bucket + "/contract?endpoint=" + endpoint
                + "&pathStyle=true&partSize=5242880"), () -> home);
    }

    /** Uploads different bytes of the same length over the object, keeping its metadata (and so its sha256). */
    @Override
    protected void corruptObject(String key) {
        ResponseBytes<GetObjectResponse> stored = s3.getObjectAsBytes(b -> b.bucket(bucket).key("contract/" + key));
        byte[] bytes = stored.asByteArray();
        bytes[0] ^= 0x01;
        s3.putObject(b -> b.bucket(bucket).key("contract/" + key).metadata(stored.response().metadata()),
                RequestBody.fromBytes(bytes));
    }

    @AfterEach
    void closeClient() {
        if (s3 != null) {
            s3.close();
        }
    }
}
