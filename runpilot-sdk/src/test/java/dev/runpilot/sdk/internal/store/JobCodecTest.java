package dev.runpilot.sdk.internal.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runpilot.sdk.FailureReason;
import dev.runpilot.sdk.GpuRequest;
import dev.runpilot.sdk.HealthCheck;
import dev.runpilot.sdk.Job;
import dev.runpilot.sdk.PullPolicy;
import dev.runpilot.sdk.Resources;
import dev.runpilot.sdk.RetryPolicy;
import dev.runpilot.sdk.Volume;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class JobCodecTest {
    private static final String HF_TOKEN = "hf_9d8c7b6a5f4e3d2c1b0a";
    private static final String DB_PASSWORD = "correct horse battery staple";

    @Test
    void jobWithEveryFieldRoundTripsWhenSecretsAreSuppliedBack() {
        Job job = fullJob();

        Job read = JobCodec.fromJson(JobCodec.toJson(job), job.secrets());

        assertThat(read).isEqualTo(job);
    }

    @Test
    void entrypointJobRoundTrips() {
        Job job = Job.builder().name("shell").entrypoint("python train.py --epochs 3 | tee out.log")
                .secret("HF_TOKEN", HF_TOKEN).build();

        assertThat(JobCodec.fromJson(JobCodec.toJson(job), job.secrets())).isEqualTo(job);
    }

    @Test
    void minimalJobRoundTripsWithItsDefaults() {
        Job job = Job.builder().command("true").build();

        Job read = JobCodec.fromJson(JobCodec.toJson(job), Map.of());

        assertThat(read).isEqualTo(job);
        assertThat(read.retry()).isEqualTo(RetryPolicy.none());
    }

    @Test
    void jsonHoldsSecretNamesButNeverTheirValues() {
        String json = JobCodec.toJson(fullJob());

        assertThat(json)
                .contains("HF_TOKEN", "DB_PASSWORD")
                .doesNotContain(HF_TOKEN)
                .doesNotContain(DB_PASSWORD);
    }

    @Test
    void secretsReadBackWithoutValuesAreMasked() {
        Job job = fullJob();

        Job read = JobCodec.fromJson(JobCodec.toJson(job), Map.of());

        assertThat(read.secrets()).containsExactlyInAnyOrderEntriesOf(Map.of("HF_TOKEN", "***", "DB_PASSWORD", "***"));
        assertThat(read).isEqualTo(job.toBuilder().secret("HF_TOKEN", "***").secret("DB_PASSWORD", "***").build());
    }

    @Test
    void onlyUnsuppliedSecretsAreMasked() {
        Job job = fullJob();

        Job read = JobCodec.fromJson(JobCodec.toJson(job), Map.of("HF_TOKEN", HF_TOKEN));

        assertThat(read.secrets()).containsExactlyInAnyOrderEntriesOf(Map.of("HF_TOKEN", HF_TOKEN, "DB_PASSWORD", JobCodec.MASK));
    }

    @Test
    void secretsJsonRoundTrips() {
        Map<String, String> secrets = Map.of("HF_TOKEN", HF_TOKEN, "DB_PASSWORD", DB_PASSWORD);

        assertThat(JobCodec.secretsFromJson(JobCodec.secretsToJson(secrets))).isEqualTo(secrets);
    }

    @Test
    void malformedStoredJobIsReportedAsSuch() {
        assertThatThrownBy(() -> JobCodec.fromJson("{\"name\": ", Map.of()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("Stored job is not valid JSON");
    }

    private static Job fullJob() {
        return Job.builder()
                .name("train")
                .image("python:3.11")
                .command("python", "train.py", "--epochs", "3")
                .env("EPOCHS", "3")
                .env("GREETING", "héllo \"world\"\n")
                .secret("HF_TOKEN", HF_TOKEN)
                .secret("DB_PASSWORD", DB_PASSWORD)
                .workingDir("src/app")
                .gpu(new GpuRequest(2, Optional.of("a100")))
                .resources(new Resources(2.5, 8L << 30, 512))
                .user("1000:1000")
                .network("none")
                .pullPolicy(PullPolicy.NEVER)
                .healthCheck(new HealthCheck(List.of("cat", "/tmp/ok"), Duration.ofSeconds(5), Duration.ofSeconds(2), 2,
                        Duration.ofMillis(1500)))
                .resourceClass("gpu-large")
                .timeout(Duration.ofMinutes(90))
                .retry(RetryPolicy.builder()
                        .maxAttempts(4)
                        .initialBackoff(Duration.ofMillis(250))
                        .multiplier(1.5)
                        .maxBackoff(Duration.ofSeconds(30))
                        .jitter(0.35)
                        .retryOn(FailureReason.EXIT_CODE, FailureReason.TIMEOUT, FailureReason.UNHEALTHY)
                        .retryOnExitCodes(75, 137)
                        .build())
                .dependsOn("r-1", "r-2")
                .label("team", "ml")
                .label("exp", "42")
                .priority(-3)
                .volume(new Volume("/data", "/mnt/data", true))
                .volume(new Volume("cache", "/root/.cache", false))
                .artifacts("out/*.pt", "logs/**")
                .source(Path.of("projects/train"))
                .ignore("*.ckpt", ".venv/")
                .build();
    }

    @Test
    void subMillisecondDurationsRoundTripExactly() {
        Job job = Job.builder().command("true").timeout(Duration.ofNanos(1_500_000_123L))
                .retry(RetryPolicy.builder().maxAttempts(2).initialBackoff(Duration.ofNanos(500)).build()).build();
        assertThat(JobCodec.fromJson(JobCodec.toJson(job), Map.of())).isEqualTo(job);
    }
}
