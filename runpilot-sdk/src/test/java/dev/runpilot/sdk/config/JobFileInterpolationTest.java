package dev.runpilot.sdk.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runpilot.sdk.GpuRequest;
import dev.runpilot.sdk.Job;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JobFileInterpolationTest {
    @TempDir
    Path dir;

    private Job load(String yaml, Map<String, String> variables) throws IOException {
        return JobFile.loader().variables(variables).load(Files.writeString(dir.resolve("runpilot.yaml"), yaml));
    }

    @Test
    void stringValuesAreInterpolatedFromTheLoaderVariables() throws IOException {
        Job job = load("""
                name: train-${RUN:-local}
                image: ${REGISTRY}/trainer:${TAG:-latest}
                entrypoint: python train.py --data $${DATA_DIR} --user $USER
                env: {BUCKET: "s3://${BUCKET}/runs"}
                depends_on: ["${PREPARE_RUN}"]
                """, Map.of("REGISTRY", "ghcr.io/acme", "BUCKET", "ml", "PREPARE_RUN", "r-42"));

        assertThat(job.name()).isEqualTo("train-local");
        assertThat(job.image()).contains("ghcr.io/acme/trainer:latest");
        assertThat(job.entrypoint()).contains("python train.py --data ${DATA_DIR} --user $USER");
        assertThat(job.env()).containsEntry("BUCKET", "s3://ml/runs");
        assertThat(job.dependsOn()).containsExactly("r-42");
    }

    @Test
    void anInterpolatedStringIsAcceptedWhereANumberBooleanOrDurationIsExpected() throws IOException {
        Job job = load("""
                entrypoint: run
                priority: ${PRIORITY:-3}
                timeout: ${TIMEOUT}
                gpu: ${GPUS}
                retry_count: ${RETRIES:-2}
                volumes: [{source: cache, target: /c, read_only: "${RO}"}]
                """, Map.of("TIMEOUT", "45m", "GPUS", "4", "RO", "true"));

        assertThat(job.priority()).isEqualTo(3);
        assertThat(job.timeout()).contains(Duration.ofMinutes(45));
        assertThat(job.gpu()).contains(GpuRequest.of(4));
        assertThat(job.retry().maxAttempts()).isEqualTo(3);
        assertThat(job.volumes().get(0).readOnly()).isTrue();
    }

    @Test
    void aQuotedNumberWithoutInterpolationIsStillAString() throws IOException {
        assertThat(org.assertj.core.api.Assertions.catchThrowableOfType(dev.runpilot.sdk.ConfigException.class,
                () -> load("entrypoint: run\npriority: \"3\"\n", Map.of())).problems())
                .singleElement().extracting(ConfigProblem::field).isEqualTo("priority");
    }

    @Test
    void keysAndEnvFileValuesAreNotInterpolated() throws IOException {
        Files.writeString(dir.resolve(".env"), "PASSWORD='pa${ss}'\n");

        Job job = load("entrypoint: run\nlabels: {\"${KEY}\": v}\n", Map.of("KEY", "k"));

        assertThat(job.labels()).containsOnlyKeys("${KEY}");
        assertThat(job.secrets()).containsEntry("PASSWORD", "pa${ss}");
    }

    @Test
    void secretsListedByNameComeFromTheEnvFileOrTheVariables() throws IOException {
        Files.writeString(dir.resolve(".env"), "FROM_FILE=f\n");

        Job job = load("""
                entrypoint: run
                secrets: [FROM_FILE, FROM_ENV]
                """, Map.of("FROM_ENV", "e", "UNRELATED", "u"));

        assertThat(job.secrets()).isEqualTo(Map.of("FROM_FILE", "f", "FROM_ENV", "e"));
    }

    @Test
    void secretsGivenAsAMappingTakeInterpolatedValuesAndWinOverTheEnvFile() throws IOException {
        Files.writeString(dir.resolve(".env"), "TOKEN=old\n");

        Job job = load("""
                entrypoint: run
                secrets:
                  TOKEN: ${CI_TOKEN}
                env_file: [.env]
                """, Map.of("CI_TOKEN", "new"));

        assertThat(job.secrets()).isEqualTo(Map.of("TOKEN", "new"));
        assertThat(job.toString()).doesNotContain("new");
    }

    @Test
    void anEmptyEnvFileListTurnsTheImplicitEnvFileOff() throws IOException {
        Files.writeString(dir.resolve(".env"), "TOKEN=x\n");

        assertThat(load("entrypoint: run\nenv_file: []\n", Map.of()).secrets()).isEmpty();
    }
}
