package dev.runpilot.docker.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runpilot.sdk.RunPilotException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EngineEndpointTest {
    @TempDir
    Path config;

    @Test
    void anExplicitHostWinsOverEverything() {
        assertThat(EngineEndpoint.resolve(Optional.of("tcp://127.0.0.1:2375"), Map.of("DOCKER_HOST", "unix:///env.sock"), config))
                .isEqualTo(new EngineEndpoint("tcp://127.0.0.1:2375", "DockerRuntime.builder().dockerHost(...)"));
    }

    @Test
    void dockerHostWinsOverTheContext() throws Exception {
        context("remote", "tcp://10.0.0.1:2376");
        Files.writeString(config.resolve("config.json"), "{\"currentContext\": \"remote\"}");

        assertThat(EngineEndpoint.resolve(Optional.empty(), Map.of("DOCKER_HOST", "unix:///run/podman/podman.sock"), config))
                .isEqualTo(new EngineEndpoint("unix:///run/podman/podman.sock", "DOCKER_HOST"));
    }

    @Test
    void theCurrentContextOfConfigJsonIsRead() throws Exception {
        context("colima", "unix:///home/me/.colima/docker.sock");
        Files.writeString(config.resolve("config.json"), "{\"auths\": {}, \"currentContext\": \"colima\"}");

        EngineEndpoint endpoint = EngineEndpoint.resolve(Optional.empty(), Map.of(), config);

        assertThat(endpoint.host()).isEqualTo("unix:///home/me/.colima/docker.sock");
        assertThat(endpoint.describe()).contains("docker context 'colima'").contains("config.json currentContext");
        assertThat(endpoint.socketPath()).contains(Path.of("/home/me/.colima/docker.sock"));
    }

    @Test
    void dockerContextOverridesConfigJson() throws Exception {
        context("one", "unix:///one.sock");
        context("two", "unix:///two.sock");
        Files.writeString(config.resolve("config.json"), "{\"currentContext\": \"one\"}");

        assertThat(EngineEndpoint.resolve(Optional.empty(), Map.of("DOCKER_CONTEXT", "two"), config).host())
                .isEqualTo("unix:///two.sock");
    }

    @Test
    void withoutAnyOfThemTheDefaultSocketIsUsed() {
        EngineEndpoint endpoint = EngineEndpoint.resolve(Optional.empty(), Map.of("DOCKER_CONTEXT", "default"), config);

        assertThat(endpoint).isEqualTo(new EngineEndpoint("unix:///var/run/docker.sock", "the default socket"));
        assertThat(endpoint.describe()).isEqualTo("unix:///var/run/docker.sock (the default socket)");
    }

    @Test
    void aBrokenConfigJsonIsAnErrorNamingTheFile() throws Exception {
        Files.writeString(config.resolve("config.json"), "{not json");

        assertThatThrownBy(() -> EngineEndpoint.resolve(Optional.empty(), Map.of(), config))
                .isInstanceOf(RunPilotException.class)
                .hasMessageContaining(config.resolve("config.json").toString())
                .hasMessageContaining("DOCKER_HOST");
    }

    @Test
    void aFactoryWithoutAnEngineSaysWhichSocketItTried() {
        DockerRuntimeBuilder builder = new DockerRuntimeBuilder(Map.of("DOCKER_HOST", "unix:///tmp/runpilot-missing.sock"));

        assertThat(EngineConnection.unavailableReason(builder.settings().endpoint(), Optional.empty()))
                .isEqualTo("no Docker engine at unix:///tmp/runpilot-missing.sock (DOCKER_HOST): /tmp/runpilot-missing.sock does not exist");
        assertThatThrownBy(builder::build).isInstanceOf(RunPilotException.class)
                .hasMessageStartingWith("Cannot reach a Docker engine at unix:///tmp/runpilot-missing.sock (DOCKER_HOST)");
    }

    private void context(String name, String host) throws Exception {
        String hash = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(name.getBytes(StandardCharsets.UTF_8)));
        Path meta = Files.createDirectories(config.resolve("contexts/meta/" + hash));
        Files.writeString(meta.resolve("meta.json"), "{\"Name\": \"" + name + "\", \"Metadata\": {}, \"Endpoints\": {\"docker\": "
                + "{\"Host\": \"" + host + "\", \"SkipTLSVerify\": false}}}");
    }
}
