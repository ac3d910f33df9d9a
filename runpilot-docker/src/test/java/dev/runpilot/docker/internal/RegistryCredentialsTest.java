package dev.runpilot.docker.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runpilot.sdk.RunPilotException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RegistryCredentialsTest {
    private static final ImageReference PRIVATE = ImageReference.parse("registry.example.com:5000/team/app:1");

    @TempDir
    Path config;
    @TempDir
    Path bin;

    @Test
    void theJobsSecretsComeFirst() throws Exception {
        writeConfig("{\"auths\": {\"registry.example.com:5000\": {\"auth\": \"" + basic("file-user", "file-pw") + "\"}}}");

        RegistryCredentials.Found found = credentials().find(PRIVATE, Map.of(
                RegistryCredentials.USERNAME_SECRET, "secret-user", RegistryCredentials.PASSWORD_SECRET, "secret-pw")).orElseThrow();

        assertThat(found.auth().getUsername()).isEqualTo("secret-user");
        assertThat(found.auth().getPassword()).isEqualTo("secret-pw");
        assertThat(found.auth().getRegistryAddress()).isEqualTo("registry.example.com:5000");
        assertThat(found.toString()).contains("the job's secrets").doesNotContain("secret-pw");
    }

    @Test
    void onlyOneOfTheTwoSecretsIsAnError() {
        assertThatThrownBy(() -> credentials().find(PRIVATE, Map.of(RegistryCredentials.USERNAME_SECRET, "u")))
                .isInstanceOf(RunPilotException.class).hasMessageContaining("set both");
    }

    @Test
    void authsOfConfigJsonAreReadUnderAnyOfTheirUsualKeys() throws Exception {
        writeConfig("{\"auths\": {\"https://registry.example.com:5000\": {\"auth\": \"" + basic("file-user", "p:w") + "\"}}}");

        RegistryCredentials.Found found = credentials().find(PRIVATE, Map.of()).orElseThrow();

        assertThat(found.auth().getUsername()).isEqualTo("file-user");
        assertThat(found.auth().getPassword()).isEqualTo("p:w");
        assertThat(found.source()).contains("config.json");
    }

    @Test
    void aCredentialHelperIsAskedForItsRegistry() throws Exception {
        Path helper = bin.resolve("docker-credential-runpilottest");
        Files.writeString(helper, "#!/bin/sh\nread server\necho \"{\\\"ServerURL\\\": \\\"$server\\\", \\\"Username\\\": \\\"helper-user\\\","
                + " \\\"Secret\\\": \\\"for-$server\\\"}\"\n");
        Files.setPosixFilePermissions(helper, PosixFilePermissions.fromString("rwx------"));
        writeConfig("{\"credHelpers\": {\"registry.example.com:5000\": \"runpilottest\"}}");

        RegistryCredentials.Found found = credentials().find(PRIVATE, Map.of()).orElseThrow();

        assertThat(found.auth().getUsername()).isEqualTo("helper-user");
        assertThat(found.auth().getPassword()).isEqualTo("for-registry.example.com:5000");
        assertThat(found.source()).isEqualTo("credential helper docker-credential-runpilottest");
    }

    @Test
    void aMissingHelperIsAnErrorNamingIt() throws Exception {
        writeConfig("{\"credsStore\": \"nosuchhelper\"}");

        assertThatThrownBy(() -> credentials().find(PRIVATE, Map.of()))
                .isInstanceOf(RunPilotException.class)
                .hasMessageContaining("docker-credential-nosuchhelper is not on the PATH");
    }

    @Test
    void noConfigMeansNoCredentials() {
        assertThat(credentials().find(PRIVATE, Map.of())).isEmpty();
    }

    private RegistryCredentials credentials() {
        return new RegistryCredentials(config, bin.toString());
    }

    private void writeConfig(String json) throws Exception {
        Files.writeString(config.resolve("config.json"), json);
    }

    private static String basic(String user, String password) {
        return Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }
}
