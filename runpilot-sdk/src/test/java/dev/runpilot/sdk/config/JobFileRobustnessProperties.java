package dev.runpilot.sdk.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.runpilot.sdk.ConfigException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/** Whatever bytes a job file holds, loading it gives a job or a located ConfigException, never anything else. */
class JobFileRobustnessProperties {
    private static final String VALID = """
            name: train
            image: python:3.11
            entrypoint: python train.py --data ${DATA:-/data}
            env: {A: "1", B: two}
            gpu: {count: 2, type: a100}
            resources: {cpus: 1.5, memory: 4g}
            timeout: 1h30m
            retry: {attempts: 3, backoff: {initial: 5s}, on: [exit_code]}
            labels: &labels {team: ml}
            volumes: ["./data:/data:ro"]
            environments:
              prod: {priority: 5, labels: *labels}
            """;
    private static final List<String> TOKENS = List.of("name", "entrypoint", "command", "env", "retry", "gpu", ":", ": ",
            " ", "  ", "\n", "\n  ", "- ", "[", "]", "{", "}", ", ", "&a ", "*a", "<<: ", "!!str ", "!!binary ", "!x ",
            "\"", "'", "# c", "${X}", "${X:-d}", "$${", "${", "\t", "entrypoint: run\n", "extends: fuzz.yaml\n",
            "extends: other.yaml\n", "env_file: .env\n", "? ", "|\n", ">-\n", "---\n", "...\n", "%YAML 1.2\n", "~",
            "null", "true", "1.5", "-5s", "0x1F", "1_000", "99999999999999999999", "\\u0000", "\u00e9", "\uFEFF",
            "secrets: [S]\n", "environments: {dev: {", "timeout: ", "volumes: [", "on: [cancelled]");

    private static Path dir;

    @BeforeContainer
    static void createDirectory() throws IOException {
        dir = Files.createTempDirectory("runpilot-fuzz");
        Files.writeString(dir.resolve("other.yaml"), "extends: fuzz.yaml\nentrypoint: run\n");
        Files.writeString(dir.resolve(".env"), "S=secret\nBROKEN LINE\n");
    }

    @AfterContainer
    static void deleteDirectory() throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(file);
            }
        }
    }

    @Provide
    Arbitrary<byte[]> randomBytes() {
        return Arbitraries.bytes().array(byte[].class).ofMaxSize(2000);
    }

    @Provide
    Arbitrary<byte[]> tokenSoup() {
        return Arbitraries.of(TOKENS).list().ofMaxSize(60).map(tokens -> String.join("", tokens).getBytes(StandardCharsets.UTF_8));
    }

    @Provide
    Arbitrary<byte[]> mutatedValidFiles() {
        Arbitrary<Integer> positions = Arbitraries.integers().between(0, VALID.length());
        Arbitrary<String> insertions = Arbitraries.oneOf(Arbitraries.of(TOKENS), Arbitraries.strings().ofMaxLength(5));
        return Combinators.combine(positions, positions, insertions, Arbitraries.integers().between(0, 2))
                .as((from, to, insertion, kind) -> {
                    int start = Math.min(from, to);
                    int end = Math.max(from, to);
                    String mutated = switch (kind) {
                        case 0 -> VALID.substring(0, start) + VALID.substring(end);
                        case 1 -> VALID.substring(0, start) + insertion + VALID.substring(start);
                        default -> VALID.substring(0, end) + VALID.substring(start, end) + VALID.substring(end);
                    };
                    return mutated.getBytes(StandardCharsets.UTF_8);
                });
    }

    @Property(tries = 400)
    void randomBytesGiveALocatedConfigException(@ForAll("randomBytes") byte[] content) throws IOException {
        assertLoadsOrFailsLocated(content);
    }

    @Property(tries = 500)
    void yamlTokenSoupGivesAJobOrALocatedConfigException(@ForAll("tokenSoup") byte[] content) throws IOException {
        assertLoadsOrFailsLocated(content);
    }

    @Property(tries = 500)
    void aMutatedValidFileGivesAJobOrALocatedConfigException(@ForAll("mutatedValidFiles") byte[] content)
            throws IOException {
        assertLoadsOrFailsLocated(content);
    }

    private static void assertLoadsOrFailsLocated(byte[] content) throws IOException {
        Path file = Files.write(dir.resolve("fuzz.yaml"), content);

        Throwable thrown = catchThrowable(() -> JobFile.loader().variables(Map.of("X", "x")).environment("dev").load(file));

        if (thrown != null) {
            assertThat(thrown).isInstanceOf(ConfigException.class);
            assertThat(thrown.getCause()).as("no internal failure behind %s", thrown.getMessage()).isNull();
            assertThat(((ConfigException) thrown).problems()).isNotEmpty().allSatisfy(problem -> {
                assertThat(problem.line()).isPositive();
                assertThat(problem.column()).isPositive();
                assertThat(problem.message()).isNotBlank();
            });
        }
    }
}
