package dev.runpilot.aws;

import dev.runpilot.aws.internal.S3Settings;
import dev.runpilot.aws.internal.S3StorageBackend;
import dev.runpilot.sdk.spi.StorageBackend;
import java.net.URI;
import java.util.Objects;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;

/**
 * Builds {@link StorageBackend}s that keep objects in Amazon S3 (or an S3-compatible service),
 * for code that configures storage programmatically rather than by URI.
 *
 * <pre>{@code
 * StorageBackend storage = S3Storage.builder()
 *         .bucket("my-runs")
 *         .prefix("team-a/")
 *         .encryption(S3Storage.Encryption.SSE_KMS)
 *         .kmsKeyId("alias/runpilot")
 *         .build();
 * RunPilotClient client = RunPilot.client().storage(storage).build();
 * }</pre>
 *
 * <p>The same backend is reached by URI, {@code s3://my-runs/team-a?sse=aws:kms&kmsKeyId=alias/runpilot},
 * once {@code runpilot-aws} is on the class path; docs/storage.md lists every URI option.
 *
 * @since 0.2.0
 */
public final class S3Storage {
    private S3Storage() {
    }

    /**
     * Starts a builder.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /** How S3 encrypts objects at rest. */
    public enum Encryption {
        /** Whatever the bucket's default encryption is (S3 encrypts new objects with SSE-S3 by default). */
        BUCKET_DEFAULT,
        /** SSE-S3: {@code x-amz-server-side-encryption: AES256}. */
        SSE_S3,
        /** SSE-KMS: {@code x-amz-server-side-encryption: aws:kms}, with {@link Builder#kmsKeyId} or the account's AWS-managed key. */
        SSE_KMS
    }

    /**
     * Configures an S3 storage backend. Not thread-safe; the backend it builds is.
     */
    public static final class Builder {
        private String bucket;
        private String prefix = "";
        private String region;
        private URI endpoint;
        private boolean pathStyle;
        private AwsCredentialsProvider credentialsProvider;
        private Encryption encryption = Encryption.BUCKET_DEFAULT;
        private String kmsKeyId;
        private long partSize = S3Settings.DEFAULT_PART_SIZE;
        private int uploadConcurrency = S3Settings.DEFAULT_UPLOAD_CONCURRENCY;

        private Builder() {
        }

        /**
         * Sets the bucket. Required.
         *
         * @param bucket the bucket name
         * @return this builder
         */
        public Builder bucket(String bucket) {
            this.bucket = Objects.requireNonNull(bucket, "bucket");
            return this;
        }

        /**
         * Sets the key prefix under which every object is kept. Default: none (the bucket's root).
         * A trailing {@code /} is added when missing.
         *
         * @param prefix the prefix, such as {@code team-a/runpilot}
         * @return this builder
         */
        public Builder prefix(String prefix) {
            this.prefix = Objects.requireNonNull(prefix, "prefix");
            return this;
        }

        /**
         * Sets the region the client starts from. Default: the SDK's region chain ({@code AWS_REGION},
         * the profile, instance metadata), else {@code us-east-1}. The bucket's own region is detected
         * either way, so this only matters for the first request and for presigned URLs of a bucket
         * that cannot be asked for its region.
         *
         * @param region a region name such as {@code eu-west-1}
         * @return this builder
         */
        public Builder region(String region) {
            this.region = Objects.requireNonNull(region, "region");
            return this;
        }

        /**
         * Sends every request to this endpoint instead of AWS: an emulator such as moto
         * ({@code http://127.0.0.1:5000}), MinIO or a private cloud. Default: AWS (or the SDK's
         * {@code AWS_ENDPOINT_URL_S3} environment variable).
         *
         * @param endpoint the endpoint URI
         * @return this builder
         */
        public Builder endpoint(URI endpoint) {
            this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
            return this;
        }

        /**
         * Addresses the bucket in the path ({@code http://host/bucket/key}) instead of the host name.
         * Default: false. Emulators and many private clouds need true.
         *
         * @param pathStyle whether to use path-style requests
         * @return this builder
         */
        public Builder pathStyle(boolean pathStyle) {
            this.pathStyle = pathStyle;
            return this;
        }

        /**
         * Sets the credentials. Default: the SDK's default credential chain (environment, system
         * properties, profile, web identity, container and instance metadata).
         *
         * @param credentialsProvider the provider
         * @return this builder
         */
        public Builder credentialsProvider(AwsCredentialsProvider credentialsProvider) {
            this.credentialsProvider = Objects.requireNonNull(credentialsProvider, "credentialsProvider");
            return this;
        }

        /**
         * Sets server-side encryption for objects this backend writes. Default:
         * {@link Encryption#BUCKET_DEFAULT}.
         *
         * @param encryption the encryption
         * @return this builder
         */
        public Builder encryption(Encryption encryption) {
            this.encryption = Objects.requireNonNull(encryption, "encryption");
            return this;
        }

        /**
         * Sets the KMS key for {@link Encryption#SSE_KMS}: a key id, ARN or {@code alias/...}. Default:
         * the account's AWS-managed key for S3.
         *
         * @param kmsKeyId the key
         * @return this builder
         */
        public Builder kmsKeyId(String kmsKeyId) {
            this.kmsKeyId = Objects.requireNonNull(kmsKeyId, "kmsKeyId");
            return this;
        }

        /**
         * Sets the multipart part size. Objects smaller than one part are written with a single
         * request; larger ones in parts of this size. Default: 8 MiB; at least 5 MiB (S3's minimum).
         *
         * @param bytes the part size in bytes
         * @return this builder
         */
        public Builder partSize(long bytes) {
            this.partSize = bytes;
            return this;
        }

        /**
         * Sets how many parts of one object upload at the same time. Memory use per upload is at
         * most this many parts. Default: 4.
         *
         * @param parts at least 1
         * @return this builder
         */
        public Builder uploadConcurrency(int parts) {
            this.uploadConcurrency = parts;
            return this;
        }

        /**
         * Builds the backend. No request is made yet: the bucket's region is detected on first use.
         *
         * @return the backend; close it to release its HTTP connections and upload threads
         * @throws IllegalArgumentException if the bucket is missing or an option is out of range
         */
        public StorageBackend build() {
            if (bucket == null || bucket.isBlank()) {
                throw new IllegalArgumentException("S3Storage needs a bucket: call bucket(\"name\")");
            }
            return new S3StorageBackend(new S3Settings(bucket, prefix, Optional.ofNullable(region),
                    Optional.ofNullable(endpoint), pathStyle, Optional.ofNullable(credentialsProvider), encryption,
                    Optional.ofNullable(kmsKeyId), partSize, uploadConcurrency));
        }
    }
}
