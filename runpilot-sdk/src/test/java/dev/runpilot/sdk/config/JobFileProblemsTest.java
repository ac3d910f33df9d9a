package dev.runpilot.sdk.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.tuple;

import dev.runpilot.sdk.ConfigException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JobFileProblemsTest {
    @TempDir
    Path dir;

    private Path write(String name, String text) throws IOException {
        return Files.writeString(dir.resolve(name), text);
    }

    private List<ConfigProblem> problems(String yaml) throws IOException {
        return problemsOf(write("runpilot.yaml", yaml), JobFile.loader().variables(Map.of()));
    }

    private static List<ConfigProblem> problemsOf(Path file, JobFile.Loader loader) {
        ConfigException failure = catchThrowableOfType(ConfigException.class, () -> loader.load(file));
        assertThat(failure).as("loading %s should fail", file).isNotNull();
        return failure.problems();
    }

    @Test
    void aWrongValueSaysWhereWhatWasExpectedAndWhatWasFound() throws IOException {
        List<ConfigProblem> problems = problems("""
                name: train
                entrypoint: python train.py
                timeout: soon
                """);

        assertThat(problems).singleElement().satisfies(problem -> {
            assertThat(problem.file()).isEqualTo(dir.resolve("runpilot.yaml"));
            assertThat(problem.line()).isEqualTo(3);
            assertThat(problem.column()).isEqualTo(10);
            assertThat(problem.field()).isEqualTo("timeout");
            assertThat(problem.expected()).contains("a duration such as 90s, 1h30m or PT2H");
            assertThat(problem.found()).contains("'soon'");
            assertThat(problem.toString()).isEqualTo(dir.resolve("runpilot.yaml")
                    + ":3:10: timeout: expected a duration such as 90s, 1h30m or PT2H, found 'soon'");
        });
    }

    @Test
    void everyProblemIsReportedAtOnceInLineOrderAndListedInTheMessage() throws IOException {
        Path file = write("runpilot.yaml", """
                name: [train]
                entrypoint: python train.py
                retyr: 3
                priority: high
                gpu: {count: 0}
                """);

        ConfigException failure = catchThrowableOfType(ConfigException.class,
                () -> JobFile.loader().variables(Map.of()).load(file));

        assertThat(failure.problems()).extracting(ConfigProblem::line, ConfigProblem::column, ConfigProblem::field)
                .containsExactly(tuple(1, 7, "name"), tuple(3, 1, "retyr"), tuple(4, 11, "priority"),
                        tuple(5, 14, "gpu.count"));
        assertThat(failure.getMessage()).startsWith("Invalid job file " + file + " (4 problems):\n  " + file + ":1:7: name:")
                .contains(file + ":3:1: retyr: unknown key 'retyr'; did you mean 'retry'?")
                .contains(file + ":4:11: priority: expected an integer, found 'high'")
                .contains(file + ":5:14: gpu.count: expected an integer of at least 1, found a number (0)");
    }

    @Test
    void unknownKeysSuggestTheNearestKnownOneAtEveryLevel() throws IOException {
        List<ConfigProblem> problems = problems("""
                entrypoint: run
                workingDir: src
                timout: 5m
                retry:
                  attempts: 2
                  backof: {intial: 1s}
                resources: {cpu: 2}
                """);

        assertThat(problems).extracting(ConfigProblem::line, ConfigProblem::field, ConfigProblem::message)
                .containsExactly(
                        tuple(2, "workingDir", "unknown key 'workingDir'; did you mean 'working_dir'?"),
                        tuple(3, "timout", "unknown key 'timout'; did you mean 'timeout'?"),
                        tuple(6, "retry.backof", "unknown key 'backof'; did you mean 'backoff'?"),
                        tuple(7, "resources.cpu", "unknown key 'cpu'; did you mean 'cpus'?"));
    }

    @Test
    void anUnknownKeyFarFromEveryKnownOneListsTheChoicesInSmallBlocks() throws IOException {
        List<ConfigProblem> problems = problems("""
                entrypoint: run
                resources: {disk: 2}
                """);

        assertThat(problems).singleElement().extracting(ConfigProblem::message)
                .isEqualTo("unknown key 'disk'; expected one of cpus, memory, pids");
    }

    @Test
    void whatTheBuilderWouldRefuseComesOutLocated() throws IOException {
        assertThat(problems("name: train\n")).singleElement()
                .extracting(ConfigProblem::line, ConfigProblem::column, ConfigProblem::field)
                .containsExactly(1, 1, "command");
        assertThat(problems("command: [python, a.py]\nentrypoint: python a.py\n")).singleElement()
                .satisfies(p -> assertThat(p.toString()).contains(":2:1: entrypoint: command and entrypoint are both set"));
        assertThat(problems("entrypoint: run\ntimeout: -5s\n")).singleElement()
                .satisfies(p -> assertThat(p.toString()).endsWith(
                        ":2:10: timeout: expected a positive duration, found '-5s'; leave timeout out for no limit"));
        assertThat(problems("entrypoint: run\ntimeout: PT0S\n")).singleElement().extracting(ConfigProblem::line)
                .isEqualTo(2);
        assertThat(problems("entrypoint: '  '\n")).singleElement().extracting(ConfigProblem::column).isEqualTo(13);
        assertThat(problems("entrypoint: run\nworking_dir: ../up\n")).singleElement()
                .extracting(ConfigProblem::field, ConfigProblem::line).containsExactly("working_dir", 2);
        assertThat(problems("entrypoint: run\nenv: {1BAD: x}\n")).singleElement()
                .extracting(ConfigProblem::field, ConfigProblem::column).containsExactly("env.1BAD", 7);
        assertThat(problems("entrypoint: run\ndepends_on: [r-1, ' ']\n")).singleElement()
                .extracting(ConfigProblem::field, ConfigProblem::column).containsExactly("depends_on[1]", 19);
        assertThat(problems("entrypoint: run\nlabels: {'': x}\n")).singleElement()
                .extracting(ConfigProblem::field).isEqualTo("labels");
        assertThat(problems("entrypoint: run\nname: ''\n")).singleElement()
                .extracting(ConfigProblem::field).isEqualTo("name");
    }

    @Test
    void aCommandWrittenAsOneLineAndAnEntrypointWrittenAsAListPointToTheOtherField() throws IOException {
        assertThat(problems("command: python train.py\n")).singleElement().extracting(ConfigProblem::message)
                .isEqualTo("expected a list of arguments such as [python, train.py], found 'python train.py'; for a"
                        + " shell line use entrypoint");
        assertThat(problems("entrypoint: [python, train.py]\n")).singleElement().extracting(ConfigProblem::message)
                .isEqualTo("expected a shell command line, found a list; for an argument list use command");
    }

    @Test
    void nestedFieldsAreNamedByTheirPath() throws IOException {
        List<ConfigProblem> problems = problems("""
                entrypoint: run
                retry:
                  attempts: 3
                  backoff:
                    initial: -1s
                    multiplier: 0.5
                    jitter: 2
                  on: [exit_code, cancelled, bogus]
                  on_exit_codes: [1, 300]
                health_check: {command: [], retries: 0}
                volumes: ["data", {source: x}]
                """);

        assertThat(problems).extracting(ConfigProblem::line, ConfigProblem::field).containsExactly(
                tuple(5, "retry.backoff.initial"), tuple(6, "retry.backoff.multiplier"), tuple(7, "retry.backoff.jitter"),
                tuple(8, "retry.on[1]"), tuple(8, "retry.on[2]"), tuple(9, "retry.on_exit_codes[1]"),
                tuple(10, "health_check.command"), tuple(10, "health_check.retries"), tuple(11, "volumes[0]"),
                tuple(11, "volumes[1]"));
    }

    @Test
    void retryCountAndRetryAttemptsTogetherAreAConflict() throws IOException {
        assertThat(problems("entrypoint: run\nretry_count: 2\nretry: {attempts: 3}\n")).singleElement()
                .satisfies(p -> assertThat(p.toString()).contains(":3:9: retry.attempts: retry_count and retry.attempts"
                        + " are both set"));
        assertThat(problems("entrypoint: run\nretry: {on_exit_codes: [1]}\n")).singleElement()
                .extracting(ConfigProblem::field).isEqualTo("retry");
        assertThat(problems("entrypoint: run\nretry_count: -1\n")).singleElement()
                .extracting(ConfigProblem::expected).isEqualTo(java.util.Optional.of("an integer of at least 0"));
    }

    @Test
    void aMissingVariableIsNamedWithItsLine() throws IOException {
        List<ConfigProblem> problems = problems("""
                entrypoint: run
                image: "registry/${IMAGE_NAME}:latest"
                """);

        assertThat(problems).singleElement().satisfies(p -> assertThat(p.toString()).endsWith(":2:8: image: variable"
                + " IMAGE_NAME is not set: set it, or give a default with ${IMAGE_NAME:-value}"));
    }

    @Test
    void aMalformedReferenceIsAProblem() throws IOException {
        assertThat(problems("entrypoint: echo ${1X}\n")).singleElement().extracting(ConfigProblem::message)
                .asString().contains("is not a variable reference");
        assertThat(problems("entrypoint: echo ${HOME\n")).singleElement().extracting(ConfigProblem::message)
                .asString().startsWith("unclosed ${");
    }

    @Test
    void aSecretWithoutAValueIsLocatedAndItsValueNeverShown() throws IOException {
        write(".env", "TOKEN=hunter2\n");
        List<ConfigProblem> problems = problems("""
                entrypoint: run
                secrets: [TOKEN, MISSING]
                env: {TOKEN: visible}
                """);

        assertThat(problems).extracting(ConfigProblem::line, ConfigProblem::column, ConfigProblem::field).containsExactly(
                tuple(2, 18, "secrets"), tuple(3, 7, "env.TOKEN"));
        assertThat(problems.get(0).message()).isEqualTo("secret MISSING has no value: expected it in the env file (.env"
                + " or env_file) or in the environment");
        assertThat(problems.get(1).message()).contains("TOKEN is set both in env and as a secret (at " + dir.resolve(".env")
                + ":1:1)");
        assertThat(problems.toString()).doesNotContain("hunter2");
    }

    @Test
    void envFileProblemsPointIntoTheEnvFileWithoutQuotingValues() throws IOException {
        write("prod.env", """
                # fine
                GOOD=1
                BAD LINE
                QUOTED="s3cret-value
                """);
        List<ConfigProblem> problems = problems("entrypoint: run\nenv_file: prod.env\n");

        assertThat(problems).extracting(ConfigProblem::file, ConfigProblem::line, ConfigProblem::column)
                .containsExactly(tuple(dir.resolve("prod.env"), 3, 5), tuple(dir.resolve("prod.env"), 4, 8));
        assertThat(problems.toString()).doesNotContain("s3cret");
        assertThat(problems("entrypoint: run\nenv_file: nowhere.env\n")).singleElement()
                .satisfies(p -> assertThat(p.toString()).contains(":2:11: env_file: file not found: "));
    }

    @Test
    void duplicateKeysNameTheFirstOne() throws IOException {
        assertThat(problems("entrypoint: run\nname: a\nname: b\n")).singleElement()
                .satisfies(p -> assertThat(p.toString()).endsWith(":3:1: name: duplicate key 'name' (first set at line"
                        + " 2); keep one"));
    }

    @Test
    void yamlSyntaxErrorsPointAtTheOffendingCharacter() throws IOException {
        assertThat(problems("name: a\n\tentrypoint: run\n")).singleElement().satisfies(p -> {
            assertThat(p.line()).isEqualTo(2);
            assertThat(p.column()).isEqualTo(1);
            assertThat(p.message()).isEqualTo("a tab character cannot indent YAML; indent with spaces");
        });
        assertThat(problems("entrypoint: run\ncommand: [a, b\n")).singleElement().satisfies(p -> {
            assertThat(p.line()).isEqualTo(3);
            assertThat(p.message()).startsWith("invalid YAML: while parsing a flow sequence");
        });
    }

    @Test
    void theFileMustBeOneMappingWithContent() throws IOException {
        assertThat(problems("")).singleElement().satisfies(p -> assertThat(p.message()).startsWith("the file is empty"));
        assertThat(problems("# only a comment\n")).singleElement().extracting(ConfigProblem::line).isEqualTo(1);
        assertThat(problems("---\n")).singleElement().satisfies(p -> assertThat(p.message()).startsWith("the file is empty"));
        assertThat(problems("- name: a\n- name: b\n")).singleElement().satisfies(p -> {
            assertThat(p.found()).contains("a list");
            assertThat(p.line()).isEqualTo(1);
        });
        assertThat(problems("entrypoint: run\n---\nentrypoint: other\n")).singleElement()
                .satisfies(p -> assertThat(p.message()).startsWith("expected one YAML document, found a second one"));
    }

    @Test
    void tagsOtherThanStrAreRefusedAndStrMakesAString() throws IOException {
        assertThat(problems("entrypoint: run\nname: !!binary aGVsbG8=\n")).extracting(ConfigProblem::message)
                .anySatisfy(m -> assertThat(m).isEqualTo("YAML tag !!binary is not supported; remove it (quote a value to"
                        + " make it a string)"));
        Path file = write("str.yaml", "entrypoint: run\nname: !!str 123\n");
        assertThat(JobFile.loader().load(file).name()).isEqualTo("123");
    }

    @Test
    void aFileOverTheSizeLimitIsRefusedBeforeParsingNamingBothSizes() throws IOException {
        Path file = write("big.yaml", "entrypoint: run\n# " + "x".repeat(2000) + "\n");

        assertThat(problemsOf(file, JobFile.loader().maxFileSize(1024))).singleElement().satisfies(p -> {
            assertThat(p.line()).isEqualTo(1);
            assertThat(p.message()).startsWith("file is 2019 bytes (2.0 KiB), over the limit of 1024 bytes (1.0 KiB)");
        });
    }

    @Test
    void invalidUtf8IsLocatedAtTheBadByte() throws IOException {
        byte[] bytes = "entrypoint: run\nname: caf\u00e9 ok\n".getBytes(StandardCharsets.ISO_8859_1);
        Path file = Files.write(dir.resolve("latin1.yaml"), bytes);

        assertThat(problemsOf(file, JobFile.loader())).singleElement().satisfies(p -> {
            assertThat(p.line()).isEqualTo(2);
            assertThat(p.column()).isEqualTo(10);
            assertThat(p.message()).startsWith("invalid UTF-8 (byte 0xE9 at byte offset 25)");
        });
    }

    @Test
    void controlCharactersAreLocated() throws IOException {
        assertThat(problems("entrypoint: run\nname: a\u0000b\n")).singleElement().satisfies(p -> {
            assertThat(p.line()).isEqualTo(2);
            assertThat(p.column()).isEqualTo(8);
            assertThat(p.message()).startsWith("control character U+0000 is not allowed");
        });
    }

    @Test
    void anAliasBombIsStoppedWithALocation() throws IOException {
        StringBuilder yaml = new StringBuilder("entrypoint: run\na0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for (int i = 1; i < 10; i++) {
            yaml.append("a").append(i).append(": &a").append(i).append(" [");
            for (int j = 0; j < 10; j++) {
                yaml.append(j == 0 ? "" : ", ").append("*a").append(i - 1);
            }
            yaml.append("]\n");
        }

        assertThat(problems(yaml.toString())).singleElement().satisfies(p -> {
            assertThat(p.line()).isBetween(2, 11);
            assertThat(p.message()).contains("expands to more than 100000 values");
        });
    }

    @Test
    void anchorsAliasesAndMergeKeysWork() throws IOException {
        Path file = write("anchors.yaml", """
                x-common: &common
                  image: python:3.11
                  env: {A: "1"}
                entrypoint: run
                """);
        assertThat(problemsOf(file, JobFile.loader())).singleElement().extracting(ConfigProblem::field)
                .isEqualTo("x-common");
        Path merged = write("merged.yaml", """
                <<: {image: python:3.11, entrypoint: run}
                name: merged
                env: &env {A: "1"}
                labels: *env
                """);
        assertThat(JobFile.loader().load(merged)).satisfies(job -> {
            assertThat(job.image()).contains("python:3.11");
            assertThat(job.labels()).containsEntry("A", "1");
        });
    }

    @Test
    void aFileThatDoesNotExistIsAProblemNotAnIoException() {
        assertThat(problemsOf(dir.resolve("absent.yaml"), JobFile.loader())).singleElement()
                .satisfies(p -> assertThat(p.message()).startsWith("file not found: "));
        assertThat(problemsOf(dir, JobFile.loader())).singleElement()
                .satisfies(p -> assertThat(p.message()).startsWith("not a regular file: "));
    }

    @Test
    void theMessageListsTheFirstFiftyProblemsAndProblemsHasThemAll() throws IOException {
        StringBuilder yaml = new StringBuilder("entrypoint: run\n");
        for (int i = 0; i < 60; i++) {
            yaml.append("unknown_").append(i).append(": x\n");
        }
        Path file = write("many.yaml", yaml.toString());

        ConfigException failure = catchThrowableOfType(ConfigException.class, () -> JobFile.loader().load(file));

        assertThat(failure.problems()).hasSize(60);
        assertThat(failure.getMessage()).startsWith("Invalid job file " + file + " (60 problems):")
                .contains("unknown_49").doesNotContain("unknown_50").endsWith("... and 10 more (see problems())");
    }
}
