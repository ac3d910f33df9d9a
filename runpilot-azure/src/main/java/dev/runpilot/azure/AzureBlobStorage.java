package dev.runpilot.azure;

import com.azure.core.credential.TokenCredential;
import com.azure.identity.DefaultAzureCredentialBuilder;
import com.azure.storage.blob.BlobServiceClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.common.StorageSharedKeyCredential;
import com.azure.storage.common.policy.RequestRetryOptions;
import com.azure.storage.common.policy.RetryPolicyType;
import dev.runpilot.azure.internal.AzureBlobStorageBackend;
import dev.runpilot.azure.internal.AzureLocation;
import dev.runpilot.sdk.ProviderException;
import dev.runpilot.sdk.spi.StorageBackend;
import java.net.URI;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.slf4j.LoggerFactory;

/**
 * Creates {@link StorageBackend}s over Azure Blob Storage: objects become block blobs in one
 * container, under a name prefix, with their SHA-256 kept as blob metadata and verified on read.
 *
 * <pre>{@code
 * StorageBackend storage = AzureBlobStorage.builder()
 *         .location(URI.create("az://myaccount/runpilot/team-a"))
 *         .connectionString(System.getenv("MY_CONNECTION_STRING"))
 *         .build();
 * }</pre>
 *
 * <p>Clients usually need none of this: {@code RunPilot.client().storage(URI.create("az://..."))}
 * finds the {@code az} scheme through {@link java.util.ServiceLoader} and builds the backend with the
 * defaults below. Use the builder to pass credentials in code or to tune uploads.
 *
 * @since 0.2.0
 */
public final class AzureBlobStorage {
    private AzureBlobStorage() {
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
     * Configures and builds an Azure Blob {@link StorageBackend}. Not thread-safe; the backend it
     * builds is.
     *
     * <p>Credentials, first match wins: {@link #connectionString}; {@link #accountKey};
     * {@link #credential}; the environment variable {@code AZURE_STORAGE_CONNECTION_STRING} when its
     * {@code AccountName} is the location's account; {@code AZURE_STORAGE_KEY} (the account key)
     * when {@code AZURE_STORAGE_ACCOUNT} is unset or names the location's account; otherwise
     * {@code DefaultAzureCredential} (environment, workload or managed identity, Azure CLI ...).
     * Presigned (SAS) URLs are signed with the account key when there is one, otherwise with a user
     * delegation key, which needs the "Storage Blob Delegator" role.
     */
    public static final class Builder {
        private final Function<String, String> environment;
        private AzureLocation location;
        private URI endpoint;
        private String connectionString;
        private String accountKey;
        private TokenCredential credential;
        private int blockSize = 4 * 1024 * 1024;
        private int concurrency = 4;
        private int maxTries = 4;

        Builder(Function<String, String> environment) {
            this.environment = environment;
        }

        /**
         * Sets where objects go: {@code az://ACCOUNT/CONTAINER[/PREFIX]}, optionally with
         * {@code ?endpoint=URL} to reach Azurite or a private cloud. Required.
         *
         * @param uri the location
         * @return this builder
         * @throws ProviderException if the URI is not of that form
         */
        public Builder location(URI uri) {
            this.location = AzureLocation.parse(Objects.requireNonNull(uri, "uri"));
            return this;
        }

        /**
         * Sets the blob service endpoint, such as {@code http://127.0.0.1:10000/devstoreaccount1} for
         * Azurite. Default: the location's {@code endpoint} parameter, else
         * {@code https://ACCOUNT.blob.core.windows.net} (or the connection string's endpoint).
         *
         * @param endpoint the endpoint URL
         * @return this builder
         */
        public Builder endpoint(URI endpoint) {
            this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
            return this;
        }

        /**
         * Authenticates with a storage connection string ({@code AccountName=...;AccountKey=...}).
         *
         * @param connectionString the connection string; never logged
         * @return this builder
         */
        public Builder connectionString(String connectionString) {
            this.connectionString = Objects.requireNonNull(connectionString, "connectionString");
            return this;
        }

        /**
         * Authenticates with the account's shared key.
         *
         * @param accountKey the base64 account key; never logged
         * @return this builder
         */
        public Builder accountKey(String accountKey) {
            this.accountKey = Objects.requireNonNull(accountKey, "accountKey");
            return this;
        }

        /**
         * Authenticates with a Microsoft Entra ID token credential, such as a
         * {@code ClientSecretCredential}.
         *
         * @param credential the credential
         * @return this builder
         */
        public Builder credential(TokenCredential credential) {
            this.credential = Objects.requireNonNull(credential, "credential");
            return this;
        }

        /**
         * Sets the size of the blocks large objects are uploaded in. Default 4 MiB. Objects smaller
         * than one block go up in a single request. One upload holds at most
         * {@code (concurrency + 1) * blockSize} bytes in memory.
         *
         * @param bytes the block size, from 64 KiB to 100 MiB
         * @return this builder
         */
        public Builder blockSize(int bytes) {
            if (bytes < 64 * 1024 || bytes > 100 * 1024 * 1024) {
                throw new IllegalArgumentException("blockSize must be between 64 KiB and 100 MiB, was " + bytes);
            }
            this.blockSize = bytes;
            return this;
        }

        /**
         * Sets how many blocks one upload stages at the same time. Default 4.
         *
         * @param blocks at least 1
         * @return this builder
         */
        public Builder concurrency(int blocks) {
            if (blocks < 1) {
                throw new IllegalArgumentException("concurrency must be at least 1, was " + blocks);
            }
            this.concurrency = blocks;
            return this;
        }

        /**
         * Sets how many times a request is tried before its failure is reported (exponential backoff
         * between tries). Default 4.
         *
         * @param tries at least 1
         * @return this builder
         */
        public Builder maxTries(int tries) {
            if (tries < 1) {
                throw new IllegalArgumentException("maxTries must be at least 1, was " + tries);
            }
            this.maxTries = tries;
            return this;
        }

        /**
         * Builds the backend. No request is made: a missing container or rejected credentials show
         * up on first use, as a {@link dev.runpilot.sdk.StorageException} naming the URI.
         *
         * @return the backend; close it to release its upload threads
         * @throws ProviderException if no location was set or the credentials are malformed
         */
        public StorageBackend build() {
            if (location == null) {
                throw new ProviderException("AzureBlobStorage.builder() needs a location: "
                        + ".location(URI.create(\"az://ACCOUNT/CONTAINER/PREFIX\"))");
            }
            AzureLocation target = endpoint == null ? location
                    : new AzureLocation(location.account(), location.container(), location.prefix(), Optional.of(endpoint));
            BlobServiceClientBuilder client = new BlobServiceClientBuilder()
                    .retryOptions(new RequestRetryOptions(RetryPolicyType.EXPONENTIAL, maxTries, (Integer) null, null,
                            null, null));
            boolean sharedKey = authenticate(client, target);
            // An explicit endpoint wins over the connection string's.
            if (connectionStringFor(target).isEmpty() || target.endpoint().isPresent()) {
                client.endpoint(target.serviceEndpoint());
            }
            BlobServiceClient service;
            try {
                service = client.buildClient();
            } catch (IllegalArgumentException | IllegalStateException e) {
                throw new ProviderException("Cannot set up Azure Blob storage " + target.toUri() + ": " + e.getMessage(), e);
            }
            LoggerFactory.getLogger(AzureBlobStorage.class).debug("Azure Blob storage {} ({})", target.toUri(),
                    sharedKey ? "shared key" : "token credential");
            return new AzureBlobStorageBackend(target, service, sharedKey, blockSize, concurrency);
        }

        private boolean authenticate(BlobServiceClientBuilder client, AzureLocation target) {
            Optional<String> connection = connectionStringFor(target);
            if (connection.isPresent()) {
                client.connectionString(connection.get());
                return parseConnectionString(connection.get()).containsKey("accountkey");
            }
            String key = accountKey != null || credential != null ? accountKey : environmentAccountKey(target);
            if (key != null) {
                client.credential(new StorageSharedKeyCredential(target.account(), key));
                return true;
            }
            TokenCredential token = credential != null ? credential : new DefaultAzureCredentialBuilder().build();
            client.credential(token);
            return false;
        }

        private Optional<String> connectionStringFor(AzureLocation target) {
            if (connectionString != null) {
                return Optional.of(connectionString);
            }
            if (accountKey != null || credential != null) {
                return Optional.empty();
            }
            String fromEnvironment = environment.apply("AZURE_STORAGE_CONNECTION_STRING");
            if (fromEnvironment == null || fromEnvironment.isBlank()) {
                return Optional.empty();
            }
            String account = parseConnectionString(fromEnvironment).get("accountname");
            return target.account().equalsIgnoreCase(account) ? Optional.of(fromEnvironment) : Optional.empty();
        }

        private String environmentAccountKey(AzureLocation target) {
            String key = environment.apply("AZURE_STORAGE_KEY");
            String account = environment.apply("AZURE_STORAGE_ACCOUNT");
            if (key == null || key.isBlank()) {
                return null;
            }
            return account == null || account.isBlank() || account.equalsIgnoreCase(target.account()) ? key : null;
        }

        private static Map<String, String> parseConnectionString(String connectionString) {
            return Arrays.stream(connectionString.split(";"))
                    .filter(part -> part.contains("="))
                    .collect(Collectors.toMap(part -> part.substring(0, part.indexOf('=')).trim().toLowerCase(Locale.ROOT),
                            part -> part.substring(part.indexOf('=') + 1).trim(), (a, b) -> b));
        }

        /** Describes the configuration without its secrets. */
        @Override
        public String toString() {
            return "AzureBlobStorage.Builder[location=" + (location == null ? "unset" : location.toUri())
                    + ", credentials=" + (connectionString != null ? "connection string" : accountKey != null
                    ? "account key" : credential != null ? "token credential" : "environment")
                    + ", blockSize=" + blockSize + ", concurrency=" + concurrency + ", maxTries=" + maxTries + "]";
        }
    }

}
