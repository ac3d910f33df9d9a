package dev.runpilot.benchmarks;

import com.azure.storage.blob.BlobClient;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.google.cloud.NoCredentials;
import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.BlobInfo;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.StorageOptions;
import dev.runpilot.sdk.spi.PresignedUrl;
import dev.runpilot.sdk.spi.ProviderContext;
import dev.runpilot.sdk.spi.StorageBackend;
import dev.runpilot.sdk.spi.StorageBackendFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.ServiceLoader;
import java.util.concurrent.TimeUnit;

/**
 * Same-run comparison of {@link StorageBackend} upload and download of one large bundle against
 * baselines on the same server. Takes any storage URIs ({@code file:}, {@code s3://}, {@code gs://},
 * {@code az://}, or a third party's scheme): the backend comes from ServiceLoader as a client would
 * get it, and the baselines are chosen by scheme in {@link #baselinesFor}.
 *
 * <p>Baselines: for {@code file:} a plain {@code cp}; for {@code s3://} the AWS CLI ({@code aws s3 cp},
 * which uploads in parallel parts too) when it is on PATH; for {@code gs://} the plain Cloud Storage
 * SDK call, {@code Storage.createFrom(BlobInfo, Path)} / {@code downloadTo}; for {@code az://} the
 * Azure SDK's own parallel block transfer, {@code BlobClient.uploadFromFile} / {@code downloadToFile}
 * (credentials from {@code AZURE_STORAGE_CONNECTION_STRING}, as the backend reads them; the container
 * is created when missing); and for any backend with presigned URLs, {@code curl -T} to a presigned PUT
 * URL and {@code curl -o} from a presigned GET URL (one stream, no parts). An SDK baseline takes the
 * endpoint from the URI's {@code ?endpoint=}, and uses no credentials for GCS on an endpoint given
 * there (an emulator). Each figure is the best of the rounds; ratios are backend time over baseline
 * time (below 1 means RunPilot is faster).
 *
 * <p>Run: {@code scripts/benchmarks.sh storage [--size-mib N] [--rounds N] [URI...]}. The script
 * starts moto and passes an {@code s3://} URI on it plus a {@code file:} URI on /dev/shm when none
 * are given; docs/BENCHMARKS.md has the command for {@code gs://} and {@code az://} on their emulators.
 */
public final class StorageBenchmark {
    private StorageBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        long sizeMib = 256;
        int rounds = 3;
        List<URI> uris = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--size-mib" -> sizeMib = Long.parseLong(args[++i]);
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                default -> uris.add(URI.create(args[i]));
            }
        }
        if (uris.isEmpty()) {
            System.err.println("usage: StorageBenchmark [--size-mib N] [--rounds N] URI...");
            System.exit(2);
        }
        Path shm = Path.of("/dev/shm");
        Path work = Files.isDirectory(shm) && Files.isWritable(shm)
                ? Files.createTempDirectory(shm, "runpilot-storage-bench")
                : Files.createTempDirectory("runpilot-storage-bench");
        try {
            Path bundle = work.resolve("bundle.bin");
            generate(bundle, sizeMib * 1024 * 1024);
            System.out.printf(Locale.ROOT, "bundle: %d MiB of incompressible bytes in %s; %d processors; Java %s; %d rounds;"
                    + " load average %s%n", sizeMib, work, Runtime.getRuntime().availableProcessors(), Runtime.version(),
                    rounds, loadAverage());
            for (URI uri : uris) {
                measure(uri, bundle, work, rounds);
            }
            System.out.println("load average after: " + loadAverage());
        } finally {
            try (var files = Files.walk(work)) {
                files.sorted((a, b) -> b.compareTo(a)).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static void measure(URI uri, Path bundle, Path work, int rounds) throws Exception {
        ProviderContext context = () -> work;
        StorageBackendFactory factory = ServiceLoader.load(StorageBackendFactory.class).stream()
                .map(ServiceLoader.Provider::get).filter(f -> f.scheme().equals(uri.getScheme())).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("No storage backend for " + uri.getScheme()
                        + " on the class path"));
        double mib = Files.size(bundle) / (1024.0 * 1024.0);
        try (StorageBackend storage = factory.create(uri, context)) {
            // Chosen first: a baseline may prepare the place (the Azure one creates a missing container).
            List<Baseline> baselines = baselinesFor(uri, storage);
            Path downloaded = work.resolve("downloaded.bin");
            long bestPut = Long.MAX_VALUE;
            long bestGet = Long.MAX_VALUE;
            for (int round = 0; round < rounds; round++) {
                long start = System.nanoTime();
                try (InputStream in = Files.newInputStream(bundle)) {
                    storage.put("bench/bundle.bin", in);
                }
                bestPut = Math.min(bestPut, System.nanoTime() - start);
                start = System.nanoTime();
                try (InputStream in = storage.get("bench/bundle.bin").orElseThrow()) {
                    Files.copy(in, downloaded, StandardCopyOption.REPLACE_EXISTING);
                }
                bestGet = Math.min(bestGet, System.nanoTime() - start);
                if (Files.mismatch(bundle, downloaded) != -1) {
                    throw new IllegalStateException("Downloaded bytes differ from the bundle for " + uri);
                }
            }
            System.out.printf(Locale.ROOT, "%n%s%n  %-46s upload %7.1f MiB/s (%6.2f s)   download %7.1f MiB/s (%6.2f s)%n",
                    storage.uri(), "RunPilot StorageBackend", mib / seconds(bestPut), seconds(bestPut), mib / seconds(bestGet),
                    seconds(bestGet));
            for (Baseline baseline : baselines) {
                long basePut = Long.MAX_VALUE;
                long baseGet = Long.MAX_VALUE;
                for (int round = 0; round < rounds; round++) {
                    Files.deleteIfExists(downloaded);
                    long start = System.nanoTime();
                    baseline.upload(bundle);
                    basePut = Math.min(basePut, System.nanoTime() - start);
                    start = System.nanoTime();
                    baseline.download(downloaded);
                    baseGet = Math.min(baseGet, System.nanoTime() - start);
                    if (Files.mismatch(bundle, downloaded) != -1) {
                        throw new IllegalStateException("Baseline " + baseline.name() + " downloaded different bytes");
                    }
                }
                System.out.printf(Locale.ROOT, "  %-46s upload %7.1f MiB/s (%6.2f s)   download %7.1f MiB/s (%6.2f s)"
                        + "   RunPilot/baseline time: upload %.2f, download %.2f%n", baseline.name(),
                        mib / seconds(basePut), seconds(basePut), mib / seconds(baseGet), seconds(baseGet),
                        (double) bestPut / basePut, (double) bestGet / baseGet);
            }
            storage.deletePrefix("bench/");
        }
    }

    /** A tool that moves the same bundle to and from the same place, measured alongside. */
    private interface Baseline {
        String name();

        void upload(Path file) throws Exception;

        void download(Path file) throws Exception;
    }

    private static List<Baseline> baselinesFor(URI uri, StorageBackend storage) {
        List<Baseline> baselines = new ArrayList<>();
        if (uri.getScheme().equals("file")) {
            Path dir = Path.of(uri).resolve("bench-cp");
            baselines.add(new Baseline() {
                public String name() {
                    return "cp";
                }

                public void upload(Path file) throws Exception {
                    Files.createDirectories(dir);
                    run(List.of("cp", file.toString(), dir.resolve("bundle.bin").toString()));
                }

                public void download(Path file) throws Exception {
                    run(List.of("cp", dir.resolve("bundle.bin").toString(), file.toString()));
                }
            });
        }
        if (uri.getScheme().equals("s3") && onPath("aws")) {
            Map<String, String> query = query(uri);
            String target = "s3://" + uri.getAuthority() + uri.getPath() + "/bench/aws-cli.bin";
            List<String> endpoint = query.containsKey("endpoint")
                    ? List.of("--endpoint-url", query.get("endpoint")) : List.of();
            baselines.add(new Baseline() {
                public String name() {
                    return "aws s3 cp";
                }

                public void upload(Path file) throws Exception {
                    List<String> command = new ArrayList<>(List.of("aws", "s3", "cp", "--only-show-errors", file.toString(), target));
                    command.addAll(endpoint);
                    run(command);
                }

                public void download(Path file) throws Exception {
                    List<String> command = new ArrayList<>(List.of("aws", "s3", "cp", "--only-show-errors", target, file.toString()));
                    command.addAll(endpoint);
                    run(command);
                }
            });
        }
        if (uri.getScheme().equals("gs")) {
            baselines.add(gcsSdk(uri));
        }
        if (uri.getScheme().equals("az")) {
            azureSdk(uri).ifPresent(baselines::add);
        }
        Optional<PresignedUrl> probe = storage.presign("bench/curl.bin", PresignedUrl.Access.WRITE, Duration.ofHours(1));
        if (probe.isPresent() && onPath("curl")) {
            baselines.add(new Baseline() {
                public String name() {
                    return "curl -T / curl -o (presigned URL)";
                }

                public void upload(Path file) throws Exception {
                    PresignedUrl url = storage.presign("bench/curl.bin", PresignedUrl.Access.WRITE, Duration.ofHours(1)).orElseThrow();
                    List<String> command = new ArrayList<>(List.of("curl", "-sS", "-f", "-o", "/dev/null", "-T", file.toString()));
                    url.requiredHeaders().forEach((k, v) -> command.addAll(List.of("-H", k + ": " + v)));
                    command.add(url.url().toString());
                    run(command);
                }

                public void download(Path file) throws Exception {
                    PresignedUrl url = storage.presign("bench/curl.bin", PresignedUrl.Access.READ, Duration.ofHours(1)).orElseThrow();
                    List<String> command = new ArrayList<>(List.of("curl", "-sS", "-f", "-o", file.toString()));
                    url.requiredHeaders().forEach((k, v) -> command.addAll(List.of("-H", k + ": " + v)));
                    command.add(url.url().toString());
                    run(command);
                }
            });
        }
        return baselines;
    }

    /** The Cloud Storage SDK's own file upload and download, into the URI's bucket next to the benchmark's object. */
    private static Baseline gcsSdk(URI uri) {
        Map<String, String> query = query(uri);
        StorageOptions.Builder options = StorageOptions.http().setProjectId(query.getOrDefault("project", "bench"));
        if (query.containsKey("endpoint")) {
            options.setHost(query.get("endpoint")).setCredentials(NoCredentials.getInstance());
        }
        Storage sdk = options.build().getService();
        BlobInfo info = BlobInfo.newBuilder(BlobId.of(uri.getAuthority(), objectPrefix(uri) + "bench/sdk.bin")).build();
        return new Baseline() {
            public String name() {
                return "SDK Storage.createFrom / downloadTo";
            }

            public void upload(Path file) throws Exception {
                sdk.createFrom(info, file);
            }

            public void download(Path file) {
                sdk.downloadTo(info.getBlobId(), file);
            }
        };
    }

    /**
     * The Azure SDK's own parallel file transfer into the URI's container, which it creates when missing;
     * empty (with a note) without {@code AZURE_STORAGE_CONNECTION_STRING}.
     */
    private static Optional<Baseline> azureSdk(URI uri) {
        String connection = System.getenv("AZURE_STORAGE_CONNECTION_STRING");
        if (connection == null || connection.isBlank()) {
            System.out.println("  (no Azure SDK baseline: set AZURE_STORAGE_CONNECTION_STRING)");
            return Optional.empty();
        }
        String[] path = uri.getPath().replaceFirst("^/", "").split("/", 2);
        BlobServiceClientBuilder builder = new BlobServiceClientBuilder().connectionString(connection);
        Map<String, String> query = query(uri);
        if (query.containsKey("endpoint")) {
            builder.endpoint(query.get("endpoint"));
        }
        BlobContainerClient container = builder.buildClient().getBlobContainerClient(path[0]);
        container.createIfNotExists();
        String prefix = path.length > 1 && !path[1].isEmpty() ? path[1].replaceAll("/*$", "/") : "";
        BlobClient blob = container.getBlobClient(prefix + "bench/sdk.bin");
        return Optional.of(new Baseline() {
            public String name() {
                return "SDK BlobClient.uploadFromFile / downloadToFile";
            }

            public void upload(Path file) {
                blob.uploadFromFile(file.toString(), true);
            }

            public void download(Path file) {
                blob.downloadToFile(file.toString(), true);
            }
        });
    }

    /** The key prefix of a bucket URI's path ({@code gs://bucket/a/b} gives {@code a/b/}), empty for none. */
    private static String objectPrefix(URI uri) {
        String path = uri.getPath() == null ? "" : uri.getPath().replaceFirst("^/+", "");
        return path.isEmpty() ? "" : path.replaceAll("/*$", "/");
    }

    private static void run(List<String> command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] output;
        try (InputStream in = process.getInputStream()) {
            output = in.readAllBytes();
        }
        if (!process.waitFor(10, TimeUnit.MINUTES) || process.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command.subList(0, 3)) + " failed: "
                    + new String(output, StandardCharsets.UTF_8));
        }
    }

    private static boolean onPath(String tool) {
        return Arrays.stream(System.getenv().getOrDefault("PATH", "").split(":"))
                .anyMatch(dir -> !dir.isEmpty() && Files.isExecutable(Path.of(dir, tool)));
    }

    private static Map<String, String> query(URI uri) {
        Map<String, String> result = new java.util.HashMap<>();
        if (uri.getRawQuery() != null) {
            for (String pair : uri.getRawQuery().split("&")) {
                int eq = pair.indexOf('=');
                if (eq > 0) {
                    result.put(pair.substring(0, eq), URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
                }
            }
        }
        return result;
    }

    private static void generate(Path file, long size) throws IOException {
        Random random = new Random(42);
        byte[] block = new byte[1024 * 1024];
        try (OutputStream out = Files.newOutputStream(file)) {
            for (long written = 0; written < size; written += block.length) {
                random.nextBytes(block);
                out.write(block, 0, (int) Math.min(block.length, size - written));
            }
        }
    }

    private static double seconds(long nanos) {
        return nanos / 1e9;
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).strip();
        } catch (IOException e) {
            return "unknown";
        }
    }
}
