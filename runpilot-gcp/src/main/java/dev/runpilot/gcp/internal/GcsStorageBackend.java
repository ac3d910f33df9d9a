package dev.runpilot.gcp.internal;

import dev.runpilot.sdk.spi.ChecksumVerifyingInputStream;
import com.google.api.gax.paging.Page;
import com.google.auth.ServiceAccountSigner;
import com.google.cloud.ReadChannel;
import com.google.cloud.storage.Blob;
import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.BlobInfo;
import com.google.cloud.storage.BlobWriteSession;
import com.google.cloud.storage.HttpMethod;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.Storage.BlobListOption;
import com.google.cloud.storage.Storage.BlobTargetOption;
import com.google.cloud.storage.Storage.BlobWriteOption;
import com.google.cloud.storage.Storage.SignUrlOption;
import dev.runpilot.sdk.StorageException;
import dev.runpilot.sdk.spi.ObjectInfo;
import dev.runpilot.sdk.spi.ObjectPage;
import dev.runpilot.sdk.spi.PresignedUrl;
import dev.runpilot.sdk.spi.StorageBackend;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URL;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.WritableByteChannel;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps objects in one Cloud Storage bucket under a name prefix. Uploads are resumable (sent in
 * chunks, never the whole object in memory); the SHA-256 is computed on the way and set as the
 * object's custom metadata once the upload is complete, guarded by the object's generation so it is
 * never attached to another writer's bytes. Reads pin the generation whose metadata they verify.
 *
 * <p>Until the metadata update lands (one request after the upload) the object has no SHA-256:
 * {@link #stat} reports none and {@link #get} cannot verify it. Writers to one key in this backend
 * take turns (a striped lock by object name), which also covers servers that ignore generation
 * preconditions, such as the emulator.
 *
 * <p>The client reports any 404 of an object read as "no object", so {@link #get} and {@link #stat}
 * in a bucket that does not exist return empty; writes and listings report the missing bucket.
 */
public final class GcsStorageBackend implements StorageBackend {
    /** The custom metadata entry that holds an object's SHA-256 as lower-case hex. */
    public static final String SHA256_METADATA = "sha256";

    private static final Logger LOG = LoggerFactory.getLogger(GcsStorageBackend.class);
    private static final int COPY_BUFFER = 256 * 1024;
    /** Objects up to this size go through {@link #smallObjects}, whose uploads buffer only this much. */
    public static final int SMALL_OBJECT_BYTES = 1024 * 1024;

    private final GcsLocation location;
    private final URI uri;
    private final Storage storage;
    private final Storage smallObjects;
    private final Optional<ServiceAccountSigner> signer;
    private final boolean anonymous;
    private final GcsFailures failures;
    private final Lock[] writeLocks = new Lock[64];

    /**
     * Creates a backend over a bucket.
     *
     * @param location where to store
     * @param storage the client, already configured with credentials and endpoint
     * @param smallObjects the same client with an upload chunk of {@link #SMALL_OBJECT_BYTES}: every
     *     upload session allocates a whole chunk, so small objects (the common case: logs, metrics)
     *     would otherwise cost a full chunk each
     * @param signer what signs URLs, if anything can
     * @param anonymous whether the client has no credentials (an emulator): then no URLs are signed
     *     unless a signer was given
     */
    public GcsStorageBackend(GcsLocation location, Storage storage, Storage smallObjects,
                             Optional<ServiceAccountSigner> signer, boolean anonymous) {
        this.location = location;
        this.uri = location.toUri();
        this.storage = storage;
        this.smallObjects = smallObjects;
        this.signer = signer;
        this.anonymous = anonymous;
        this.failures = new GcsFailures(uri, location, storage.getOptions().getHost());
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
        String name = location.objectName(key);
        Lock lock = writeLocks[Math.floorMod(name.hashCode(), writeLocks.length)];
        lock.lock();
        try {
            return upload(key, name, content, contentType);
        } finally {
            lock.unlock();
        }
    }

    private ObjectInfo upload(String key, String name, InputStream content, String contentType) {
        BlobInfo target = BlobInfo.newBuilder(BlobId.of(location.bucket(), name)).setContentType(contentType).build();
        BlobWriteOption[] options = location.kmsKeyName().map(k -> new BlobWriteOption[] {BlobWriteOption.kmsKeyName(k)})
                .orElse(new BlobWriteOption[0]);
        MessageDigest sha256 = ChecksumVerifyingInputStream.newSha256();
        long size = 0;
        BlobInfo written;
        try {
            byte[] first = content.readNBytes(SMALL_OBJECT_BYTES);
            boolean small = first.length < SMALL_OBJECT_BYTES;
            BlobWriteSession session = (small ? smallObjects : storage).blobWriteSession(target, options);
            try (WritableByteChannel channel = session.open()) {
                sha256.update(first);
                ByteBuffer head = ByteBuffer.wrap(first);
                while (head.hasRemaining()) {
                    channel.write(head);
                }
                size = first.length;
                byte[] buffer = new byte[COPY_BUFFER];
                int n;
                while (!small && (n = content.read(buffer)) != -1) {
                    sha256.update(buffer, 0, n);
                    ByteBuffer bytes = ByteBuffer.wrap(buffer, 0, n);
                    while (bytes.hasRemaining()) {
                        channel.write(bytes);
                    }
                    size += n;
                }
            }
            written = session.getResult().get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StorageException("Interrupted while writing '" + key + "' to " + uri, e);
        } catch (IOException | ExecutionException | RuntimeException e) {
            throw failures.of("write", key, e);
        }
        String hex = HexFormat.of().formatHex(sha256.digest());
        Blob updated;
        try {
            // The generation precondition keeps this checksum off bytes another writer put there since.
            updated = storage.update(written.toBuilder().setMetadata(Map.of(SHA256_METADATA, hex)).build(),
                    BlobTargetOption.generationMatch());
        } catch (com.google.cloud.storage.StorageException e) {
            if (e.getCode() == 412) {
                LOG.debug("'{}' in {} was replaced by another writer before its checksum was set", key, uri);
                return info(key, size, hex, contentType, written.getUpdateTimeOffsetDateTime());
            }
            throw failures.of("write", key, e);
        } catch (RuntimeException e) {
            throw failures.of("write", key, e);
        }
        LOG.debug("Uploaded '{}' to {} ({} bytes)", key, uri, size);
        return info(key, size, hex, contentType, updated.getUpdateTimeOffsetDateTime());
    }

    @Override
    public Optional<InputStream> get(String key) {
        try {
            Blob blob = storage.get(BlobId.of(location.bucket(), location.objectName(key)));
            if (blob == null) {
                return Optional.empty();
            }
            // Read exactly the generation whose checksum was just looked up.
            ReadChannel reader = storage.reader(blob.getBlobId());
            InputStream stream = Channels.newInputStream(reader);
            String sha256 = blob.getMetadata() == null ? null : blob.getMetadata().get(SHA256_METADATA);
            if (sha256 == null) {
                // Written by someone else (a signed-URL upload, another tool): nothing to verify against.
                return Optional.of(stream);
            }
            return Optional.of(new ChecksumVerifyingInputStream(stream, sha256, "'" + key + "' from " + uri));
        } catch (com.google.cloud.storage.StorageException e) {
            if (e.getCode() == 404 && !GcsFailures.isMissingBucket(e)) {
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
            Blob blob = storage.get(BlobId.of(location.bucket(), location.objectName(key)));
            return Optional.ofNullable(blob).map(this::info);
        } catch (com.google.cloud.storage.StorageException e) {
            if (e.getCode() == 404 && !GcsFailures.isMissingBucket(e)) {
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
        try {
            String token = pageToken;
            while (true) {
                List<BlobListOption> options = new ArrayList<>(List.of(
                        BlobListOption.prefix(location.objectName(prefix)), BlobListOption.pageSize(limit)));
                if (token != null) {
                    options.add(BlobListOption.pageToken(token));
                }
                Page<Blob> page = storage.list(location.bucket(), options.toArray(BlobListOption[]::new));
                List<ObjectInfo> objects = new ArrayList<>();
                for (Blob blob : page.getValues()) {
                    objects.add(info(blob));
                }
                token = page.getNextPageToken();
                // A service may return an empty page that still has a next token: follow it.
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
            return storage.delete(BlobId.of(location.bucket(), location.objectName(key)));
        } catch (RuntimeException e) {
            throw failures.of("delete", key, e);
        }
    }

    /**
     * Returns a V4 signed URL. Empty when the backend runs without credentials (an emulator) and no
     * signer was configured.
     *
     * @throws StorageException when the credentials cannot sign (user credentials): signed URLs need a
     *     service account key, or a service account identity with the Service Account Token Creator role
     */
    @Override
    public Optional<PresignedUrl> presign(String key, PresignedUrl.Access access, Duration validFor) {
        if (validFor.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalArgumentException("validFor must be at least one second, was " + validFor);
        }
        if (signer.isEmpty() && anonymous) {
            return Optional.empty();
        }
        List<SignUrlOption> options = new ArrayList<>(List.of(SignUrlOption.withV4Signature(),
                SignUrlOption.httpMethod(access == PresignedUrl.Access.READ ? HttpMethod.GET : HttpMethod.PUT)));
        signer.ifPresent(s -> options.add(SignUrlOption.signWith(s)));
        location.endpoint().ifPresent(e -> options.add(SignUrlOption.withHostName(e.toString())));
        Instant expiresAt = Instant.now().plus(validFor);
        try {
            URL url = storage.signUrl(BlobInfo.newBuilder(location.bucket(), location.objectName(key)).build(),
                    validFor.toSeconds(), TimeUnit.SECONDS, options.toArray(SignUrlOption[]::new));
            return Optional.of(new PresignedUrl(url.toURI(), access, expiresAt, Map.of()));
        } catch (IllegalStateException e) {
            throw new StorageException("Cannot sign a URL for '" + key + "' in " + uri + ": the credentials cannot "
                    + "sign (" + e.getMessage() + "). Use a service account (key file or attached identity with the "
                    + "Service Account Token Creator role), or pass GcsStorage.builder().urlSigner(...).", e);
        } catch (java.net.URISyntaxException | RuntimeException e) {
            throw failures.of("presign", key, e);
        }
    }

    @Override
    public void close() {
        try {
            storage.close();
            smallObjects.close();
        } catch (Exception e) {
            LOG.debug("Closing the Cloud Storage client of {} failed", uri, e);
        }
    }

    @Override
    public String toString() {
        return "GcsStorageBackend[" + uri + "]";
    }

    private ObjectInfo info(Blob blob) {
        String sha256 = blob.getMetadata() == null ? null : blob.getMetadata().get(SHA256_METADATA);
        return info(location.keyOf(blob.getName()), blob.getSize() == null ? 0 : blob.getSize(), sha256,
                blob.getContentType(), blob.getUpdateTimeOffsetDateTime());
    }

    private static ObjectInfo info(String key, long size, String sha256, String contentType,
                                   java.time.OffsetDateTime updated) {
        return new ObjectInfo(key, size, Optional.ofNullable(sha256), Optional.ofNullable(contentType),
                updated == null ? Instant.now() : updated.toInstant());
    }
}
