package dev.runpilot.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JobTest {
    private static final String SECRET_VALUE = "s3cr3t-Value-9f2c";

    @Test
    void reportsEveryProblemInOneException() {
        Job.Builder builder = Job.builder()
                .name("broken")
                .timeout(Duration.ofSeconds(-5))
                .env("1BAD", "x")
                .env("TOKEN", "plain")
                .secret("bad-name", SECRET_VALUE)
                .secret("TOKEN", SECRET_VALUE)
                .workingDir("/abs/dir");

        InvalidJobException e = catchThrowableOfType(InvalidJobException.class, builder::build);

        assertThat(e).isNotNull();
        assertThat(e.getMessage())
                .startsWith("Invalid job 'broken': ")
                .contains("no command: set command(")
                .contains("timeout must be positive, was PT-5S")
                .contains("env name '1BAD' is not a valid variable name")
                .contains("secret name 'bad-name' is not a valid variable name")
                .contains("'TOKEN' is set both as env and as secret; keep one")
                .contains("workingDir must be a relative path inside the work directory, was '/abs/dir'")
                .doesNotContain(SECRET_VALUE);
    }

    @Test
    void rejectsJobWithoutCommand() {
        assertThatThrownBy(() -> Job.builder().build())
                .isInstanceOf(InvalidJobException.class)
                .hasMessageContaining("no command: set command(\"program\", \"arg\", ...) or entrypoint(\"shell command line\")");
    }

    @Test
    void rejectsJobWithBothCommandAndEntrypoint() {
        assertThatThrownBy(() -> Job.builder().command("python", "train.py").entrypoint("python train.py").build())
                .isInstanceOf(InvalidJobException.class)
                .hasMessageContaining("both command and entrypoint are set: keep one");
    }

    @Test
    void rejectsBlankEntrypointAndBlankProgram() {
        assertThatThrownBy(() -> Job.builder().entrypoint("  ").build())
                .isInstanceOf(InvalidJobException.class)
                .hasMessageContaining("entrypoint must not be blank");
        assertThatThrownBy(() -> Job.builder().command(" ", "arg").build())
                .isInstanceOf(InvalidJobException.class)
                .hasMessageContaining("command must start with a program name");
    }

    @Test
    void rejectsNegativeTimeout() {
        assertThatThrownBy(() -> Job.builder().command("true").timeout(Duration.ofMillis(-1)).build())
                .isInstanceOf(InvalidJobException.class)
                .hasMessageContaining("timeout must be positive, was PT-0.001S; leave it unset for no limit");
    }

    @Test
    void rejectsZeroTimeout() {
        assertThatThrownBy(() -> Job.builder().command("true").timeout(Duration.ZERO).build())
                .isInstanceOf(InvalidJobException.class)
                .hasMessageContaining("timeout must be positive, was PT0S");
    }

    @ParameterizedTest
    @ValueSource(strings = {"1ABC", "MY-VAR", "A B", "", "X=Y", "É"})
    void rejectsInvalidEnvNames(String name) {
        assertThatThrownBy(() -> Job.builder().command("true").env(name, "v").build())
                .isInstanceOf(InvalidJobException.class)
                .hasMessageContaining("env name '" + name + "' is not a valid variable name");
    }

    @ParameterizedTest
    @ValueSource(strings = {"1ABC", "MY-VAR", ""})
    void rejectsInvalidSecretNamesWithoutShowingTheValue(String name) {
        assertThatThrownBy(() -> Job.builder().command("true").secret(name, SECRET_VALUE).build())
                .isInstanceOf(InvalidJobException.class)
                .hasMessageContaining("secret name '" + name + "' is not a valid variable name")
                .message().doesNotContain(SECRET_VALUE);
    }

    @Test
    void acceptsConventionalEnvNames() {
        Job job = Job.builder().command("true").env("_x", "1").env("PATH2", "2").env("lower_Case", "3").build();

        assertThat(job.env()).containsOnlyKeys("_x", "PATH2", "lower_Case");
    }

    @Test
    void rejectsNameSetAsBothEnvAndSecret() {
        assertThatThrownBy(() -> Job.builder().command("true").env("API_KEY", "public").secret("API_KEY", SECRET_VALUE).build())
                .isInstanceOf(InvalidJobException.class)
                .hasMessageContaining("'API_KEY' is set both as env and as secret; keep one")
                .message().doesNotContain(SECRET_VALUE);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/tmp/out", "..", "../sibling", "a/../../b", " "})
    void rejectsWorkingDirOutsideTheWorkDirectory(String workingDir) {
        assertThatThrownBy(() -> Job.builder().command("true").workingDir(workingDir).build())
                .isInstanceOf(InvalidJobException.class)
                .hasMessageContaining("workingDir must be a relative path inside the work directory, was '" + workingDir + "'");
    }

    @ParameterizedTest
    @ValueSource(strings = {"sub", "sub/dir", "a/../b", "./out", "..data"})
    void acceptsWorkingDirInsideTheWorkDirectory(String workingDir) {
        assertThat(Job.builder().command("true").workingDir(workingDir).build().workingDir()).contains(workingDir);
    }

    @Test
    void defaultsAreDocumented() {
        Job job = Job.builder().command("true").build();

        assertThat(job.name()).isEqualTo("job");
        assertThat(job.retry()).isEqualTo(RetryPolicy.none());
        assertThat(job.priority()).isZero();
        assertThat(job.timeout()).isEmpty();
        assertThat(job.image()).isEmpty();
        assertThat(job.entrypoint()).isEmpty();
        assertThat(job.env()).isEmpty();
        assertThat(job.secrets()).isEmpty();
    }

    @Test
    void toBuilderRoundTripsEveryField() {
        Job job = fullJob();

        Job copy = job.toBuilder().build();

        assertThat(copy).isEqualTo(job).hasSameHashCodeAs(job);
        assertThat(copy.toString()).isEqualTo(job.toString());
    }

    @Test
    void toBuilderRoundTripsAnEntrypointJob() {
        Job job = Job.builder().entrypoint("python train.py --epochs 3").secret("TOKEN", SECRET_VALUE).build();

        assertThat(job.toBuilder().build()).isEqualTo(job);
    }

    @Test
    void changingACopiedBuilderLeavesTheOriginalAlone() {
        Job job = fullJob();

        Job changed = job.toBuilder().env("EXTRA", "1").label("team", "other").dependsOn("r-9").priority(1).build();

        assertThat(changed).isNotEqualTo(job);
        assertThat(job).isEqualTo(fullJob());
    }

    @Test
    void jobsDifferingInOneFieldAreNotEqual() {
        Job job = fullJob();

        assertThat(job.toBuilder().secret("HF_TOKEN", "other").build()).isNotEqualTo(job);
        assertThat(job.toBuilder().name("other").build()).isNotEqualTo(job);
        assertThat(job.toBuilder().ignore("*.tmp").build()).isNotEqualTo(job);
    }

    @Test
    void returnedCollectionsAreUnmodifiable() {
        Job job = fullJob();

        assertThatThrownBy(() -> job.command().add("x")).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> job.env().put("X", "y")).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> job.secrets().put("X", "y")).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> job.labels().put("x", "y")).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> job.dependsOn().add("r-x")).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> job.volumes().clear()).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> job.artifacts().add("x")).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> job.ignore().add("x")).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void builderChangesAfterBuildDoNotReachTheJob() {
        Job.Builder builder = fullBuilder();
        Job job = builder.build();

        builder.env("LATE", "1")
                .secret("LATE_SECRET", "late")
                .label("late", "1")
                .dependsOn("r-late")
                .volume(new Volume("/late", "/late", false))
                .artifacts("late/*")
                .ignore("late")
                .command("late");

        assertThat(job).isEqualTo(fullJob());
        assertThat(job.command()).containsExactly("python", "train.py", "--epochs", "3");
        assertThat(job.env()).doesNotContainKey("LATE");
        assertThat(job.secrets()).doesNotContainKey("LATE_SECRET");
        assertThat(job.labels()).doesNotContainKey("late");
        assertThat(job.dependsOn()).doesNotContain("r-late");
        assertThat(job.artifacts()).doesNotContain("late/*");
        assertThat(job.ignore()).doesNotContain("late");
        assertThat(job.volumes()).hasSize(2);
    }

    @Test
    void commandListIsCopiedOnTheWayIn() {
        List<String> command = new ArrayList<>(List.of("echo", "hi"));
        Job job = Job.builder().command(command).build();

        command.add("changed");

        assertThat(job.command()).containsExactly("echo", "hi");
    }

    @Test
    void toStringNamesSecretsButNeverShowsTheirValues() {
        Job job = fullJob();

        assertThat(job.toString())
                .contains("HF_TOKEN", "WANDB_KEY", "***")
                .doesNotContain(SECRET_VALUE)
                .doesNotContain("wandb-" + SECRET_VALUE);
    }

    @Test
    void invalidJobMessageNeverShowsSecretValues() {
        InvalidJobException e = catchThrowableOfType(InvalidJobException.class,
                () -> fullBuilder().env("HF_TOKEN", "clash").timeout(Duration.ZERO).build());

        assertThat(e).isNotNull();
        assertThat(e.getMessage()).contains("HF_TOKEN").doesNotContain(SECRET_VALUE);
    }

    static Job.Builder fullBuilder() {
        return Job.builder()
                .name("train")
                .image("python:3.11")
                .command("python", "train.py", "--epochs", "3")
                .env("EPOCHS", "3")
                .env("LR", "0.01")
                .secret("HF_TOKEN", SECRET_VALUE)
                .secret("WANDB_KEY", "wandb-" + SECRET_VALUE)
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
                .retry(RetryPolicy.builder().maxAttempts(3).retryOnExitCodes(75).build())
                .dependsOn("r-1", "r-2")
                .label("team", "ml")
                .label("exp", "42")
                .priority(7)
                .volume(new Volume("/data", "/mnt/data", true))
                .volume(new Volume("cache", "/root/.cache", false))
                .artifacts("out/*.pt", "logs/**")
                .source(Path.of("projects/train"))
                .ignore("*.ckpt", ".venv/");
    }

    static Job fullJob() {
        return fullBuilder().build();
    }
}
