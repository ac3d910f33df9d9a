package dev.runpilot.docker;

import static dev.runpilot.docker.TestDocker.BUSYBOX;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runpilot.sdk.Job;
import dev.runpilot.sdk.PullPolicy;
import dev.runpilot.sdk.RunPilotException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Pull policies against the local image cache and a real private registry with htpasswd authentication. */
@RequiresDocker
class ImagesTest {
    private static TestRegistry registry;
    private static DockerRuntime runtime;
    private static String privateImage;

    @TempDir
    Path work;

    @BeforeAll
    static void start(TestDocker docker) {
        registry = TestRegistry.start();
        privateImage = registry.push(docker.client(), BUSYBOX, "runpilot-test/private", "1");
        runtime = docker.runtime().build();
    }

    @AfterAll
    static void stop() {
        if (runtime != null) {
            runtime.close();
        }
        if (registry != null) {
            registry.close();
        }
    }

    /** Each test starts with the private image absent from the engine. */
    @AfterEach
    void removePulledImage(TestDocker docker) {
        if (docker.hasImage(privateImage)) {
            docker.client().removeImageCmd(privateImage).withNoPrune(true).exec();
        }
    }

    private static Job.Builder privateJob() {
        return Job.builder().image(privateImage).entrypoint("echo from the private image");
    }

    @Test
    void neverWithAMissingImageIsAnErrorNamingTheImageAndThePolicy() {
        assertThatThrownBy(() -> TestAttempt.start(runtime, privateJob().pullPolicy(PullPolicy.NEVER).build(), work))
                .isInstanceOf(RunPilotException.class)
                .hasMessageContaining("Image '" + privateImage + "' is not on the Docker engine")
                .hasMessageContaining("the pull policy is never");
    }

    @Test
    void ifNotPresentRunsALocalImageWithoutPulling() {
        // Nothing can be pulled for this name (it exists only on this engine), so success means no pull was tried.
        TestAttempt attempt = TestAttempt.start(runtime, Job.builder().image(BUSYBOX).command("true").build(), work);

        assertThat(attempt.await().exitCode()).isZero();
        assertThat(attempt.system()).noneMatch(line -> line.startsWith("pulling"));
    }

    @Test
    void theJobsSecretsAuthenticateThePullAndThenTheImageIsCached(TestDocker docker) {
        TestAttempt first = TestAttempt.start(runtime, privateJob()
                .secret("RUNPILOT_REGISTRY_USERNAME", TestRegistry.USER)
                .secret("RUNPILOT_REGISTRY_PASSWORD", TestRegistry.PASSWORD).build(), work);
        assertThat(first.await().exitCode()).isZero();
        assertThat(first.stdout()).containsExactly("from the private image");
        assertThat(first.system()).anySatisfy(line -> assertThat(line).startsWith("pulling image " + privateImage)
                .contains("not present on the engine").contains("the job's secrets"));

        TestAttempt second = TestAttempt.start(runtime, privateJob().build(), work);
        assertThat(second.await().exitCode()).isZero();
        assertThat(second.system()).noneMatch(line -> line.startsWith("pulling"));
        assertThat(docker.hasImage(privateImage)).isTrue();
    }

    @Test
    void alwaysPullsEvenWhenTheImageIsPresent() {
        Job job = privateJob().pullPolicy(PullPolicy.ALWAYS).secret("RUNPILOT_REGISTRY_USERNAME", TestRegistry.USER)
                .secret("RUNPILOT_REGISTRY_PASSWORD", TestRegistry.PASSWORD).build();
        assertThat(TestAttempt.start(runtime, job, work).await().exitCode()).isZero();

        TestAttempt again = TestAttempt.start(runtime, job, work);

        assertThat(again.await().exitCode()).isZero();
        assertThat(again.system()).anySatisfy(line -> assertThat(line).startsWith("pulling image " + privateImage)
                .contains("pull policy always").doesNotContain("not present"));
    }

    @Test
    void credentialsFromDockerConfigJsonAuthenticateThePull(TestDocker docker) throws Exception {
        Path config = work.resolve("docker-config");
        Files.createDirectories(config);
        String auth = Base64.getEncoder().encodeToString((TestRegistry.USER + ":" + TestRegistry.PASSWORD).getBytes(StandardCharsets.UTF_8));
        Files.writeString(config.resolve("config.json"), "{\"auths\": {\"" + registry.address() + "\": {\"auth\": \"" + auth + "\"}}}");
        try (DockerRuntime withConfig = docker.runtime().dockerConfig(config).build()) {
            TestAttempt attempt = TestAttempt.start(withConfig, privateJob().build(), work);

            assertThat(attempt.await().exitCode()).isZero();
            assertThat(attempt.system()).anySatisfy(line -> assertThat(line).contains("config.json"));
        }
    }

    @Test
    void aPullWithoutCredentialsFailsSayingWhereCredentialsGo(TestDocker docker) throws Exception {
        Path emptyConfig = Files.createDirectories(work.resolve("empty-docker-config"));
        try (DockerRuntime withoutConfig = docker.runtime().dockerConfig(emptyConfig).build()) {
            assertThatThrownBy(() -> TestAttempt.start(withoutConfig, privateJob().build(), work))
                    .isInstanceOf(RunPilotException.class)
                    .hasMessageContaining("Cannot pull image '" + privateImage + "' from " + registry.address())
                    .hasMessageContaining("No credentials were found for " + registry.address())
                    .hasMessageContaining("RUNPILOT_REGISTRY_USERNAME");
        }
    }

    @Test
    void aWrongPasswordFailsNamingWhereTheCredentialsCameFromButNotThePassword() {
        assertThatThrownBy(() -> TestAttempt.start(runtime, privateJob()
                .secret("RUNPILOT_REGISTRY_USERNAME", TestRegistry.USER)
                .secret("RUNPILOT_REGISTRY_PASSWORD", "wrong-password-7").build(), work))
                .isInstanceOf(RunPilotException.class)
                .hasMessageContaining("Cannot pull image")
                .hasMessageContaining("the job's secrets RUNPILOT_REGISTRY_USERNAME/RUNPILOT_REGISTRY_PASSWORD")
                .hasMessageNotContaining("wrong-password-7");
    }
}
