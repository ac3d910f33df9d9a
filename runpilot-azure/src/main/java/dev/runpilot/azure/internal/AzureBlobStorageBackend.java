package dev.runpilot.azure.internal;

import dev.runpilot.sdk.spi.ChecksumVerifyingInputStream;
import com.azure.core.http.rest.PagedResponse;
import com.azure.core.util.BinaryData;
import com.azure.core.util.Context;
import com.azure.storage.blob.BlobClient;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClient;
import com.azure.storage.blob.models.BlobHttpHeaders;
import com.azure.storage.blob.models.BlobItem;
import com.azure.storage.blob.models.BlobItemProperties;
import com.azure.storage.blob.models.BlobListDetails;
import com.azure.storage.blob.models.BlobProperties;
import com.azure.storage.blob.models.BlobStorageException;
import com.azure.storage.blob.models.BlockBlobItem;
import com.azure.storage.blob.models.ListBlobsOptions;
import com.azure.storage.blob.models.UserDelegationKey;
import com.azure.storage.blob.options.BlobInputStreamOptions;
import com.azure.storage.blob.options.BlockBlobSimpleUploadOptions;
import com.azure.storage.blob.sas.BlobSasPermission;
import com.azure.storage.blob.sas.BlobServiceSasSignatureValues;
import com.azure.storage.blob.specialized.BlobInputStream;
import com.azure.storage.blob.specialized.BlockBlobClient;
import dev.runpilot.sdk.StorageException;
import dev.runpilot.sdk.spi.ObjectInfo;
import dev.runpilot.sdk.spi.ObjectPage;
import dev.runpilot.sdk.spi.PresignedUrl;
import dev.runpilot.sdk.spi.StorageBackend;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps objects as block blobs in one Azure Blob Storage container, under a name prefix. Large
 * objects are cut into blocks staged in parallel ({@link BlockUpload}) and committed together with
 * their SHA-256 as blob metadata, so the checksum appears atomically with the content.
 *
 * <p>Committing a block list (or putting a whole blob) discards every other uncommitted block of
 * that blob, so two uploads to one key at the same time would break each other. Writers to one key
 * in this backend therefore take turns (a striped lock by blob name); writers in other processes
 * can still collide, and the loser fails with an error that says to retry.
 */
public final class AzureBlobStorageBackend implements StorageBackend {
    /** The blob metadata entry that holds an object's SHA-256 as lower-case hex. */
    public static final String SHA256_METADATA = "sha256";

    private static final Logger LOG = LoggerFactory.getLogger(AzureBlobStorageBackend.class);

    private final AzureLocation location;
    private final URI uri;
    private final BlobServiceClient service;
    private final BlobContainerClient container;
    private final boolean sharedKey;
    private final int blockSize;
    private final int concurrency;
    private final ExecutorService uploads;
    private final AzureFailures failures;
    private final Lock[] writeLocks = new Lock[64];

    /**
     * Creates a backend over a container.
     *
     * @param location where to store
     * @param service the blob service client, already carrying its credential
     * @param sharedKey whether the client signs with the account key (so SAS URLs are signed locally)
     * @param blockSize the size of each staged block in bytes
     * @param concurrency how many blocks one upload stages at once
     */
    public AzureBlobStorageBackend(AzureLocation location, BlobServiceClient service, boolean sharedKey, int blockSize,
                                   int concurrency) {
        this.location = location;
        this.uri = location.toUri();
        this.service = service;
        this.container = service.getBlobContainerClient(location.container());
        this.sharedKey = sharedKey;
        this.blockSize = blockSize;
        this.concurrency = concurrency;
        AtomicInteger threads = new AtomicInteger();
        this.uploads = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "runpilot-azure-upload-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.failures = new AzureFailures(uri, location);
        for (int i = 0; i < writeLocks.length; i++) {
            writeLocks[i] = new ReentrantLock();
        }
    }

    @Override
    public URI uri() {
        return uri;
    }

    @Override
    public ObjectInfo put(String key, InputStream content, String contentType) {
        Lock lock = writeLocks[Math.floorMod(location.blobName(key).hashCode(), writeLocks.length)];
        lock.lock();
        try {
            return upload(key, content, contentType);
        } finally {
            lock.unlock();
        }
    }

    private ObjectInfo upload(String key, InputStream content, String contentType) {
        BlockBlobClient blob = container.getBlobClient(location.blobName(key)).getBlockBlobClient();
        BlobHttpHeaders headers = new BlobHttpHeaders().setContentType(contentType);
        try {
            byte[] first = content.readNBytes(blockSize);
            if (first.length < blockSize) {
                MessageDigest sha256 = ChecksumVerifyingInputStream.newSha256();
                sha256.update(first);
                String hex = HexFormat.of().formatHex(sha256.digest());
                BlockBlobItem item = blob.uploadWithResponse(
                        new BlockBlobSimpleUploadOptions(BinaryData.fromBytes(first))
                                .setHeaders(headers).setMetadata(Map.of(SHA256_METADATA, hex)), null, Context.NONE)
                        .getValue();
                LOG.debug("Uploaded '{}' to {} in one request ({} bytes)", key, uri, first.length);
                return info(key, first.length, hex, contentType, item.getLastModified());
            }
            BlockUpload upload = new BlockUpload(blob, uploads, blockSize, concurrency);
            BlockUpload.Result result = upload.run(first, content, headers, SHA256_METADATA);
            LOG.debug("Uploaded '{}' to {} in {} blocks ({} bytes)", key, uri, result.blocks(), result.size());
            return info(key, result.size(), result.sha256(), contentType, result.item().getLastModified());
        } catch (IOException e) {
            throw new StorageException("Cannot write '" + key + "' to " + uri + ": reading the content failed (" + e
                    + ")", e);
        } catch (RuntimeException e) {
            throw failures.of("write", key, e);
        }
    }

    @Override
    public Optional<InputStream> get(String key) {
        BlobClient blob = container.getBlobClient(location.blobName(key));
        try {
            // The stream reads with the ETag of these properties, so content and checksum belong together.
            BlobInputStream stream = blob.openInputStream(new BlobInputStreamOptions().setBlockSize(blockSize));
            String sha256 = stream.getProperties().getMetadata().get(SHA256_METADATA);
            if (sha256 == null) {
                // Written by someone else (a SAS upload, another tool): nothing to verify against.
                return Optional.of(stream);
            }
            return Optional.of(new ChecksumVerifyingInputStream(stream, sha256, "'" + key + "' from " + uri));
        } catch (BlobStorageException e) {
            if (failures.isMissingBlob(e)) {
                return Optional.empty();
            }
            throw failures.of("read", key, e);
        } catch (RuntimeException e) {
            throw failures.of("read", key, e);
        }
    }

    @Override
    public Optional<ObjectInfo> stat(String key) {
        try {
            BlobProperties properties = container.getBlobClient(location.blobName(key)).getProperties();
            return Optional.of(info(key, properties.getBlobSize(), properties.getMetadata().get(SHA256_METADATA),
                    properties.getContentType(), properties.getLastModified()));
        } catch (BlobStorageException e) {
            if (failures.isMissingBlob(e)) {
                return Optional.empty();
            }
            throw failures.of("stat", key, e);
        } catch (RuntimeException e) {
            throw failures.of("stat", key, e);
        }
    }

    @Override
    public ObjectPage list(String prefix, String pageToken, int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1, was " + limit);
        }
        ListBlobsOptions options = new ListBlobsOptions()
                .setPrefix(location.blobName(prefix))
                .setMaxResultsPerPage(limit)
                .setDetails(new BlobListDetails().setRetrieveMetadata(true));
        try {
            String token = pageToken;
            while (true) {
                Iterator<PagedResponse<BlobItem>> pages =
                        container.listBlobs(options, token, null).iterableByPage(token, limit).iterator();
                if (!pages.hasNext()) {
                    return new ObjectPage(List.of(), Optional.empty());
                }
                PagedResponse<BlobItem> page = pages.next();
                List<ObjectInfo> objects = new ArrayList<>();
                for (BlobItem item : page.getValue()) {
                    BlobItemProperties p = item.getProperties();
                    Map<String, String> metadata = item.getMetadata() == null ? Map.of() : item.getMetadata();
                    objects.add(info(location.keyOf(item.getName()), p.getContentLength(), metadata.get(SHA256_METADATA),
                            p.getContentType(), p.getLastModified()));
                }
                token = page.getContinuationToken();
                // The service may return an empty page that still has a continuation: follow it.
                if (!objects.isEmpty() || token == null || token.isEmpty()) {
                    return new ObjectPage(objects, Optional.ofNullable(token).filter(t -> !t.isEmpty()));
                }
            }
        } catch (RuntimeException e) {
            throw failures.of("list", prefix, e);
        }
    }

    @Override
    public boolean delete(String key) {
        try {
            return container.getBlobClient(location.blobName(key)).deleteIfExists();
        } catch (RuntimeException e) {
            throw failures.of("delete", key, e);
        }
    }

    @Override
    public Optional<PresignedUrl> presign(String key, PresignedUrl.Access access, Duration validFor) {
        if (validFor.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalArgumentException("validFor must be at least one second, was " + validFor);
        }
        BlobClient blob = container.getBlobClient(location.blobName(key));
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        OffsetDateTime expiry = now.plus(validFor);
        BlobSasPermission permission = access == PresignedUrl.Access.READ
                ? new BlobSasPermission().setReadPermission(true)
                : new BlobSasPermission().setCreatePermission(true).setWritePermission(true);
        BlobServiceSasSignatureValues values = new BlobServiceSasSignatureValues(expiry, permission);
        try {
            String sas;
            if (sharedKey) {
                sas = blob.generateSas(values);
            } else {
                // Token credentials cannot sign: ask the service for a user delegation key instead.
                UserDelegationKey delegationKey = service.getUserDelegationKey(now.minusMinutes(5), expiry);
                sas = blob.generateUserDelegationSas(values, delegationKey);
            }
            Map<String, String> headers = access == PresignedUrl.Access.WRITE
                    ? Map.of("x-ms-blob-type", "BlockBlob") : Map.of();
            return Optional.of(new PresignedUrl(URI.create(blob.getBlobUrl() + "?" + sas), access, expiry.toInstant(),
                    headers));
        } catch (RuntimeException e) {
            throw failures.of("presign", key, e);
        }
    }

    @Override
    public void close() {
        uploads.shutdownNow();
    }

    @Override
    public String toString() {
        return "AzureBlobStorageBackend[" + uri + "]";
    }

    private static ObjectInfo info(String key, long size, String sha256, String contentType, OffsetDateTime modified) {
        return new ObjectInfo(key, size, Optional.ofNullable(sha256), Optional.ofNullable(contentType),
                modified == null ? Instant.now() : modified.toInstant());
    }
}
