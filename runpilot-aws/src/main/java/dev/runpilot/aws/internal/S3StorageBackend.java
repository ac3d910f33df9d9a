package dev.runpilot.aws.internal;

import dev.runpilot.sdk.StorageException;
import dev.runpilot.sdk.spi.ChecksumVerifyingInputStream;
import dev.runpilot.sdk.spi.ObjectInfo;
import dev.runpilot.sdk.spi.ObjectPage;
import dev.runpilot.sdk.spi.PresignedUrl;
import dev.runpilot.sdk.spi.StorageBackend;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.model.Delete;
import software.amazon.awssdk.services.s3.model.DeleteObjectsResponse;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.awscore.presigner.PresignedRequest;

/**
 * Keeps objects in an S3 bucket under a key prefix: key {@code a/b.log} of {@code s3://bucket/runs}
 * is the S3 object {@code runs/a/b.log}. Each object carries its SHA-256 as user metadata
 * ({@code x-amz-meta-sha256}); reads verify it. Objects without it (written through a presigned URL,
 * or by other tools) are served unverified and stat without a digest. Listings come from
 * {@code ListObjectsV2} and carry size and time only; {@link #stat} has the SHA-256 and content type.
 * Writing is {@link S3Uploader}'s job; clients and region detection are {@link S3Clients}'.
 */
public final class S3StorageBackend implements StorageBackend {
    private static final Duration MAX_PRESIGN = Duration.ofDays(7);
    private static final AtomicInteger THREADS = new AtomicInteger();

    private final S3Settings settings;
    private final URI uri;
    private final S3Clients clients;
    private final ExecutorService uploads;
    private final S3Uploader uploader;

    public S3StorageBackend(S3Settings settings) {
        this.settings = settings;
        this.uri = settings.baseUri();
        this.clients = new S3Clients(settings);
        this.uploads = Executors.newCachedThreadPool(task -> {
            Thread thread = new Thread(task, "runpilot-s3-upload-" + THREADS.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        this.uploader = new S3Uploader(settings, clients, uploads);
    }

    @Override
    public URI uri() {
        return uri;
    }

    /** The bucket's region, detected on first use. */
    String bucketRegion() {
        return clients.bucketRegion().id();
    }

    @Override
    public ObjectInfo put(String key, InputStream content, String contentType) {
        checkKey(key);
        try {
            S3Uploader.Written written = uploader.upload(key, content, contentType);
            return new ObjectInfo(key, written.size(), Optional.of(written.sha256()), Optional.of(contentType),
                    Instant.now());
        } catch (SdkException e) {
            throw S3Errors.translate("write", settings, key, e);
        } catch (IOException e) {
            throw new StorageException("Cannot write '" + key + "' to " + uri + ": " + e, e);
        }
    }

    @Override
    public Optional<InputStream> get(String key) {
        checkKey(key);
        ResponseInputStream<GetObjectResponse> in;
        try {
            in = clients.client().getObject(b -> b.bucket(settings.bucket()).key(objectKey(key)));
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        } catch (S3Exception e) {
            if (e.statusCode() == 404 && !isNoSuchBucket(e)) {
                return Optional.empty();
            }
            throw S3Errors.translate("read", settings, key, e);
        } catch (SdkException e) {
            throw S3Errors.translate("read", settings, key, e);
        }
        String sha256 = in.response().metadata().get("sha256");
        if (sha256 == null) {
            return Optional.of(in);
        }
        return Optional.of(new ChecksumVerifyingInputStream(in, sha256, "'" + key + "' in " + uri));
    }

    @Override
    public Optional<ObjectInfo> stat(String key) {
        checkKey(key);
        try {
            HeadObjectResponse head = clients.client().headObject(b -> b.bucket(settings.bucket()).key(objectKey(key)));
            return Optional.of(new ObjectInfo(key, head.contentLength(),
                    Optional.ofNullable(head.metadata().get("sha256")), Optional.ofNullable(head.contentType()),
                    head.lastModified()));
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return Optional.empty();
            }
            throw S3Errors.translate("stat", settings, key, e);
        } catch (SdkException e) {
            throw S3Errors.translate("stat", settings, key, e);
        }
    }

    @Override
    public ObjectPage list(String prefix, String pageToken, int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1, was " + limit);
        }
        try {
            ListObjectsV2Response page = clients.client().listObjectsV2(b -> b.bucket(settings.bucket())
                    .prefix(settings.prefix() + prefix).maxKeys(Math.min(limit, 1000)).continuationToken(pageToken));
            List<ObjectInfo> objects = new ArrayList<>();
            for (S3Object object : page.contents()) {
                String key = object.key().substring(settings.prefix().length());
                if (key.startsWith(S3Uploader.STAGING)) {
                    continue;
                }
                objects.add(new ObjectInfo(key, object.size(), Optional.empty(), Optional.empty(), object.lastModified()));
            }
            return new ObjectPage(objects, Boolean.TRUE.equals(page.isTruncated())
                    ? Optional.ofNullable(page.nextContinuationToken()) : Optional.empty());
        } catch (SdkException e) {
            throw S3Errors.translate("list '" + prefix + "' in", settings, null, e);
        }
    }

    @Override
    public boolean delete(String key) {
        checkKey(key);
        boolean existed = stat(key).isPresent();
        try {
            clients.client().deleteObject(b -> b.bucket(settings.bucket()).key(objectKey(key)));
            return existed;
        } catch (SdkException e) {
            throw S3Errors.translate("delete", settings, key, e);
        }
    }

    @Override
    public long deletePrefix(String prefix) {
        if (prefix.isEmpty()) {
            throw new IllegalArgumentException("deletePrefix needs a non-empty prefix; refusing to delete everything in " + uri);
        }
        long deleted = 0;
        String token = null;
        try {
            do {
                String current = token;
                ListObjectsV2Response page = clients.client().listObjectsV2(b -> b.bucket(settings.bucket())
                        .prefix(settings.prefix() + prefix).maxKeys(1000).continuationToken(current));
                List<ObjectIdentifier> keys = page.contents().stream()
                        .map(o -> ObjectIdentifier.builder().key(o.key()).build()).toList();
                if (!keys.isEmpty()) {
                    DeleteObjectsResponse response = clients.client().deleteObjects(b -> b.bucket(settings.bucket())
                            .delete(Delete.builder().objects(keys).quiet(true).build()));
                    if (!response.errors().isEmpty()) {
                        throw new StorageException("Cannot delete " + response.errors().size() + " objects under '" + prefix
                                + "' in " + uri + ", for example '" + response.errors().get(0).key() + "': "
                                + response.errors().get(0).code() + " " + response.errors().get(0).message());
                    }
                    deleted += keys.size();
                }
                token = Boolean.TRUE.equals(page.isTruncated()) ? page.nextContinuationToken() : null;
            } while (token != null);
            return deleted;
        } catch (SdkException e) {
            throw S3Errors.translate("delete prefix '" + prefix + "' in", settings, null, e);
        }
    }

    @Override
    public Optional<PresignedUrl> presign(String key, PresignedUrl.Access access, Duration validFor) {
        checkKey(key);
        if (validFor.compareTo(Duration.ofSeconds(1)) < 0 || validFor.compareTo(MAX_PRESIGN) > 0) {
            throw new IllegalArgumentException("A presigned S3 URL is valid for 1 second to 7 days, not " + validFor
                    + " ('" + key + "' in " + uri + ")");
        }
        try {
            PresignedRequest request = switch (access) {
                case READ -> clients.presigner().presignGetObject(p -> p.signatureDuration(validFor)
                        .getObjectRequest(g -> g.bucket(settings.bucket()).key(objectKey(key))));
                case WRITE -> clients.presigner().presignPutObject(p -> p.signatureDuration(validFor)
                        .putObjectRequest(put -> {
                            put.bucket(settings.bucket()).key(objectKey(key));
                            switch (settings.encryption()) {
                                case SSE_S3 -> put.serverSideEncryption("AES256");
                                case SSE_KMS -> {
                                    put.serverSideEncryption("aws:kms");
                                    settings.kmsKeyId().ifPresent(put::ssekmsKeyId);
                                }
                                default -> { }
                            }
                        }));
            };
            Map<String, String> headers = request.signedHeaders().entrySet().stream()
                    .filter(h -> !h.getKey().equalsIgnoreCase("host"))
                    .collect(Collectors.toMap(Map.Entry::getKey, h -> String.join(",", h.getValue())));
            return Optional.of(new PresignedUrl(request.url().toURI(), access, request.expiration(), headers));
        } catch (SdkException e) {
            throw S3Errors.translate("presign", settings, key, e);
        } catch (java.net.URISyntaxException e) {
            throw new StorageException("S3 presigned an unusable URL for '" + key + "' in " + uri + ": " + e, e);
        }
    }

    private String objectKey(String key) {
        return settings.prefix() + key;
    }

    private void checkKey(String key) {
        if (key.isEmpty() || key.startsWith("/")) {
            throw new IllegalArgumentException("Invalid storage key '" + key + "': keys are relative '/'-separated paths");
        }
        for (String segment : key.split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                throw new IllegalArgumentException("Invalid storage key '" + key + "': empty, '.' and '..' segments are not allowed");
            }
        }
        if (key.startsWith(S3Uploader.STAGING)) {
            throw new IllegalArgumentException("Invalid storage key '" + key + "': '" + S3Uploader.STAGING
                    + "' is reserved for uploads in progress in " + uri);
        }
    }

    private static boolean isNoSuchBucket(S3Exception e) {
        return e.awsErrorDetails() != null && "NoSuchBucket".equals(e.awsErrorDetails().errorCode());
    }

    @Override
    public void close() {
        uploads.shutdownNow();
        clients.close();
    }

    @Override
    public String toString() {
        return "S3StorageBackend{" + settings + '}';
    }
}
