package dev.runpilot.sdk.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.runpilot.sdk.ConfigException;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every file under {@code config/malformed} is a job file that must fail with a {@link ConfigException}
 * whose problems are located, and never with any other exception. The table pins where and why.
 */
class MalformedConfigCorpusTest {
    private static final Path CORPUS = Path.of("src/test/resources/config/malformed");

    /** File name -> "line:column" of the first problem and a fragment of its message. */
    private static final Map<String, List<String>> EXPECTED = Map.ofEntries(
            Map.entry("tabs.yaml", List.of("4:1", "a tab character cannot indent YAML")),
            Map.entry("wrong-types.yaml", List.of("1:7", "expected a string, found a list")),
            Map.entry("unknown-keys.yaml", List.of("3:1", "did you mean 'retry'?")),
            Map.entry("cycle-a.yaml", List.of("2:10", "extends cycle: ")),
            Map.entry("cycle-b.yaml", List.of("3:10", "extends cycle: ")),
            Map.entry("missing-variable.yaml", List.of("2:8", "variable REGISTRY_THAT_IS_NEVER_SET_ANYWHERE is not set")),
            Map.entry("binary-garbage.yaml", List.of("1:3", "invalid UTF-8 (byte 0x8C at byte offset 2)")),
            Map.entry("invalid-utf8.yaml", List.of("1:10", "invalid UTF-8 (byte 0xE9 at byte offset 9)")),
            Map.entry("utf16.yaml", List.of("1:1", "invalid UTF-8 (byte 0xFF at byte offset 0)")),
            Map.entry("nul-byte.yaml", List.of("1:12", "control character U+0000")),
            Map.entry("control-characters.yaml", List.of("1:9", "control character U+001B")),
            Map.entry("empty.yaml", List.of("1:1", "the file is empty")),
            Map.entry("comments-only.yaml", List.of("1:1", "the file is empty")),
            Map.entry("directive-only.yaml", List.of("3:1", "the file is empty")),
            Map.entry("top-level-list.yaml", List.of("1:1", "expected a mapping of job fields")),
            Map.entry("scalar-document.yaml", List.of("1:1", "found 'just a sentence'")),
            Map.entry("duplicate-keys.yaml", List.of("3:1", "duplicate key 'name' (first set at line 1)")),
            Map.entry("alias-bomb.yaml", List.of("", "expands to more than 100000 values")),
            Map.entry("deep-nesting.yaml", List.of("", "nested deeper than 64 levels")),
            Map.entry("deep-block-nesting.yaml", List.of("", "nested deeper than 64 levels")),
            Map.entry("unclosed-flow.yaml", List.of("", "invalid YAML")),
            Map.entry("unclosed-quote.yaml", List.of("", "invalid YAML")),
            Map.entry("bad-indentation.yaml", List.of("2:13", "invalid YAML")),
            Map.entry("windows-line-endings-and-tabs.yaml", List.of("3:1", "a tab character cannot indent YAML")),
            Map.entry("two-documents.yaml", List.of("4:1", "found a second one")),
            Map.entry("binary-tag.yaml", List.of("1:7", "YAML tag !!binary is not supported")),
            Map.entry("custom-tag.yaml", List.of("1:7", "YAML tag !secret is not supported")),
            Map.entry("unknown-alias.yaml", List.of("1:7", "alias *nowhere refers to no anchor")),
            Map.entry("bad-env-file.yaml", List.of("2:6", "expected '=' after this")),
            Map.entry("missing-extends.yaml", List.of("1:10", "file not found: ")),
            Map.entry("extends-not-a-path.yaml", List.of("1:10", "expected the path of a job file to extend")),
            Map.entry("merge-key-scalar.yaml", List.of("1:5", "expected a mapping or a list of mappings to merge")),
            Map.entry("huge-number.yaml", List.of("2:11", "expected an integer")),
            Map.entry("secret-without-value.yaml", List.of("3:11", "secret SECRET_THAT_IS_NEVER_SET_ANYWHERE has no value")),
            Map.entry("environments-not-a-mapping.yaml", List.of("2:15", "expected a mapping of environment names")),
            Map.entry("complex-key.yaml", List.of("1:4", "complex keys such as ? [a, b] are not supported")),
            Map.entry("no-command.yaml", List.of("1:1", "no command")),
            Map.entry("command-and-entrypoint.yaml", List.of("2:1", "command and entrypoint are both set")),
            Map.entry("negative-timeout.yaml", List.of("2:10", "expected a positive duration, found '-5m'")));

    static Stream<Path> corpus() throws IOException {
        try (Stream<Path> files = Files.list(CORPUS)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".yaml")).sorted().toList().stream();
        }
    }

    @Test
    void everyFileOfTheCorpusHasAnExpectation() throws IOException {
        assertThat(corpus().map(f -> f.getFileName().toString())).containsExactlyInAnyOrderElementsOf(EXPECTED.keySet());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void eachMalformedFileFailsWithLocatedProblemsOnly(Path file) {
        Throwable thrown = catchThrowable(() -> JobFile.loader().variables(Map.of()).load(file));

        assertThat(thrown).isInstanceOf(ConfigException.class);
        List<ConfigProblem> problems = ((ConfigException) thrown).problems();
        assertThat(problems).isNotEmpty().allSatisfy(problem -> {
            assertThat(problem.line()).isPositive();
            assertThat(problem.column()).isPositive();
            assertThat(problem.file().toAbsolutePath().normalize().getParent())
                    .isEqualTo(CORPUS.toAbsolutePath().normalize());
        });
        List<String> expected = EXPECTED.get(file.getFileName().toString());
        ConfigProblem first = problems.get(0);
        if (!expected.get(0).isEmpty()) {
            assertThat(first.line() + ":" + first.column()).as(first.toString()).isEqualTo(expected.get(0));
        }
        assertThat(first.message()).as(first.toString()).contains(expected.get(1));
        assertThat(thrown.getMessage()).contains(first.location());
    }

    @Test
    void aFiftyMegabyteFileIsRefusedBeforeItIsReadNamingItsSizeAndTheLimit(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("huge.yaml");
        try (RandomAccessFile sparse = new RandomAccessFile(file.toFile(), "rw")) {
            sparse.setLength(50L * 1024 * 1024);
        }

        Throwable thrown = catchThrowable(() -> JobFile.loader().load(file));

        assertThat(thrown).isInstanceOf(ConfigException.class);
        assertThat(((ConfigException) thrown).problems()).singleElement().satisfies(problem -> {
            assertThat(problem.location()).isEqualTo(file + ":1:1");
            assertThat(problem.message()).startsWith("file is 52428800 bytes (50.0 MiB), over the limit of 1048576 bytes"
                    + " (1.0 MiB)");
        });
    }
}
