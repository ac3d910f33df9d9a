package dev.runpilot.gcp;

import com.google.auth.Credentials;
import com.google.auth.ServiceAccountSigner;
import com.google.auth.oauth2.GoogleCredentials;
import com.google.cloud.NoCredentials;
import com.google.cloud.storage.BlobWriteSessionConfigs;
import com.google.cloud.storage.StorageOptions;
import dev.runpilot.gcp.internal.GcsLocation;
import dev.runpilot.gcp.internal.GcsStorageBackend;
import dev.runpilot.sdk.ProviderException;
import dev.runpilot.sdk.spi.StorageBackend;
import java.io.IOException;
import java.net.URI;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.LoggerFactory;

/**
 * Creates {@link StorageBackend}s over Google Cloud Storage: objects live in one bucket under a
 * name prefix, are uploaded resumably, and carry their SHA-256 as custom metadata, verified on read.
 *
 * <pre>{@code
 * StorageBackend storage = GcsStorage.builder()
 *         .location(URI.create("gs://my-bucket/runpilot"))
 *         .kmsKeyName("projects/p/locations/europe-west1/keyRings/r/cryptoKeys/k")
 *         .build();
 * }</pre>
 *
 * <p>Clients usually need none of this: {@code RunPilot.client().storage(URI.create("gs://..."))}
 * finds the {@code gs} scheme through {@link java.util.ServiceLoader} and builds the backend with the
 * defaults below. Use the builder to pass credentials in code or to tune uploads.
 *
 * @since 0.2.0
 */
public final class GcsStorage {
    private GcsStorage() {
    }

    /**
     * Starts a builder.
     *
     * @return a new builder with every default
     */
    public static Builder builder() {
        return new Builder(System::getenv);
    }

    /**
     * Configures and builds a Cloud Storage {@link StorageBackend}. Not thread-safe; the backend it
     * builds is.
     *
     * <p>Credentials: those given to {@link #credentials}; none at all when the endpoint is on this
     * machine (an emulator such as {@code http://127.0.0.1:9199}); otherwise Application Default
     * Credentials. The endpoint: {@link #endpoint}, else the location's {@code endpoint} parameter,
     * else the {@code STORAGE_EMULATOR_HOST} environment variable, else Google's.
     */
    public static final class Builder {
        private final Function<String, String> environment;
        private GcsLocation location;
        private URI endpoint;
        private String project;
        private String kmsKeyName;
        private Credentials credentials;
        private ServiceAccountSigner urlSigner;
        private int uploadChunkSize = 16 * 1024 * 1024;
        private int maxAttempts = 6;

        Builder(Function<String, String> environment) {
            this.environment = environment;
        }

        /**
         * Sets where objects go: {@code gs://BUCKET[/PREFIX]}, optionally with the parameters
         * {@code endpoint}, {@code project} and {@code kmsKeyName}. Required.
         *
         * @param uri the location
         * @return this builder
         * @throws ProviderException if the URI is not of that form
         */
        public Builder location(URI uri) {
            this.location = GcsLocation.parse(Objects.requireNonNull(uri, "uri"));
            return this;
        }

        /**
         * Sets the JSON API endpoint, such as {@code http://127.0.0.1:9199} for an emulator or a
         * private service connect endpoint.
         *
         * @param endpoint the endpoint URL
         * @return this builder
         */
        public Builder endpoint(URI endpoint) {
            this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
            return this;
        }

        /**
         * Sets the project requests are billed to. Default: the location's {@code project}
         * parameter, else the credentials' or environment's project.
         *
         * @param project the project ID
         * @return this builder
         */
        public Builder project(String project) {
            this.project = Objects.requireNonNull(project, "project");
            return this;
        }

        /**
         * Encrypts new objects with a customer-managed Cloud KMS key (CMEK). Default: the location's
         * {@code kmsKeyName} parameter, else the bucket's default encryption.
         *
         * @param kmsKeyName {@code projects/P/locations/L/keyRings/R/cryptoKeys/K}
         * @return this builder
         */
        public Builder kmsKeyName(String kmsKeyName) {
            this.kmsKeyName = Objects.requireNonNull(kmsKeyName, "kmsKeyName");
            return this;
        }

        /**
         * Sets the credentials, such as {@code ServiceAccountCredentials.fromStream(...)}.
         *
         * @param credentials the credentials; never logged
         * @return this builder
         */
        public Builder credentials(Credentials credentials) {
            this.credentials = Objects.requireNonNull(credentials, "credentials");
            return this;
        }

        /**
         * Sets what signs presigned URLs. Default: the credentials when they can sign (service
         * account keys, attached service accounts, impersonation). Without credentials (an emulator)
         * and without a signer, {@link StorageBackend#presign} returns empty.
         *
         * @param signer the signer, such as a {@code ServiceAccountCredentials}
         * @return this builder
         */
        public Builder urlSigner(ServiceAccountSigner signer) {
            this.urlSigner = Objects.requireNonNull(signer, "signer");
            return this;
        }

        /**
         * Sets how many bytes a resumable upload sends per request; each upload of an object over
         * 1 MiB buffers one chunk (smaller objects use a 1 MiB chunk). Default 16 MiB.
         *
         * @param bytes a multiple of 256 KiB
         * @return this builder
         */
        public Builder uploadChunkSize(int bytes) {
            if (bytes < 256 * 1024 || bytes % (256 * 1024) != 0) {
                throw new IllegalArgumentException("uploadChunkSize must be a positive multiple of 256 KiB, was " + bytes);
            }
            this.uploadChunkSize = bytes;
            return this;
        }

        /**
         * Sets how many times a request is tried before its failure is reported. Default 6, the
         * client library's.
         *
         * @param attempts at least 1
         * @return this builder
         */
        public Builder maxAttempts(int attempts) {
            if (attempts < 1) {
                throw new IllegalArgumentException("maxAttempts must be at least 1, was " + attempts);
            }
            this.maxAttempts = attempts;
            return this;
        }

        /**
         * Builds the backend. No request is made: a missing bucket or rejected credentials show up
         * on first use, as a {@link dev.runpilot.sdk.StorageException} naming the URI.
         *
         * @return the backend; close it to release its client
         * @throws ProviderException if no location was set or no credentials can be found
         */
        public StorageBackend build() {
            if (location == null) {
                throw new ProviderException("GcsStorage.builder() needs a location: "
                        + ".location(URI.create(\"gs://BUCKET/PREFIX\"))");
            }
            Optional<URI> effectiveEndpoint = Optional.ofNullable(endpoint).or(location::endpoint)
                    .or(() -> Optional.ofNullable(environment.apply("STORAGE_EMULATOR_HOST"))
                            .filter(h -> !h.isBlank())
                            .map(h -> URI.create(h.contains("://") ? h : "http://" + h)));
            GcsLocation target = location.with(effectiveEndpoint,
                    Optional.ofNullable(project).or(location::project),
                    Optional.ofNullable(kmsKeyName).or(location::kmsKeyName));
            boolean anonymous = credentials == null && target.isLoopbackEndpoint();
            Credentials effectiveCredentials = credentials != null ? credentials
                    : anonymous ? NoCredentials.getInstance() : applicationDefault(target);
            StorageOptions.Builder options = StorageOptions.http()
                    .setCredentials(effectiveCredentials)
                    .setRetrySettings(StorageOptions.getDefaultRetrySettings().toBuilder().setMaxAttempts(maxAttempts).build())
                    .setBlobWriteSessionConfig(BlobWriteSessionConfigs.getDefault().withChunkSize(uploadChunkSize));
            target.endpoint().ifPresent(e -> options.setHost(e.toString()));
            // Without a project the client would look for one, possibly on the metadata server; an
            // emulator needs none.
            target.project().or(() -> anonymous ? Optional.of("runpilot-emulator") : Optional.empty())
                    .ifPresent(options::setProjectId);
            Optional<ServiceAccountSigner> signer = Optional.ofNullable(urlSigner)
                    .or(() -> effectiveCredentials instanceof ServiceAccountSigner s ? Optional.of(s) : Optional.empty());
            LoggerFactory.getLogger(GcsStorage.class).debug("Cloud Storage {} ({})", target.toUri(),
                    anonymous ? "no credentials" : effectiveCredentials.getClass().getSimpleName());
            StorageOptions built = options.build();
            StorageOptions forSmallObjects = built.toBuilder().setBlobWriteSessionConfig(BlobWriteSessionConfigs.getDefault()
                    .withChunkSize(Math.min(uploadChunkSize, GcsStorageBackend.SMALL_OBJECT_BYTES))).build();
            return new GcsStorageBackend(target, built.getService(), forSmallObjects.getService(), signer, anonymous);
        }

        private static Credentials applicationDefault(GcsLocation target) {
            try {
                return GoogleCredentials.getApplicationDefault();
            } catch (IOException e) {
                throw new ProviderException("Cannot set up Cloud Storage " + target.toUri() + ": no Application Default "
                        + "Credentials (" + e.getMessage() + "). Run 'gcloud auth application-default login', set "
                        + "GOOGLE_APPLICATION_CREDENTIALS to a service account key file, or pass "
                        + "GcsStorage.builder().credentials(...).", e);
            }
        }

        /** Describes the configuration without its secrets. */
        @Override
        public String toString() {
            return "GcsStorage.Builder[location=" + (location == null ? "unset" : location.toUri())
                    + ", credentials=" + (credentials == null ? "default" : credentials.getClass().getSimpleName())
                    + ", uploadChunkSize=" + uploadChunkSize + ", maxAttempts=" + maxAttempts + "]";
        }
    }
}
