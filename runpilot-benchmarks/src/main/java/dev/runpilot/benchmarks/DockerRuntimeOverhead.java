package dev.runpilot.benchmarks;

import dev.runpilot.docker.DockerRuntime;
import dev.runpilot.sdk.Job;
import dev.runpilot.sdk.RunPilot;
import dev.runpilot.sdk.RunPilotClient;
import dev.runpilot.sdk.RunResult;
import dev.runpilot.sdk.RunStatus;
import dev.runpilot.sdk.spi.Execution;
import dev.runpilot.sdk.spi.ExecutionRequest;
import dev.runpilot.sdk.spi.ExitStatus;
import dev.runpilot.sdk.spi.OutputListener;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * RunPilot's overhead on top of the engine's own container start: a no-op job ({@code true}) in a local busybox image,
 * timed three ways in one run, interleaved so that the engine's drift hits all three alike:
 * <ol>
 *   <li>{@code docker run --rm IMAGE true} from the CLI (a process per run, as a user would type it);</li>
 *   <li>the docker runtime alone: {@code start} to exit status, container removed (what the agent calls);</li>
 *   <li>the whole engine: {@code submit} to {@code await} on an in-memory client with {@code runtime("docker")}.</li>
 * </ol>
 * Usage: {@code java -cp ... dev.runpilot.benchmarks.DockerRuntimeOverhead [iterations] [image]}; the image is built
 * from this host's static busybox when missing, so nothing is pulled.
 */
public final class DockerRuntimeOverhead {
    private static final OutputListener DISCARD = (stream, line) -> { };

    private DockerRuntimeOverhead() {
    }

    public static void main(String[] args) throws Exception {
        int iterations = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        String image = args.length > 1 ? args[1] : "runpilot-bench/busybox:1";
        ensureImage(image);
        Path work = Files.createTempDirectory("runpilot-docker-bench-");
        List<Long> cli = new ArrayList<>();
        List<Long> runtimeOnly = new ArrayList<>();
        List<Long> engine = new ArrayList<>();
        try (DockerRuntime runtime = DockerRuntime.builder().build();
             RunPilotClient client = RunPilot.client().inMemory().runtime("docker").workers(1).build()) {
            Job job = Job.builder().name("noop").image(image).command("true").build();
            for (int i = -3; i < iterations; i++) {
                boolean warmup = i < 0;
                long a = timeCli(image);
                long b = timeRuntime(runtime, job, work, i);
                long c = timeEngine(client, job);
                if (!warmup) {
                    cli.add(a);
                    runtimeOnly.add(b);
                    engine.add(c);
                }
            }
            System.out.println("Docker no-op job, " + iterations + " interleaved iterations after 3 warm-ups; engine at "
                    + runtime.endpoint());
        } finally {
            try (Stream<Path> files = Files.walk(work)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        System.out.printf("%-48s %8s %8s %8s %8s%n", "path (milliseconds)", "median", "p90", "mean", "min");
        print("docker run --rm IMAGE true (CLI)", cli);
        print("docker runtime: start -> exit status, removed", runtimeOnly);
        print("RunPilot client: submit -> await (runtime docker)", engine);
        System.out.printf("overhead of the runtime over the CLI (median): %+.1f ms; of the whole engine: %+.1f ms%n",
                median(runtimeOnly) - median(cli), median(engine) - median(cli));
    }

    private static long timeCli(String image) throws IOException, InterruptedException {
        long start = System.nanoTime();
        Process process = new ProcessBuilder("docker", "run", "--rm", image, "true").redirectErrorStream(true).start();
        byte[] output = process.getInputStream().readAllBytes();
        if (process.waitFor() != 0) {
            throw new IllegalStateException("docker run failed: " + new String(output, StandardCharsets.UTF_8));
        }
        return System.nanoTime() - start;
    }

    private static long timeRuntime(DockerRuntime runtime, Job job, Path work, int i) throws Exception {
        Path dir = Files.createDirectories(work.resolve("attempt-" + (i + 3)));
        long start = System.nanoTime();
        Execution execution = runtime.start(new ExecutionRequest("bench-" + (i + 3), 1, "bench", job, job.command(), Map.of(),
                dir, DISCARD));
        Optional<ExitStatus> status;
        do {
            status = execution.waitFor(Duration.ofMillis(100));
        } while (status.isEmpty());
        long elapsed = System.nanoTime() - start;
        if (status.get().exitCode() != 0) {
            throw new IllegalStateException("the no-op job failed: " + status.get());
        }
        return elapsed;
    }

    private static long timeEngine(RunPilotClient client, Job job) {
        long start = System.nanoTime();
        RunResult result = client.submit(job).await(Duration.ofMinutes(1)).orElseThrow();
        long elapsed = System.nanoTime() - start;
        if (result.status() != RunStatus.SUCCEEDED) {
            throw new IllegalStateException("the no-op run ended " + result.status() + ": " + result.message());
        }
        return elapsed;
    }

    /** Builds a busybox image from this host's static busybox (apt-get install busybox-static) when it is missing. */
    private static void ensureImage(String image) throws IOException, InterruptedException {
        if (new ProcessBuilder("docker", "image", "inspect", image).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor() == 0) {
            return;
        }
        Path busybox = Stream.of(Path.of("/bin/busybox"), Path.of("/usr/bin/busybox")).filter(Files::isExecutable).findFirst()
                .orElseThrow(() -> new IllegalStateException("Needs a static busybox: apt-get install busybox-static"));
        Path context = Files.createTempDirectory("runpilot-bench-image-");
        Files.copy(busybox, context.resolve("busybox"));
        Files.writeString(context.resolve("Dockerfile"), String.join("\n", "FROM scratch", "COPY busybox /bin/busybox",
                "RUN [\"/bin/busybox\", \"--install\", \"-s\", \"/bin\"]", "CMD [\"/bin/sh\"]", ""));
        Process build = new ProcessBuilder("docker", "build", "-q", "-t", image, context.toString()).redirectErrorStream(true).start();
        String output = new String(build.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (build.waitFor() != 0) {
            throw new IllegalStateException("docker build failed: " + output);
        }
        try (Stream<Path> files = Files.walk(context)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    private static void print(String label, List<Long> nanos) {
        long[] sorted = nanos.stream().mapToLong(Long::longValue).sorted().toArray();
        double mean = Arrays.stream(sorted).average().orElse(0) / 1e6;
        System.out.printf("%-48s %8.1f %8.1f %8.1f %8.1f%n", label, median(nanos), sorted[(int) Math.ceil(sorted.length * 0.9) - 1] / 1e6,
                mean, sorted[0] / 1e6);
    }

    private static double median(List<Long> nanos) {
        long[] sorted = nanos.stream().mapToLong(Long::longValue).sorted().toArray();
        int n = sorted.length;
        return (n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0) / 1e6;
    }
}
