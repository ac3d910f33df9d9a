package dev.runpilot.benchmarks;

import dev.runpilot.sdk.Job;
import dev.runpilot.sdk.RunPilot;
import dev.runpilot.sdk.RunPilotClient;
import dev.runpilot.sdk.archive.Progress;
import dev.runpilot.sdk.archive.ProgressListener;
import dev.runpilot.sdk.server.RunPilotServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Source bundles over HTTP: {@code submit} of a job with a source tree of incompressible data
 * through {@code RunPilotServer} on loopback (bundle, {@code POST /v1/runs}, upload-url, a streamed
 * {@code PUT}, the server's hashing temporary file and its put into {@code file:} storage) against a
 * baseline measured in the same run, interleaved round by round: the embedded client on the same
 * machine (bundle, put into {@code file:} storage). Each round changes the tree, so both upload.
 * The upload alone is timed from the first to the last {@code UPLOADING} progress report. Then one
 * more submit of the unchanged tree each, which uploads nothing.
 *
 * <p>{@code java -cp benchmarks.jar dev.runpilot.benchmarks.HttpSourceUpload [sizeMiB=64] [rounds=5]}
 */
public final class HttpSourceUpload {
    private HttpSourceUpload() {
    }

    public static void main(String[] args) throws Exception {
        int sizeMiB = args.length > 0 ? Integer.parseInt(args[0]) : 64;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        Path root = Files.createTempDirectory("runpilot-source-bench-");
        Path tree = Files.createDirectories(root.resolve("tree"));
        UploadTimer httpUpload = new UploadTimer();
        UploadTimer embeddedUpload = new UploadTimer();
        long[] httpSubmit = new long[rounds];
        long[] embeddedSubmit = new long[rounds];
        long[] httpUploadNanos = new long[rounds];
        long[] embeddedUploadNanos = new long[rounds];
        Random random = new Random(42);
        byte[] data = new byte[sizeMiB << 20];
        try (RunPilotServer server = RunPilotServer.builder().home(root.resolve("server")).port(0)
                .maxSourceBundleBytes(4L << 30).build()) {
            String token = server.tokens().createUserToken("bench");
            server.start();
            try (RunPilotClient http = RunPilot.client().endpoint(server.uri()).token(token).home(root.resolve("client"))
                    .progress(httpUpload).build();
                 RunPilotClient embedded = RunPilot.client().home(root.resolve("embedded")).workers(0).progress(embeddedUpload)
                         .build()) {
                Job job = Job.builder().name("bench").command("true").source(tree).build();
                for (int round = -1; round < rounds; round++) {
                    random.nextBytes(data);
                    Files.write(tree.resolve("data.bin"), data);
                    long t0 = System.nanoTime();
                    embedded.submit(job);
                    long t1 = System.nanoTime();
                    random.nextBytes(data);
                    Files.write(tree.resolve("data.bin"), data);
                    long t2 = System.nanoTime();
                    http.submit(job);
                    long t3 = System.nanoTime();
                    if (round >= 0) {
                        embeddedSubmit[round] = t1 - t0;
                        httpSubmit[round] = t3 - t2;
                        embeddedUploadNanos[round] = embeddedUpload.lastNanos();
                        httpUploadNanos[round] = httpUpload.lastNanos();
                    }
                }
                long t0 = System.nanoTime();
                embedded.submit(job);
                long t1 = System.nanoTime();
                http.submit(job);
                long t2 = System.nanoTime();
                report(sizeMiB, rounds, embeddedSubmit, httpSubmit, embeddedUploadNanos, httpUploadNanos);
                System.out.printf("unchanged tree again (no upload): embedded %.0f ms, HTTP %.0f ms%n", (t1 - t0) / 1e6, (t2 - t1) / 1e6);
            }
        }
    }

    private static void report(int sizeMiB, int rounds, long[] embeddedSubmit, long[] httpSubmit, long[] embeddedUpload,
                               long[] httpUpload) {
        LatencyStats es = new LatencyStats(embeddedSubmit);
        LatencyStats hs = new LatencyStats(httpSubmit);
        LatencyStats eu = new LatencyStats(embeddedUpload);
        LatencyStats hu = new LatencyStats(httpUpload);
        System.out.printf("tree: %d MiB of random bytes; %d rounds after 1 warm-up, medians%n", sizeMiB, rounds);
        System.out.printf("submit, embedded (baseline): %.0f ms   upload stage %.0f ms (%.0f MiB/s)%n", es.p50(), eu.p50(),
                sizeMiB / (eu.p50() / 1000));
        System.out.printf("submit over HTTP:            %.0f ms   upload stage %.0f ms (%.0f MiB/s)%n", hs.p50(), hu.p50(),
                sizeMiB / (hu.p50() / 1000));
        System.out.printf("ratio HTTP / embedded:       submit %.2fx   upload stage %.2fx%n", hs.p50() / es.p50(), hu.p50() / eu.p50());
    }

    /** Times the UPLOADING stage: from its first report to the report that says it is done. */
    private static final class UploadTimer implements ProgressListener {
        private final AtomicLong started = new AtomicLong();
        private final AtomicLong last = new AtomicLong();

        @Override
        public void onProgress(Progress progress) {
            if (progress.stage() != Progress.Stage.UPLOADING) {
                return;
            }
            long now = System.nanoTime();
            if (progress.bytesDone() == 0) {
                started.set(now);
            }
            if (progress.isDone()) {
                last.set(now - started.get());
            }
        }

        long lastNanos() {
            return last.get();
        }
    }
}
