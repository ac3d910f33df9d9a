package dev.runpilot.benchmarks;

import com.azure.storage.blob.BlobClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.google.cloud.NoCredentials;
import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.BlobInfo;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.StorageOptions;
import dev.runpilot.azure.AzureBlobStorage;
import dev.runpilot.gcp.GcsStorage;
import dev.runpilot.sdk.spi.StorageBackend;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import java.util.Random;

/**
 * Upload and download of one large bundle through the {@code gs} and {@code az} backends, against
 * the plain vendor SDK call on the same server in the same run: {@code Storage.createFrom(BlobInfo,
 * Path)} / {@code downloadTo} for Cloud Storage, {@code BlobClient.uploadFromFile} /
 * {@code downloadToFile} (the SDK's own parallel block transfer) for Azure. The difference is what
 * RunPilot adds: streaming from any InputStream, the SHA-256 computed on the way and kept as
 * metadata, and its verification on read. Best of the rounds; ratio = RunPilot time / SDK time.
 *
 * <p>Run: {@code java -cp runpilot-benchmarks/target/benchmarks.jar dev.runpilot.benchmarks.CloudStorageBenchmark
 * [--size-mib N] [--rounds N] --gcs-endpoint URL --azurite-endpoint URL} (docs/BENCHMARKS.md has the
 * whole command with the emulators started).
 */
public final class CloudStorageBenchmark {
    private static final String AZURITE_KEY =
            "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private CloudStorageBenchmark() {
    }

    /** A way to move the bundle up and down. */
    private interface Transfer {
        void upload(Path file) throws Exception;

        void download(Path file) throws Exception;
    }

    public static void main(String[] args) throws Exception {
        long sizeMib = 256;
        int rounds = 3;
        String gcsEndpoint = null;
        String azuriteEndpoint = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--size-mib" -> sizeMib = Long.parseLong(args[++i]);
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "--gcs-endpoint" -> gcsEndpoint = args[++i];
                case "--azurite-endpoint" -> azuriteEndpoint = args[++i];
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        Path work = Files.createTempDirectory("runpilot-cloud-bench");
        try {
            Path bundle = work.resolve("bundle.bin");
            generate(bundle, sizeMib * 1024 * 1024);
            System.out.printf(Locale.ROOT, "bundle: %d MiB of random bytes; %d processors; Java %s; best of %d rounds%n",
                    sizeMib, Runtime.getRuntime().availableProcessors(), Runtime.version(), rounds);
            if (gcsEndpoint != null) {
                String bucket = "rp-bench-" + System.nanoTime();
                Storage sdk = StorageOptions.http().setHost(gcsEndpoint).setProjectId("bench")
                        .setCredentials(NoCredentials.getInstance()).build().getService();
                BlobInfo info = BlobInfo.newBuilder(BlobId.of(bucket, "sdk/bundle.bin")).build();
                try (StorageBackend backend = GcsStorage.builder()
                        .location(URI.create("gs://" + bucket + "/runpilot?endpoint=" + gcsEndpoint)).build()) {
                    compare("gs (GCS emulator " + gcsEndpoint + ")", bundle, work, rounds, backend, new Transfer() {
                        @Override
                        public void upload(Path file) throws Exception {
                            sdk.createFrom(info, file);
                        }

                        @Override
                        public void download(Path file) {
                            sdk.downloadTo(info.getBlobId(), file);
                        }
                    }, "Storage.createFrom / downloadTo");
                }
            }
            if (azuriteEndpoint != null) {
                String connection = "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=" + AZURITE_KEY
                        + ";BlobEndpoint=" + azuriteEndpoint + ";";
                String container = "rp-bench-" + System.nanoTime();
                var service = new BlobServiceClientBuilder().connectionString(connection).buildClient();
                service.createBlobContainer(container);
                BlobClient blob = service.getBlobContainerClient(container).getBlobClient("sdk/bundle.bin");
                try (StorageBackend backend = AzureBlobStorage.builder()
                        .location(URI.create("az://devstoreaccount1/" + container + "/runpilot?endpoint=" + azuriteEndpoint))
                        .connectionString(connection).build()) {
                    compare("az (Azurite " + azuriteEndpoint + ")", bundle, work, rounds, backend, new Transfer() {
                        @Override
                        public void upload(Path file) {
                            blob.uploadFromFile(file.toString(), true);
                        }

                        @Override
                        public void download(Path file) {
                            blob.downloadToFile(file.toString(), true);
                        }
                    }, "BlobClient.uploadFromFile / downloadToFile");
                } finally {
                    service.deleteBlobContainer(container);
                }
            }
        } finally {
            try (var files = Files.walk(work)) {
                files.sorted((a, b) -> b.compareTo(a)).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static void compare(String label, Path bundle, Path work, int rounds, StorageBackend backend, Transfer sdk,
                                String sdkLabel) throws Exception {
        double mib = Files.size(bundle) / (1024.0 * 1024.0);
        Path downloaded = work.resolve("downloaded.bin");
        long[] ours = best(rounds, new Transfer() {
            @Override
            public void upload(Path file) throws Exception {
                try (InputStream in = Files.newInputStream(file)) {
                    backend.put("bench/bundle.bin", in, "application/gzip");
                }
            }

            @Override
            public void download(Path file) throws Exception {
                try (InputStream in = backend.get("bench/bundle.bin").orElseThrow()) {
                    Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }, bundle, downloaded);
        long[] base = best(rounds, sdk, bundle, downloaded);
        System.out.printf(Locale.ROOT, "%n%s%n", label);
        print("RunPilot StorageBackend", mib, ours);
        print(sdkLabel, mib, base);
        System.out.printf(Locale.ROOT, "  ratio RunPilot/SDK: upload %.2f, download %.2f%n",
                (double) ours[0] / base[0], (double) ours[1] / base[1]);
    }

    private static long[] best(int rounds, Transfer transfer, Path bundle, Path downloaded) throws Exception {
        long bestUp = Long.MAX_VALUE;
        long bestDown = Long.MAX_VALUE;
        for (int round = 0; round < rounds; round++) {
            Files.deleteIfExists(downloaded);
            long start = System.nanoTime();
            transfer.upload(bundle);
            bestUp = Math.min(bestUp, System.nanoTime() - start);
            start = System.nanoTime();
            transfer.download(downloaded);
            bestDown = Math.min(bestDown, System.nanoTime() - start);
            if (Files.mismatch(bundle, downloaded) != -1) {
                throw new IllegalStateException("Downloaded bytes differ from the bundle");
            }
        }
        return new long[] {bestUp, bestDown};
    }

    private static void print(String label, double mib, long[] nanos) {
        System.out.printf(Locale.ROOT, "  %-44s upload %7.1f MiB/s (%6.2f s)   download %7.1f MiB/s (%6.2f s)%n", label,
                mib / (nanos[0] / 1e9), nanos[0] / 1e9, mib / (nanos[1] / 1e9), nanos[1] / 1e9);
    }

    private static void generate(Path file, long size) throws Exception {
        Random random = new Random(42);
        byte[] buffer = new byte[1024 * 1024];
        try (OutputStream out = Files.newOutputStream(file)) {
            for (long written = 0; written < size; written += buffer.length) {
                random.nextBytes(buffer);
                out.write(buffer, 0, (int) Math.min(buffer.length, size - written));
            }
        }
    }
}
