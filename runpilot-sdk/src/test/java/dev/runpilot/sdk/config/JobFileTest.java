package dev.runpilot.sdk.config;

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
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JobFileTest {
    @TempDir
    Path dir;

    private Path write(String name, String text) throws IOException {
        Path file = dir.resolve(name);
        Files.createDirectories(file.getParent());
        return Files.writeString(file, text);
    }

    @Test
    void todaysFileLoadsUnchangedWithSecretsFromTheEnvFileBesideIt() throws IOException {
        Path file = write("runpilot.yaml", """
                name: training-run
                image: pytorch/pytorch:2.0.1-cuda11.7-cudnn8-runtime
                gpu: true
                entrypoint: python train.py --epochs 100
                """);
        write(".env", """
                # credentials for the data bucket
                WANDB_API_KEY=abc123
                export HF_TOKEN="hf secret"
                """);

        Job job = Job.fromYaml(file);

        assertThat(job).isEqualTo(Job.builder()
                .name("training-run")
                .image("pytorch/pytorch:2.0.1-cuda11.7-cudnn8-runtime")
                .gpu(GpuRequest.of(1))
                .entrypoint("python train.py --epochs 100")
                .secret("WANDB_API_KEY", "abc123")
                .secret("HF_TOKEN", "hf secret")
                .build());
    }

    @Test
    void everyFieldLoadsIntoTheSameJobTheBuilderMakes() throws IOException {
        Path file = write("jobs/train.yaml", """
                name: train
                image: python:3.11
                command: [python, train.py, --epochs, 10]
                env:
                  EPOCHS: 10
                  MODE: fast
                env_file: secrets.env
                secrets: [EXTRA_TOKEN]
                working_dir: src
                user: "1000:1000"
                network: none
                pull_policy: always
                health_check:
                  command: [curl, -f, http://localhost/health]
                  interval: 10s
                  timeout: 2s
                  retries: 5
                  start_period: 1m
                gpu: {count: 2, type: a100}
                resources: {cpus: 1.5, memory: 4g, pids: 256}
                resource_class: gpu-large
                timeout: 1h30m
                retry:
                  attempts: 4
                  backoff: {initial: 5s, multiplier: 3, max: 10m, jitter: 0.1}
                  on_exit_codes: [75, 137]
                  on: [exit_code, oom_killed]
                depends_on: [r-1, r-2]
                labels: {team: ml, tier: 1}
                priority: 7
                volumes:
                  - ./data:/data:ro
                  - {source: cache, target: /cache}
                artifacts: ["out/*.pt", "logs/**"]
                source: ..
                ignore: ["*.ckpt"]
                """);
        write("jobs/secrets.env", "API_TOKEN='t0k3n'\n");

        Job job = JobFile.loader().variables(Map.of("EXTRA_TOKEN", "xtra")).load(file);

        assertThat(job).isEqualTo(Job.builder()
                .name("train")
                .image("python:3.11")
                .command("python", "train.py", "--epochs", "10")
                .env("EPOCHS", "10")
                .env("MODE", "fast")
                .secret("API_TOKEN", "t0k3n")
                .secret("EXTRA_TOKEN", "xtra")
                .workingDir("src")
                .user("1000:1000")
                .network("none")
                .pullPolicy(PullPolicy.ALWAYS)
                .healthCheck(new HealthCheck(List.of("curl", "-f", "http://localhost/health"), Duration.ofSeconds(10),
                        Duration.ofSeconds(2), 5, Duration.ofMinutes(1)))
                .gpu(new GpuRequest(2, Optional.of("a100")))
                .resources(new Resources(1.5, 4L << 30, 256))
                .resourceClass("gpu-large")
                .timeout(Duration.ofMinutes(90))
                .retry(RetryPolicy.builder().maxAttempts(4).initialBackoff(Duration.ofSeconds(5)).multiplier(3)
                        .maxBackoff(Duration.ofMinutes(10)).jitter(0.1).retryOnExitCodes(75, 137)
                        .retryOn(FailureReason.EXIT_CODE, FailureReason.OOM_KILLED).build())
                .dependsOn("r-1", "r-2")
                .label("team", "ml")
                .label("tier", "1")
                .priority(7)
                .volume(new Volume(dir.resolve("jobs/data").toString(), "/data", true))
                .volume(new Volume("cache", "/cache", false))
                .artifacts("out/*.pt", "logs/**")
                .source(dir.toAbsolutePath().normalize())
                .ignore("*.ckpt")
                .build());
    }
}
