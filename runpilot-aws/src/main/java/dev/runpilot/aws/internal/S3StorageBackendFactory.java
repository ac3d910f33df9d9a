package dev.runpilot.aws.internal;

import dev.runpilot.sdk.ProviderException;
import dev.runpilot.sdk.spi.ProviderContext;
import dev.runpilot.sdk.spi.StorageBackend;
import dev.runpilot.sdk.spi.StorageBackendFactory;
import java.net.URI;

/**
 * Provides the {@code s3} storage backend:
 * {@code s3://bucket/prefix?endpoint=URL&pathStyle=true&region=NAME&sse=AES256|aws:kms&kmsKeyId=ID&partSize=BYTES&uploadConcurrency=N}.
 */
public final class S3StorageBackendFactory implements StorageBackendFactory {
    @Override
    public String scheme() {
        return "s3";
    }

    @Override
    public StorageBackend create(URI uri, ProviderContext context) {
        S3Settings settings;
        try {
            settings = S3Settings.fromUri(uri);
        } catch (IllegalArgumentException e) {
            throw new ProviderException(e.getMessage(), e);
        }
        return new S3StorageBackend(settings);
    }
}
