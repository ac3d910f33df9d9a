package dev.runpilot.aws.internal;

import dev.runpilot.aws.S3Storage;
import dev.runpilot.sdk.StorageException;
import dev.runpilot.sdk.spi.ChecksumVerifyingInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.CopyObjectRequest;
import software.amazon.awssdk.services.s3.model.CreateMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.MetadataDirective;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;

/**
 * Writes one object. Content that fits in one part goes up in a single {@code PutObject} carrying
 * its SHA-256 as {@code x-amz-meta-sha256}. Larger content is read part by part (at most
 * {@code uploadConcurrency} part buffers exist at once; reading waits for a free one) and uploaded
 * in parallel as a multipart upload to a hidden staging key, {@code <prefix>.rp-uploads/<uuid>}; the
 * SHA-256 is computed as the parts are read. Once complete, the staging object is copied server-side
 * to the real key with the SHA-256 in its metadata, and removed.
 *
 * <p>Why staging and a copy: S3 takes user metadata only when an upload starts, and the SHA-256 of a
 * streamed object is known only at its end. Copying onto the real key keeps {@code put}'s promise
 * that readers see either the previous object or the whole new one, never one without its
 * checksum, and concurrent writers each land a whole object with its own checksum. The price is a
 * server-side copy (no bytes cross the network again). A failed upload is aborted and its staging
 * object removed; a crashed process can leave staging uploads behind, which a bucket lifecycle rule
 * ({@code AbortIncompleteMultipartUpload}, and expiry under {@code .rp-uploads/}) cleans up.
 */
final class S3Uploader {
    static final String STAGING = ".rp-uploads/";
    private static final long MAX_COPY_OBJECT = 5L * 1024 * 1024 * 1024;
    private static final long COPY_PART_SIZE = 512L * 1024 * 1024;

    private final S3Settings settings;
    private final S3Clients clients;
    private final ExecutorService pool;

    S3Uploader(S3Settings settings, S3Clients clients, ExecutorService pool) {
        this.settings = settings;
        this.clients = clients;
        this.pool = pool;
    }

    /** The object's SHA-256 and size once written. */
    record Written(String sha256, long size) {
    }

    Written upload(String key, InputStream content, String contentType) throws IOException {
        String objectKey = settings.prefix() + key;
        int partSize = (int) Math.min(settings.partSize(), Integer.MAX_VALUE - 16);
        byte[] first = content.readNBytes(partSize);
        MessageDigest sha256 = ChecksumVerifyingInputStream.newSha256();
        if (first.length < partSize) {
            sha256.update(first);
            String digest = HexFormat.of().formatHex(sha256.digest());
            PutObjectRequest.Builder request = PutObjectRequest.builder().bucket(settings.bucket()).key(objectKey)
                    .contentType(contentType).metadata(Map.of("sha256", digest));
            encrypt(request);
            clients.client().putObject(request.build(), body(first, first.length));
            return new Written(digest, first.length);
        }
        return uploadInParts(key, objectKey, first, content, contentType, sha256);
    }

    private Written uploadInParts(String key, String objectKey, byte[] first, InputStream content, String contentType,
                                  MessageDigest sha256) throws IOException {
        S3Client s3 = clients.client();
        String staging = settings.prefix() + STAGING + UUID.randomUUID();
        CreateMultipartUploadRequest.Builder create = CreateMultipartUploadRequest.builder()
                .bucket(settings.bucket()).key(staging).contentType(contentType);
        encryptUpload(create);
        String uploadId = s3.createMultipartUpload(create.build()).uploadId();
        boolean completed = false;
        List<Future<CompletedPart>> parts = new ArrayList<>();
        try {
            BlockingQueue<byte[]> free = new ArrayBlockingQueue<>(settings.uploadConcurrency());
            int allocated = 1;
            byte[] buffer = first;
            int length = first.length;
            long size = 0;
            int partNumber = 1;
            while (length > 0) {
                sha256.update(buffer, 0, length);
                size += length;
                parts.add(submitPart(s3, staging, uploadId, partNumber++, buffer, length, free));
                failFast(parts);
                if (length < first.length) {
                    break;
                }
                buffer = free.poll();
                if (buffer == null) {
                    if (allocated < settings.uploadConcurrency()) {
                        buffer = new byte[first.length];
                        allocated++;
                    } else {
                        buffer = free.take();
                    }
                }
                length = content.readNBytes(buffer, 0, buffer.length);
            }
            List<CompletedPart> done = new ArrayList<>();
            for (Future<CompletedPart> part : parts) {
                done.add(part.get());
            }
            s3.completeMultipartUpload(b -> b.bucket(settings.bucket()).key(staging).uploadId(uploadId)
                    .multipartUpload(m -> m.parts(done)));
            completed = true;
            String digest = HexFormat.of().formatHex(sha256.digest());
            copyWithChecksum(s3, staging, objectKey, contentType, digest, size);
            return new Written(digest, size);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("Interrupted while writing '" + key + "' to " + settings.baseUri());
        } catch (ExecutionException e) {
            if (e.getCause() instanceof SdkException sdk) {
                throw sdk;
            }
            throw new IOException("A part upload of '" + key + "' to " + settings.baseUri() + " failed: " + e.getCause(),
                    e.getCause());
        } finally {
            parts.forEach(part -> part.cancel(true));
            if (!completed) {
                abortQuietly(s3, staging, uploadId);
            } else {
                deleteQuietly(s3, staging);
            }
        }
    }

    private Future<CompletedPart> submitPart(S3Client s3, String staging, String uploadId, int partNumber, byte[] buffer,
                                             int length, BlockingQueue<byte[]> free) {
        return pool.submit(() -> {
            try {
                String etag = s3.uploadPart(b -> b.bucket(settings.bucket()).key(staging).uploadId(uploadId)
                        .partNumber(partNumber).contentLength((long) length), body(buffer, length)).eTag();
                return CompletedPart.builder().partNumber(partNumber).eTag(etag).build();
            } finally {
                free.offer(buffer);
            }
        });
    }

    /** Stops reading more parts as soon as one has failed. */
    private static void failFast(List<Future<CompletedPart>> parts) throws ExecutionException, InterruptedException {
        for (Future<CompletedPart> part : parts) {
            if (part.isDone()) {
                part.get();
            }
        }
    }

    private void copyWithChecksum(S3Client s3, String staging, String objectKey, String contentType, String digest,
                                  long size) {
        Map<String, String> metadata = Map.of("sha256", digest);
        if (size <= MAX_COPY_OBJECT) {
            CopyObjectRequest.Builder copy = CopyObjectRequest.builder()
                    .sourceBucket(settings.bucket()).sourceKey(staging)
                    .destinationBucket(settings.bucket()).destinationKey(objectKey)
                    .metadataDirective(MetadataDirective.REPLACE).metadata(metadata).contentType(contentType);
            if (settings.encryption() == S3Storage.Encryption.SSE_S3) {
                copy.serverSideEncryption(ServerSideEncryption.AES256);
            } else if (settings.encryption() == S3Storage.Encryption.SSE_KMS) {
                copy.serverSideEncryption(ServerSideEncryption.AWS_KMS);
                settings.kmsKeyId().ifPresent(copy::ssekmsKeyId);
            }
            s3.copyObject(copy.build());
            return;
        }
        // CopyObject stops at 5 GiB: larger objects are copied as a multipart upload of ranges.
        CreateMultipartUploadRequest.Builder create = CreateMultipartUploadRequest.builder()
                .bucket(settings.bucket()).key(objectKey).contentType(contentType).metadata(metadata);
        encryptUpload(create);
        String uploadId = s3.createMultipartUpload(create.build()).uploadId();
        boolean completed = false;
        try {
            List<CompletedPart> parts = new ArrayList<>();
            int partNumber = 1;
            for (long start = 0; start < size; start += COPY_PART_SIZE) {
                String range = "bytes=" + start + "-" + (Math.min(start + COPY_PART_SIZE, size) - 1);
                int number = partNumber++;
                String etag = s3.uploadPartCopy(b -> b.sourceBucket(settings.bucket()).sourceKey(staging)
                        .destinationBucket(settings.bucket()).destinationKey(objectKey).uploadId(uploadId)
                        .partNumber(number).copySourceRange(range)).copyPartResult().eTag();
                parts.add(CompletedPart.builder().partNumber(number).eTag(etag).build());
            }
            s3.completeMultipartUpload(b -> b.bucket(settings.bucket()).key(objectKey).uploadId(uploadId)
                    .multipartUpload(m -> m.parts(parts)));
            completed = true;
        } finally {
            if (!completed) {
                abortQuietly(s3, objectKey, uploadId);
            }
        }
    }

    private void encrypt(PutObjectRequest.Builder request) {
        if (settings.encryption() == S3Storage.Encryption.SSE_S3) {
            request.serverSideEncryption(ServerSideEncryption.AES256);
        } else if (settings.encryption() == S3Storage.Encryption.SSE_KMS) {
            request.serverSideEncryption(ServerSideEncryption.AWS_KMS);
            settings.kmsKeyId().ifPresent(request::ssekmsKeyId);
        }
    }

    private void encryptUpload(CreateMultipartUploadRequest.Builder request) {
        if (settings.encryption() == S3Storage.Encryption.SSE_S3) {
            request.serverSideEncryption(ServerSideEncryption.AES256);
        } else if (settings.encryption() == S3Storage.Encryption.SSE_KMS) {
            request.serverSideEncryption(ServerSideEncryption.AWS_KMS);
            settings.kmsKeyId().ifPresent(request::ssekmsKeyId);
        }
    }

    /** A body over part of an array, re-readable for retries and signing without copying the bytes. */
    private static RequestBody body(byte[] bytes, int length) {
        return RequestBody.fromContentProvider(() -> new ByteArrayInputStream(bytes, 0, length), length,
                "application/octet-stream");
    }

    private void abortQuietly(S3Client s3, String key, String uploadId) {
        try {
            s3.abortMultipartUpload(b -> b.bucket(settings.bucket()).key(key).uploadId(uploadId));
        } catch (SdkException | StorageException ignored) {
            // Best effort: a lifecycle rule for incomplete multipart uploads removes what is left.
        }
    }

    private void deleteQuietly(S3Client s3, String key) {
        try {
            s3.deleteObject(b -> b.bucket(settings.bucket()).key(key));
        } catch (SdkException | StorageException ignored) {
            // Best effort: the staging prefix is hidden from listings.
        }
    }
}
