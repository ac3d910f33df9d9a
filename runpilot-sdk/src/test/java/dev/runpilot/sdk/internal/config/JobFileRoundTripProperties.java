package dev.runpilot.sdk.internal.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runpilot.sdk.FailureReason;
import dev.runpilot.sdk.GpuRequest;
import dev.runpilot.sdk.HealthCheck;
import dev.runpilot.sdk.Job;
import dev.runpilot.sdk.PullPolicy;
import dev.runpilot.sdk.Resources;
import dev.runpilot.sdk.RetryPolicy;
import dev.runpilot.sdk.Volume;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/** A job written as a job file loads back equal, whatever its values. */
class JobFileRoundTripProperties {
    private static Path dir;

    @BeforeContainer
    static void createDirectory() throws IOException {
        dir = Files.createTempDirectory("runpilot-roundtrip");
    }

    @AfterContainer
    static void deleteDirectory() throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(file);
            }
        }
    }

    private static final LoaderSettings SETTINGS = new LoaderSettings(Optional.empty(), Map.of(), true, 1024 * 1024);

    @Property(tries = 150)
    void aJobWrittenAsYamlLoadsBackEqual(@ForAll("jobs") Job job) throws IOException {
        Path file = Files.writeString(dir.resolve("job.yaml"), JobYamlWriter.write(job, true));

        assertThat(new JobFileLoader(SETTINGS).load(file)).isEqualTo(job);
    }

    @Property(tries = 100)
    void secretNamesWrittenWithoutValuesLoadBackFromTheVariables(@ForAll("jobs") Job job) throws IOException {
        Path file = Files.writeString(dir.resolve("names.yaml"), JobYamlWriter.write(job, false));
        LoaderSettings withSecrets = new LoaderSettings(Optional.empty(), job.secrets(), true, 1024 * 1024);

        assertThat(new JobFileLoader(withSecrets).load(file)).isEqualTo(job);
        Map<String, String> otherValues = new java.util.HashMap<>();
        job.secrets().keySet().forEach(name -> otherValues.put(name, "other"));
        assertThat(JobYamlWriter.write(job.toBuilder().secrets(otherValues).build(), false))
                .as("the secret values are not written").isEqualTo(Files.readString(file));
    }

    @Provide
    Arbitrary<Job> jobs() {
        List<Arbitrary<Consumer<Job.Builder>>> fields = List.of(
                words().map(name -> b -> b.name(name)),
                maybe(texts().filter(t -> !t.isBlank()), (b, v) -> b.image(v)),
                Arbitraries.oneOf(
                        texts().filter(t -> !t.isBlank()).map(line -> b -> b.entrypoint(line)),
                        Combinators.combine(texts().filter(t -> !t.isBlank()), texts().list().ofMaxSize(4))
                                .as((first, rest) -> b -> {
                                    List<String> command = new ArrayList<>(rest);
                                    command.add(0, first);
                                    b.command(command);
                                })),
                Arbitraries.maps(names().map(n -> "E_" + n), texts()).ofMaxSize(3).map(env -> b -> b.env(env)),
                Arbitraries.maps(names().map(n -> "S_" + n), texts()).ofMaxSize(3).map(s -> b -> b.secrets(s)),
                maybe(segments().list().ofMinSize(1).ofMaxSize(3).map(s -> String.join("/", s)), (b, v) -> b.workingDir(v)),
                maybe(texts().filter(t -> !t.isBlank()), (b, v) -> b.user(v)),
                maybe(words(), (b, v) -> b.network(v)),
                maybe(Arbitraries.of(PullPolicy.class), (b, v) -> b.pullPolicy(v)),
                maybe(healthChecks(), (b, v) -> b.healthCheck(v)),
                maybe(gpus(), (b, v) -> b.gpu(v)),
                maybe(resources(), (b, v) -> b.resources(v)),
                maybe(words(), (b, v) -> b.resourceClass(v)),
                maybe(durations(1), (b, v) -> b.timeout(v)),
                maybe(retries(), (b, v) -> b.retry(v)),
                texts().filter(t -> !t.isBlank()).list().ofMaxSize(3).map(ids -> b -> b.dependsOn(ids.toArray(String[]::new))),
                Arbitraries.maps(Arbitraries.strings().withCharRange('a', 'z').withChars("./-").ofMinLength(1).ofMaxLength(10),
                        texts()).ofMaxSize(3).map(labels -> b -> b.labels(labels)),
                Arbitraries.integers().map(p -> b -> b.priority(p)),
                volumes().list().ofMaxSize(3).map(vs -> b -> vs.forEach(b::volume)),
                texts().filter(t -> !t.isBlank()).list().ofMaxSize(3).map(globs -> b -> b.artifacts(globs.toArray(String[]::new))),
                maybe(segments().list().ofMinSize(1).ofMaxSize(3).map(s -> Path.of("/", s.toArray(String[]::new))),
                        (b, v) -> b.source(v)),
                texts().list().ofMaxSize(3).map(patterns -> b -> b.ignore(patterns.toArray(String[]::new))));
        return Combinators.combine(fields).as(setters -> {
            Job.Builder builder = Job.builder();
            setters.forEach(setter -> setter.accept(builder));
            return builder.build();
        });
    }

    private static <T> Arbitrary<Consumer<Job.Builder>> maybe(Arbitrary<T> values,
                                                             java.util.function.BiConsumer<Job.Builder, T> setter) {
        return values.injectNull(0.4).map(value -> b -> {
            if (value != null) {
                setter.accept(b, value);
            }
        });
    }

    /** Any text a person might write, including YAML and interpolation syntax and escapes. */
    private static Arbitrary<String> texts() {
        return Arbitraries.strings().withCharRange(' ', '~').withChars("\n\t\r\u0001\u00e9\u00a0\u0085\u2028\u6f22$${}")
                .ofMaxLength(24);
    }

    private static Arbitrary<String> words() {
        return Arbitraries.strings().withCharRange('a', 'z').withChars("-_.:0123456789").ofMinLength(1).ofMaxLength(12);
    }

    private static Arbitrary<String> segments() {
        return Arbitraries.strings().withCharRange('a', 'z').ofMinLength(1).ofMaxLength(6);
    }

    private static Arbitrary<String> names() {
        return Arbitraries.strings().withCharRange('A', 'Z').withChars("_0123456789").ofMinLength(1).ofMaxLength(8);
    }

    private static Arbitrary<Duration> durations(long minMillis) {
        return Arbitraries.oneOf(
                Arbitraries.longs().between(minMillis, 10_000_000_000L).map(Duration::ofMillis),
                Arbitraries.longs().between(Math.max(1, minMillis * 1_000_000), Long.MAX_VALUE).map(Duration::ofNanos));
    }

    private static Arbitrary<HealthCheck> healthChecks() {
        return Combinators.combine(texts().filter(t -> !t.isBlank()).list().ofMinSize(1).ofMaxSize(3), durations(1),
                durations(1), Arbitraries.integers().between(1, 10), durations(0))
                .as(HealthCheck::new);
    }

    private static Arbitrary<GpuRequest> gpus() {
        return Combinators.combine(Arbitraries.integers().between(1, 16), words().injectNull(0.5))
                .as((count, type) -> new GpuRequest(count, Optional.ofNullable(type)));
    }

    private static Arbitrary<Resources> resources() {
        return Combinators.combine(Arbitraries.doubles().between(0, 128).ofScale(3),
                Arbitraries.longs().between(0, Long.MAX_VALUE), Arbitraries.longs().between(0, 1_000_000))
                .as(Resources::new);
    }

    private static Arbitrary<RetryPolicy> retries() {
        List<FailureReason> retriable = Arrays.stream(FailureReason.values())
                .filter(r -> r != FailureReason.CANCELLED && r != FailureReason.SIGNATURE_REJECTED
                        && r != FailureReason.DEPENDENCY_FAILED && r != FailureReason.SOURCE_MISSING)
                .toList();
        return Combinators.combine(Arbitraries.integers().between(1, 20), durations(0), durations(0),
                Arbitraries.doubles().between(1, 10).ofScale(2), Arbitraries.doubles().between(0, 1).ofScale(2),
                Arbitraries.integers().between(0, 255).set().ofMaxSize(4), Arbitraries.of(retriable).set())
                .as((attempts, initial, max, multiplier, jitter, codes, reasons) -> RetryPolicy.builder()
                        .maxAttempts(attempts).initialBackoff(initial).maxBackoff(max).multiplier(multiplier)
                        .jitter(jitter).retryOnExitCodes(codes.stream().mapToInt(Integer::intValue).toArray())
                        .retryOn(reasons.toArray(FailureReason[]::new)).build());
    }

    private static Arbitrary<Volume> volumes() {
        Arbitrary<String> sources = Arbitraries.oneOf(words().filter(w -> !w.startsWith(".")),
                segments().list().ofMinSize(1).ofMaxSize(3).map(s -> "/" + String.join("/", s)));
        return Combinators.combine(sources, segments().map(s -> "/" + s), Arbitraries.of(true, false)).as(Volume::new);
    }
}
