package dev.runpilot.sdk.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.runpilot.sdk.ConfigException;
import dev.runpilot.sdk.GpuRequest;
import dev.runpilot.sdk.Job;
import dev.runpilot.sdk.RetryPolicy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JobFileInheritanceTest {
    @TempDir
    Path dir;

    private Path write(String name, String text) throws IOException {
        Path file = dir.resolve(name);
        Files.createDirectories(file.getParent());
        return Files.writeString(file, text);
    }

    private static List<ConfigProblem> problemsOf(Path file, JobFile.Loader loader) {
        ConfigException failure = catchThrowableOfType(ConfigException.class, () -> loader.load(file));
        assertThat(failure).as("loading %s should fail", file).isNotNull();
        return failure.problems();
    }

    @Test
    void extendsMergesMappingsKeyByKeyAndReplacesListsAndScalars() throws IOException {
        write("base/common.yaml", """
                image: python:3.11
                command: [python, train.py]
                env: {LOG_LEVEL: info, DATA: /data}
                labels: {team: ml}
                artifacts: ["out/*.pt", "logs/*"]
                resources: {cpus: 2, memory: 4g}
                timeout: 1h
                """);
        write("jobs/base.yaml", """
                extends: ../base/common.yaml
                env: {LOG_LEVEL: debug}
                timeout: 2h
                """);
        Path file = write("jobs/large.yaml", """
                extends: base.yaml
                name: large
                artifacts: ["out/final.pt"]
                resources: {memory: 16g}
                """);

        Job job = JobFile.loader().load(file);

        assertThat(job.name()).isEqualTo("large");
        assertThat(job.image()).contains("python:3.11");
        assertThat(job.command()).containsExactly("python", "train.py");
        assertThat(job.env()).isEqualTo(Map.of("LOG_LEVEL", "debug", "DATA", "/data"));
        assertThat(job.artifacts()).containsExactly("out/final.pt");
        assertThat(job.resources()).hasValueSatisfying(r -> {
            assertThat(r.cpus()).isEqualTo(2.0);
            assertThat(r.memoryBytes()).isEqualTo(16L << 30);
        });
        assertThat(job.timeout()).contains(Duration.ofHours(2));
    }

    @Test
    void nullRemovesAnInheritedValueFromEveryLayerBeneath() throws IOException {
        write("runpilot.defaults.yaml", "gpu: true\nlabels: {team: ml, cost: high}\n");
        write("base.yaml", "entrypoint: run\ntimeout: 1h\n");
        Path file = write("job.yaml", """
                extends: base.yaml
                gpu: null
                timeout: ~
                labels: {cost: }
                """);

        Job job = JobFile.loader().load(file);

        assertThat(job.gpu()).isEmpty();
        assertThat(job.timeout()).isEmpty();
        assertThat(job.labels()).isEqualTo(Map.of("team", "ml"));
    }

    @Test
    void settingCommandOrEntrypointReplacesTheOtherInherited() throws IOException {
        write("base.yaml", "entrypoint: python train.py\nretry_count: 2\n");
        Path file = write("job.yaml", "extends: base.yaml\ncommand: [python, eval.py]\nretry: {attempts: 5}\n");

        Job job = JobFile.loader().load(file);

        assertThat(job.entrypoint()).isEmpty();
        assertThat(job.command()).containsExactly("python", "eval.py");
        assertThat(job.retry().maxAttempts()).isEqualTo(5);
    }

    @Test
    void anExtendsCycleIsReportedWithTheWholeChainAtTheExtendsThatClosesIt() throws IOException {
        Path a = write("a.yaml", "extends: b.yaml\nentrypoint: run\n");
        write("b.yaml", "extends: c.yaml\n");
        write("c.yaml", "name: c\nextends: a.yaml\n");

        assertThat(problemsOf(a, JobFile.loader())).singleElement().satisfies(p -> {
            assertThat(p.file()).isEqualTo(dir.resolve("c.yaml"));
            assertThat(p.line()).isEqualTo(2);
            assertThat(p.column()).isEqualTo(10);
            assertThat(p.field()).isEqualTo("extends");
            Path real = dir.toRealPath();
            assertThat(p.message()).startsWith("extends cycle: " + real.resolve("a.yaml") + " -> " + real.resolve("b.yaml")
                    + " -> " + real.resolve("c.yaml") + " -> " + real.resolve("a.yaml"));
        });
        Path self = write("self.yaml", "extends: ./self.yaml\n");
        assertThat(problemsOf(self, JobFile.loader())).singleElement().extracting(ConfigProblem::message).asString()
                .startsWith("extends cycle: ");
    }

    @Test
    void aMissingBaseIsLocatedAtTheExtendsValue() throws IOException {
        Path file = write("job.yaml", "entrypoint: run\nextends: nowhere.yaml\n");

        assertThat(problemsOf(file, JobFile.loader())).singleElement().satisfies(p -> {
            assertThat(p.line()).isEqualTo(2);
            assertThat(p.column()).isEqualTo(10);
            assertThat(p.message()).startsWith("file not found: " + dir.resolve("nowhere.yaml"));
        });
    }

    @Test
    void problemsInABaseFileAreLocatedInThatFile() throws IOException {
        write("base.yaml", "entrypoint: run\ntimeout: later\n");
        Path file = write("job.yaml", "extends: base.yaml\nname: job\n");

        assertThat(problemsOf(file, JobFile.loader())).singleElement().satisfies(p -> {
            assertThat(p.file()).isEqualTo(dir.resolve("base.yaml"));
            assertThat(p.line()).isEqualTo(2);
        });
    }

    @Test
    void anEnvironmentOverlayIsAppliedOnTopOfEverything() throws IOException {
        write("runpilot.defaults.yaml", """
                environments:
                  prod: {labels: {stage: prod}}
                """);
        Path file = write("train.yaml", """
                name: train
                entrypoint: python train.py
                gpu: 1
                timeout: 1h
                environments:
                  dev:
                    gpu: false
                    timeout: 5m
                  prod:
                    gpu: {count: 8, type: h100}
                    retry_count: 2
                """);

        Job none = JobFile.loader().load(file);
        Job dev = Job.fromYaml(file, "dev");
        Job prod = JobFile.loader().environment("prod").load(file);

        assertThat(none.gpu()).contains(GpuRequest.of(1));
        assertThat(dev.gpu()).isEmpty();
        assertThat(dev.timeout()).contains(Duration.ofMinutes(5));
        assertThat(prod.gpu()).contains(new GpuRequest(8, Optional.of("h100")));
        assertThat(prod.retry()).isEqualTo(RetryPolicy.maxAttempts(3));
        assertThat(prod.labels()).isEqualTo(Map.of("stage", "prod"));
        assertThat(prod.timeout()).contains(Duration.ofHours(1));
    }

    @Test
    void anUnknownEnvironmentListsTheKnownOnes() throws IOException {
        Path file = write("train.yaml", """
                entrypoint: run
                environments:
                  dev: {}
                  prod: {}
                """);

        assertThat(problemsOf(file, JobFile.loader().environment("prd"))).singleElement().satisfies(p -> {
            assertThat(p.line()).isEqualTo(2);
            assertThat(p.field()).isEqualTo("environments");
            assertThat(p.message()).isEqualTo("unknown environment 'prd': the file defines dev, prod; did you mean 'prod'?");
        });
        Path plain = write("plain.yaml", "entrypoint: run\n");
        assertThat(problemsOf(plain, JobFile.loader().environment("prod"))).singleElement()
                .extracting(ConfigProblem::message).asString().endsWith("the file defines no environments");
    }

    @Test
    void environmentsThatAreNotChosenAreStillCheckedForUnknownKeysButNotInterpolated() throws IOException {
        Path file = write("train.yaml", """
                entrypoint: run
                environments:
                  dev:
                    timout: 5m
                  prod:
                    image: ${PROD_IMAGE}
                    extends: other.yaml
                """);

        assertThat(problemsOf(file, JobFile.loader().variables(Map.of())))
                .extracting(ConfigProblem::line, ConfigProblem::field)
                .containsExactly(org.assertj.core.api.Assertions.tuple(4, "environments.dev.timout"),
                        org.assertj.core.api.Assertions.tuple(7, "environments.prod.extends"));
    }

    @Test
    void theProjectDefaultsFileAppliesBeneathEveryJobInItsDirectoryUnlessTurnedOff() throws IOException {
        write("runpilot.defaults.yaml", "image: python:3.11\nlabels: {team: ml}\nentrypoint: echo default\n");
        Path file = write("job.yaml", "name: job\nentrypoint: echo mine\nlabels: {owner: me}\n");

        Job job = Job.fromYaml(file);
        Job bare = JobFile.loader().projectDefaults(false).load(file);

        assertThat(job.image()).contains("python:3.11");
        assertThat(job.labels()).isEqualTo(Map.of("team", "ml", "owner", "me"));
        assertThat(job.entrypoint()).contains("echo mine");
        assertThat(bare.image()).isEmpty();
        assertThat(bare.labels()).isEqualTo(Map.of("owner", "me"));
    }

    @Test
    void pathsAreResolvedAgainstTheFileThatWritesThem() throws IOException {
        write("shared/base.yaml", "entrypoint: run\nsource: ../project\nenv_file: base.env\n");
        write("shared/base.env", "TOKEN=x\n");
        Path file = write("jobs/job.yaml", "extends: ../shared/base.yaml\nvolumes: [./cache:/cache]\n");

        Job job = JobFile.loader().load(file);

        assertThat(job.source()).contains(dir.resolve("project").toAbsolutePath().normalize());
        assertThat(job.secrets()).containsEntry("TOKEN", "x");
        assertThat(job.volumes()).singleElement().extracting(v -> v.source())
                .isEqualTo(dir.resolve("jobs/cache").toAbsolutePath().normalize().toString());
    }
}
