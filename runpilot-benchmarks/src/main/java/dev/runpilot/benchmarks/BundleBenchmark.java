package dev.runpilot.benchmarks;

import dev.runpilot.sdk.archive.Bundle;
import dev.runpilot.sdk.archive.Bundler;
import dev.runpilot.sdk.archive.Progress;
import dev.runpilot.sdk.archive.SigningKey;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.stream.Stream;

/**
 * Same-run comparison of {@link Bundler} against {@code tar czf} (GNU tar + gzip) on a generated
 * ~200 MB tree of small source files and large binaries. Prints throughput, the ratio, whether two
 * bundles are byte-identical, and what hashing and signing cost.
 *
 * <p>Run: {@code ./mvnw -B -q package -pl runpilot-benchmarks -am -DskipTests -Dmaven.javadoc.skip=true}
 * then {@code java -cp runpilot-benchmarks/target/benchmarks.jar dev.runpilot.benchmarks.BundleBenchmark [rounds]}
 * (rounds default 5). The tree and outputs live in
 * {@code /dev/shm} when it exists, so that disk write-back adds no noise..
 */
public final class BundleBenchmark {
    private static final String[] WORDS = {"def", "return", "self", "import", "torch", "model", "batch", "loss",
        "optimizer", "for", "in", "range", "if", "else", "config", "data", "train", "eval", "print", "tensor",
        "numpy", "np", "x", "y", "z", "=", "(", ")", ":", "+", "1", "0", "learning_rate", "epoch", "step"};

    private BundleBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        // tmpfs when there is one, so that disk write-back does not add noise to either side
        Path shm = Path.of("/dev/shm");
        Path work = Files.isDirectory(shm) && Files.isWritable(shm)
                ? Files.createTempDirectory(shm, "runpilot-bundle-bench")
                : Files.createTempDirectory("runpilot-bundle-bench");
        try {
            Path tree = work.resolve("tree");
            long treeBytes = generate(tree);
            long files;
            try (Stream<Path> s = Files.walk(tree)) {
                files = s.filter(Files::isRegularFile).count();
            }
            System.out.printf(Locale.ROOT, "tree: %d files, %.1f MB in %s; %d processors; Java %s; %d rounds%n", files,
                    treeBytes / 1e6, work, Runtime.getRuntime().availableProcessors(), Runtime.version(), rounds);

            System.out.println("load average before: " + loadAverage());
            SigningKey key = SigningKey.generate();
            Bundler plain = Bundler.builder().build();
            Bundler signed = Bundler.builder().signer(key).build();
            Bundler oneThread = Bundler.builder().parallelism(1).build();
            // warm-up: JIT and page cache
            plain.bundle(tree, work.resolve("warm.tar.gz"));
            tarCzf(tree, work.resolve("warm-tar.tar.gz"));

            List<Double> tarCpu = new ArrayList<>();
            List<Double> plainCpu = new ArrayList<>();
            List<Double> tarTimes = new ArrayList<>();
            List<Double> plainTimes = new ArrayList<>();
            List<Double> signedTimes = new ArrayList<>();
            List<Double> oneThreadTimes = new ArrayList<>();
            List<Double> hashingShares = new ArrayList<>();
            List<String> plainShas = new ArrayList<>();
            List<String> signedShas = new ArrayList<>();
            long tarSize = 0;
            long bundleSize = 0;
            for (int round = 0; round < rounds; round++) {
                long t0 = System.nanoTime();
                tarCpu.add(tarCzf(tree, work.resolve("tar.tar.gz")));
                tarTimes.add(seconds(t0));
                tarSize = Files.size(work.resolve("tar.tar.gz"));

                long[] hashing = new long[2];
                Bundler timed = plain.toBuilder().progress(p -> stamp(p, hashing)).build();
                t0 = System.nanoTime();
                long cpu0 = processCpuNanos();
                Bundle bundle = timed.bundle(tree, work.resolve("plain-" + round + ".tar.gz"));
                plainTimes.add(seconds(t0));
                plainCpu.add((processCpuNanos() - cpu0) / 1e9);
                hashingShares.add((hashing[1] - hashing[0]) / 1e9 / plainTimes.get(plainTimes.size() - 1));
                plainShas.add(bundle.sha256());
                bundleSize = bundle.size();

                t0 = System.nanoTime();
                signedShas.add(signed.bundle(tree, work.resolve("signed-" + round + ".tar.gz")).sha256());
                signedTimes.add(seconds(t0));

                t0 = System.nanoTime();
                oneThread.bundle(tree, work.resolve("one-" + round + ".tar.gz"));
                oneThreadTimes.add(seconds(t0));
                for (String name : List.of("plain-", "signed-", "one-")) {
                    if (round > 0) {
                        Files.deleteIfExists(work.resolve(name + (round - 1) + ".tar.gz"));
                    }
                }
            }
            long treeSize = treeBytes;
            System.out.println("                          median                      best (least disturbed)");
            line("tar czf", tarTimes, tarTimes, treeSize, String.format(Locale.ROOT, "output %.1f MB", tarSize / 1e6));
            line("Bundler unsigned", plainTimes, tarTimes, treeSize,
                    String.format(Locale.ROOT, "output %.1f MB", bundleSize / 1e6));
            line("Bundler signed", signedTimes, tarTimes, treeSize, "");
            line("Bundler 1 thread", oneThreadTimes, tarTimes, treeSize, "");
            System.out.printf(Locale.ROOT, "hashing stage share of unsigned bundle time: median %.1f%%, in the best run"
                    + " %.1f%%%n", 100 * median(hashingShares), 100 * hashingShares.get(plainTimes.indexOf(
                    min(plainTimes))));
            System.out.printf(Locale.ROOT, "signed vs unsigned: median %+.1f%%, best %+.1f%%%n",
                    100 * (median(signedTimes) - median(plainTimes)) / median(plainTimes),
                    100 * (min(signedTimes) - min(plainTimes)) / min(plainTimes));
            System.out.printf(Locale.ROOT, "CPU seconds (median): tar czf %.2f (tar + gzip), Bundler unsigned %.2f"
                    + " (whole JVM, all threads)%n", median(tarCpu), median(plainCpu));
            System.out.println("byte-identical across runs: unsigned " + (plainShas.stream().distinct().count() == 1)
                    + ", signed " + (signedShas.stream().distinct().count() == 1) + " (" + plainShas.get(0) + ")");
            System.out.println("load average after: " + loadAverage());
            System.out.println("runs (s): tar " + tarTimes + ", unsigned " + plainTimes + ", signed " + signedTimes
                    + ", 1 thread " + oneThreadTimes);
        } finally {
            deleteTree(work);
        }
    }

    private static void stamp(Progress progress, long[] hashing) {
        if (progress.stage() == Progress.Stage.HASHING) {
            if (progress.bytesDone() == 0 && progress.filesDone() == 0) {
                hashing[0] = System.nanoTime();
            }
            if (progress.isDone()) {
                hashing[1] = System.nanoTime();
            }
        }
    }

    /** Runs {@code tar czf} and returns the CPU seconds it and gzip used, from bash's {@code times}. */
    private static double tarCzf(Path tree, Path output) throws IOException, InterruptedException {
        Process tar = new ProcessBuilder("bash", "-c", "tar czf \"$0\" -C \"$1\" . && times", output.toString(),
                tree.toString()).redirectErrorStream(true).start();
        String out = new String(tar.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (tar.waitFor() != 0) {
            throw new IllegalStateException("tar czf failed: " + out);
        }
        String[] lines = out.strip().split("\n");
        double cpu = 0;
        for (String time : lines[lines.length - 1].trim().split("\\s+")) { // children's user and system time
            String[] minutes = time.replace("s", "").split("m");
            cpu += Integer.parseInt(minutes[0]) * 60 + Double.parseDouble(minutes[1]);
        }
        return cpu;
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).strip();
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getProcessCpuTime();
    }

    /** Writes a deterministic tree: 5,000 source-like files (~40 MB) and 8 binaries of 20 MB. */
    private static long generate(Path root) throws IOException {
        Random random = new Random(42);
        long total = 0;
        for (int i = 0; i < 5000; i++) {
            Path file = root.resolve("src/pkg" + (i % 50) + "/sub" + (i % 7) + "/module_" + i + ".py");
            Files.createDirectories(file.getParent());
            StringBuilder text = new StringBuilder();
            int lines = 40 + random.nextInt(300);
            for (int line = 0; line < lines; line++) {
                text.append("    ".repeat(random.nextInt(4)));
                int words = 3 + random.nextInt(10);
                for (int w = 0; w < words; w++) {
                    text.append(WORDS[random.nextInt(WORDS.length)]).append(' ');
                }
                text.append(random.nextInt(10_000)).append('\n');
            }
            byte[] bytes = text.toString().getBytes(StandardCharsets.UTF_8);
            Files.write(file, bytes);
            total += bytes.length;
        }
        byte[] block = new byte[1 << 20];
        for (int i = 0; i < 8; i++) {
            Path file = root.resolve("weights/part-" + i + ".bin");
            Files.createDirectories(file.getParent());
            try (OutputStream out = Files.newOutputStream(file)) {
                for (int mb = 0; mb < 20; mb++) {
                    if (i % 2 == 0) {
                        random.nextBytes(block); // incompressible, like already-compressed data
                    } else {
                        ByteBuffer floats = ByteBuffer.wrap(block).order(ByteOrder.LITTLE_ENDIAN);
                        while (floats.remaining() >= 4) { // float32 weights: compress a little
                            floats.putFloat((float) (random.nextGaussian() * 0.02));
                        }
                    }
                    out.write(block);
                    total += block.length;
                }
            }
        }
        return total;
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    private static void line(String name, List<Double> times, List<Double> tarTimes, long treeBytes, String note) {
        double median = median(times);
        double best = min(times);
        System.out.printf(Locale.ROOT, "%-18s %6.2f s %6.1f MB/s %5.2fx tar | %6.2f s %6.1f MB/s %5.2fx tar  %s%n",
                name + ":", median, treeBytes / 1e6 / median, median(tarTimes) / median, best, treeBytes / 1e6 / best,
                min(tarTimes) / best, note);
    }

    private static double min(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        sorted.sort(null);
        return sorted.get(sorted.size() / 2);
    }

    private static void deleteTree(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
