package dev.runpilot.azure.internal;

import dev.runpilot.sdk.spi.ChecksumVerifyingInputStream;
import com.azure.core.util.BinaryData;
import com.azure.core.util.Context;
import com.azure.storage.blob.models.BlobHttpHeaders;
import com.azure.storage.blob.models.BlockBlobItem;
import com.azure.storage.blob.options.BlockBlobCommitBlockListOptions;
import com.azure.storage.blob.specialized.BlockBlobClient;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;

/**
 * One streaming block-blob upload: reads the content a block at a time, stages up to
 * {@code concurrency} blocks at once, and commits the block list with the content type and the
 * SHA-256 computed on the way. At most {@code concurrency + 1} blocks are in memory. Blocks staged
 * by an upload that fails are never committed; the service discards them after a week.
 */
final class BlockUpload {
    private final BlockBlobClient blob;
    private final ExecutorService executor;
    private final int blockSize;
    private final Semaphore inFlight;
    private final String uploadId = UUID.randomUUID().toString();

    /** What the upload stored. */
    record Result(long size, String sha256, int blocks, BlockBlobItem item) {
    }

    BlockUpload(BlockBlobClient blob, ExecutorService executor, int blockSize, int concurrency) {
        this.blob = blob;
        this.executor = executor;
        this.blockSize = blockSize;
        this.inFlight = new Semaphore(concurrency);
    }

    Result run(byte[] first, InputStream rest, BlobHttpHeaders headers, String shaMetadataName) throws IOException {
        MessageDigest sha256 = ChecksumVerifyingInputStream.newSha256();
        List<String> blockIds = new ArrayList<>();
        List<Future<?>> staged = new ArrayList<>();
        long size = 0;
        try {
            byte[] block = first;
            while (block.length > 0) {
                sha256.update(block);
                size += block.length;
                String blockId = blockId(blockIds.size());
                blockIds.add(blockId);
                inFlight.acquire();
                byte[] bytes = block;
                staged.add(executor.submit(() -> {
                    try {
                        blob.stageBlock(blockId, BinaryData.fromBytes(bytes));
                    } finally {
                        inFlight.release();
                    }
                }));
                failFast(staged);
                block = block.length < blockSize ? new byte[0] : rest.readNBytes(blockSize);
            }
            for (Future<?> future : staged) {
                future.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            staged.forEach(f -> f.cancel(true));
            throw new InterruptedIOException("Interrupted while uploading blocks");
        } catch (ExecutionException e) {
            staged.forEach(f -> f.cancel(true));
            throw asRuntime(e.getCause());
        } catch (IOException | RuntimeException e) {
            staged.forEach(f -> f.cancel(true));
            throw e;
        }
        String hex = HexFormat.of().formatHex(sha256.digest());
        BlockBlobItem item = blob.commitBlockListWithResponse(new BlockBlobCommitBlockListOptions(blockIds)
                .setHeaders(headers).setMetadata(Map.of(shaMetadataName, hex)), null, Context.NONE).getValue();
        return new Result(size, hex, blockIds.size(), item);
    }

    private static void failFast(List<Future<?>> staged) throws ExecutionException, InterruptedException {
        for (Future<?> future : staged) {
            if (future.isDone() && !future.isCancelled()) {
                future.get();
            }
        }
    }

    private static RuntimeException asRuntime(Throwable cause) {
        if (cause instanceof RuntimeException runtime) {
            return runtime;
        }
        if (cause instanceof Error error) {
            throw error;
        }
        return new IllegalStateException("Staging a block failed: " + cause, cause);
    }

    private String blockId(int index) {
        // Every block ID of a blob must have the same length; a per-upload prefix keeps concurrent
        // uploads to one blob from committing each other's blocks.
        String id = uploadId + "-" + String.format("%06d", index);
        return Base64.getEncoder().encodeToString(id.getBytes(StandardCharsets.US_ASCII));
    }
}
