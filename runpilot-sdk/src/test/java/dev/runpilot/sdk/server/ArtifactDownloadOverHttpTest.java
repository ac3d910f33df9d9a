package dev.runpilot.sdk.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runpilot.sdk.Artifact;
import dev.runpilot.sdk.Job;
import dev.runpilot.sdk.Run;
import dev.runpilot.sdk.RunPilotClient;
import dev.runpilot.sdk.RunStatus;
import dev.runpilot.sdk.StorageException;
import dev.runpilot.sdk.agent.Agent;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code Run.downloadArtifact} of the HTTP client, against a real server whose HTTP agent saved the artifacts. */
class ArtifactDownloadOverHttpTest {
    private static final String CONTENT = "loss=0.25\n".repeat(1000);

    @TempDir
    Path dir;

    private RunPilotServer server;
    private String userToken;
    private String otherProjectToken;
    private RunPilotClient client;
    private Run run;

    @BeforeEach
    void runAJobThatLeavesArtifacts() {
        server = ServerFixture.server(dir.resolve("home"));
        userToken = server.tokens().createUserToken("team-a");
        otherProjectToken = server.tokens().createUserToken("team-b");
        String agentToken = server.tokens().createAgentToken();
        server.start();
        client = ServerFixture.client(server.uri(), userToken);
        Job job = Job.builder().name("writes-output")
                .entrypoint("mkdir -p 'out/with space' && printf 'loss=0.25\\n%.0s' $(seq 1000) > 'out/with space/metrics.txt'"
                        + " && : > out/empty.bin")
                .artifacts("out/**").build();
        try (Agent agent = ServerFixture.agent(server.uri(), agentToken, dir.resolve("work")).start()) {
            run = client.submit(job);
            assertThat(run.await(Duration.ofSeconds(60)).orElseThrow().status()).isEqualTo(RunStatus.SUCCEEDED);
        }
    }

    @AfterEach
    void stop() {
        client.close();
        server.close();
    }

    @Test
    void downloadsAnArtifactWithItsExactBytes() throws Exception {
        Artifact metrics = artifact("out/with space/metrics.txt");
        Path target = dir.resolve("downloads/nested/metrics.txt");

        assertThat(run.downloadArtifact(metrics, target)).isEqualTo(target);

        assertThat(Files.readString(target)).isEqualTo(CONTENT);
        assertThat(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(target))))
                .isEqualTo(metrics.sha256().orElseThrow());
        assertThat(leftovers(target.getParent())).isEmpty();
        Path empty = run.downloadArtifact(artifact("out/empty.bin"), dir.resolve("downloads/empty.bin"));
        assertThat(empty).isEmptyFile();
    }

    @Test
    void aChecksumMismatchLeavesTheTargetAsItWasAndSaysSo() throws Exception {
        Artifact real = artifact("out/with space/metrics.txt");
        Artifact tampered = new Artifact(real.runId(), real.attempt(), real.path(), real.key(), real.size(),
                Optional.of("0".repeat(64)), real.savedAt());
        Path target = Files.writeString(Files.createDirectories(dir.resolve("keep")).resolve("metrics.txt"), "previous");

        assertThatThrownBy(() -> run.downloadArtifact(tampered, target))
                .isInstanceOf(StorageException.class)
                .hasMessageContaining("fails its checksum")
                .hasMessageContaining(run.id())
                .hasMessageContaining("nothing was written to " + target.toAbsolutePath());
        assertThat(Files.readString(target)).isEqualTo("previous");
        assertThat(leftovers(target.getParent())).isEmpty();

        Artifact wrongSize = new Artifact(real.runId(), real.attempt(), real.path(), real.key(), real.size() + 1,
                Optional.empty(), real.savedAt());
        assertThatThrownBy(() -> run.downloadArtifact(wrongSize, target))
                .isInstanceOf(StorageException.class).hasMessageContaining("expected " + (real.size() + 1));
        assertThat(Files.readString(target)).isEqualTo("previous");
        assertThat(leftovers(target.getParent())).isEmpty();
    }

    @Test
    void aMissingArtifactIsAStorageErrorNamingIt() {
        Artifact real = artifact("out/with space/metrics.txt");
        Artifact gone = new Artifact(real.runId(), real.attempt(), "out/never-written.txt", real.key(), 1, Optional.empty(),
                real.savedAt());
        assertThatThrownBy(() -> run.downloadArtifact(gone, dir.resolve("x")))
                .isInstanceOf(StorageException.class).hasMessageContaining("out/never-written.txt").hasMessageContaining(run.id());
        assertThat(dir.resolve("x")).doesNotExist();
    }

    @Test
    void theServerSendsSizeAndChecksumHeadersAndRefusesTraversalAndOtherProjects() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        Artifact metrics = artifact("out/with space/metrics.txt");
        HttpResponse<byte[]> ok = get(http, userToken, "/v1/runs/" + run.id() + "/artifacts/1/out/with%20space/metrics.txt");
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(ok.headers().firstValueAsLong("Content-Length")).hasValue(CONTENT.length());
        assertThat(ok.headers().firstValue("X-RunPilot-SHA256")).hasValue(metrics.sha256().orElseThrow());
        assertThat(new String(ok.body(), StandardCharsets.UTF_8)).isEqualTo(CONTENT);

        assertThat(get(http, userToken, "/v1/runs/" + run.id() + "/artifacts/1/out/%2E%2E/%2E%2E/logs/attempt-1.log").statusCode())
                .isEqualTo(400);
        assertThat(get(http, userToken, "/v1/runs/" + run.id() + "/artifacts/1/..%2F..%2Flogs%2Fattempt-1.log").statusCode())
                .isEqualTo(400);
        assertThat(get(http, userToken, "/v1/runs/" + run.id() + "/artifacts/x/out/empty.bin").statusCode()).isEqualTo(400);
        assertThat(get(http, userToken, "/v1/runs/" + run.id() + "/artifacts/2/out/empty.bin").statusCode()).isEqualTo(404);
        assertThat(get(http, otherProjectToken, "/v1/runs/" + run.id() + "/artifacts/1/out/with%20space/metrics.txt").statusCode())
                .isEqualTo(404);
    }

    private Artifact artifact(String path) {
        return run.artifacts().stream().filter(a -> a.path().equals(path)).findFirst()
                .orElseThrow(() -> new AssertionError("no artifact " + path + " in " + run.artifacts()));
    }

    private HttpResponse<byte[]> get(HttpClient http, String token, String path) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(server.uri() + path)).header("Authorization", "Bearer " + token)
                .GET().build();
        return http.send(request, HttpResponse.BodyHandlers.ofByteArray());
    }

    private static java.util.List<Path> leftovers(Path directory) throws Exception {
        try (Stream<Path> files = Files.list(directory)) {
            return files.filter(p -> p.getFileName().toString().startsWith(".rp-download-")).toList();
        }
    }
}
