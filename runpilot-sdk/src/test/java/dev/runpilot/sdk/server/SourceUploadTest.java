package dev.runpilot.sdk.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.runpilot.sdk.FailureReason;
import dev.runpilot.sdk.InvalidJobException;
import dev.runpilot.sdk.Job;
import dev.runpilot.sdk.LogLine;
import dev.runpilot.sdk.Run;
import dev.runpilot.sdk.RunPilot;
import dev.runpilot.sdk.RunPilotClient;
import dev.runpilot.sdk.RunResult;
import dev.runpilot.sdk.RunStatus;
import dev.runpilot.sdk.agent.Agent;
import dev.runpilot.sdk.archive.Progress;
import dev.runpilot.sdk.archive.SigningKey;
import dev.runpilot.sdk.archive.TrustedKeys;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Source bundles over HTTP: the client bundles and uploads, the server holds the run PENDING until
 * the declared bundle arrives (checked, content-addressed), HTTP agents fetch and verify it, and a
 * bundle that never comes fails the run. {@link PostgresSourceUploadTest} runs the same on PostgreSQL.
 */
class SourceUploadTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long MAX_BUNDLE = 64 * 1024;

    @TempDir
    Path dir;

    private RunPilotServer server;
    private String userToken;
    private String agentToken;
    private Path tree;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    /** The server under test; subclasses put its control plane elsewhere. */
    RunPilotServer.Builder serverBuilder(Path home) {
        return RunPilotServer.builder().home(home);
    }

    @BeforeEach
    void startServer() throws IOException {
        server = serverBuilder(dir.resolve("home")).port(0).leaseDuration(Duration.ofSeconds(2))
                .maxSourceBundleBytes(MAX_BUNDLE).sourceTimeout(Duration.ofSeconds(2)).build();
        userToken = server.tokens().createUserToken("team-a");
        agentToken = server.tokens().createAgentToken();
        server.start();
        tree = Files.createDirectories(dir.resolve("tree"));
        Files.writeString(tree.resolve("data.txt"), "payload from the client's tree\n");
        Files.writeString(tree.resolve("run.sh"), "cat data.txt\n");
    }

    @AfterEach
    void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    private Job treeJob(String name) {
        return Job.builder().name(name).command("sh", "run.sh").source(tree).build();
    }

    private Agent agent(TrustedKeys trusted) {
        return Agent.builder().endpoint(server.uri()).token(agentToken).runtime("process").workDir(dir.resolve("work"))
                .gracePeriod(Duration.ofSeconds(1)).trustedKeys(trusted).build();
    }

    @Test
    void aSignedTreeSubmittedOverHttpReachesAnHttpAgentThatVerifiesIt() {
        SigningKey key = SigningKey.generate();
        List<Progress> progress = new CopyOnWriteArrayList<>();
        try (RunPilotClient client = RunPilot.client().endpoint(server.uri()).token(userToken).signingKey(key)
                .progress(progress::add).build();
             Agent agent = agent(TrustedKeys.of(key.verificationKey())).start()) {
            Run run = client.submit(treeJob("cat-tree"));
            RunResult result = run.await(Duration.ofSeconds(30)).orElseThrow();

            assertThat(result.status()).as("%s", result.message()).isEqualTo(RunStatus.SUCCEEDED);
            List<String> log = run.logs().read().stream().map(LogLine::text).toList();
            assertThat(log).contains("payload from the client's tree");
            assertThat(log).anyMatch(t -> t.contains("signed by key " + key.keyId()));
            assertThat(progress).anyMatch(p -> p.stage() == Progress.Stage.UPLOADING && p.isDone());
        }
        assertThat(storedBundles()).hasSize(1);
    }

    @Test
    void aBundleSignedByAnUntrustedKeyIsRejectedByTheHttpAgent() {
        SigningKey stranger = SigningKey.generate();
        try (RunPilotClient client = RunPilot.client().endpoint(server.uri()).token(userToken).signingKey(stranger).build();
             Agent agent = agent(TrustedKeys.of(SigningKey.generate().verificationKey())).start()) {
            RunResult result = client.submit(treeJob("foreign")).await(Duration.ofSeconds(30)).orElseThrow();

            assertThat(result.status()).isEqualTo(RunStatus.FAILED);
            assertThat(result.reason()).contains(FailureReason.SIGNATURE_REJECTED);
        }
    }

    @Test
    void resubmittingAnUnchangedTreeUploadsNothing() throws Exception {
        List<Progress> progress = new CopyOnWriteArrayList<>();
        try (RunPilotClient client = RunPilot.client().endpoint(server.uri()).token(userToken).progress(progress::add).build()) {
            Run first = client.submit(treeJob("first"));
            assertThat(progress).anyMatch(p -> p.stage() == Progress.Stage.UPLOADING);
            assertThat(first.status()).isEqualTo(RunStatus.QUEUED);
            progress.clear();

            Run second = client.submit(treeJob("second"));

            assertThat(progress).isNotEmpty().noneMatch(p -> p.stage() == Progress.Stage.UPLOADING);
            assertThat(second.status()).as("queued at once: storage holds the bundle").isEqualTo(RunStatus.QUEUED);
            JsonNode answer = call("POST", "/v1/runs/" + second.id() + "/artifacts/code/upload-url", "{}");
            assertThat(answer.path("required").asBoolean(true)).isFalse();
            assertThat(answer.path("url").asText()).isEqualTo("/v1/runs/" + second.id() + "/artifacts/code");
            assertThat(answer.path("method").asText()).isEqualTo("PUT");
        }
        assertThat(storedBundles()).hasSize(1);
    }

    @Test
    void aTamperedUploadIsRefusedWithTheReasonAndNothingIsStored() throws Exception {
        byte[] bundle = "the real bundle bytes".getBytes(StandardCharsets.UTF_8);
        String runId = submitRaw(sha256(bundle), bundle.length, "tamper-key");
        assertThat(call("POST", "/v1/runs/" + runId + "/artifacts/code/upload-url", "{}").path("required").asBoolean()).isTrue();

        byte[] tampered = "the fake bundle bytes".getBytes(StandardCharsets.UTF_8);
        HttpResponse<String> refused = put(runId, tampered);

        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(refused.body()).contains("source_mismatch").contains(sha256(bundle)).contains(sha256(tampered))
                .contains("nothing was stored");
        assertThat(status(runId)).isEqualTo("PENDING");
        assertThat(storedBundles()).isEmpty();
        assertThat(leftoverUploads()).isEmpty();

        HttpResponse<String> accepted = put(runId, bundle);
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(201);
        assertThat(status(runId)).isEqualTo("QUEUED");
        assertThat(storedBundles()).containsExactly(sha256(bundle) + ".tar.gz");

        HttpResponse<String> again = put(runId, bundle);
        assertThat(again.statusCode()).as("a second upload is harmless").isEqualTo(200);
        assertThat(JSON.readTree(again.body()).path("stored").asBoolean(true)).isFalse();
        assertThat(status(runId)).isEqualTo("QUEUED");
    }

    @Test
    void anOversizedBundleIsRefusedNamingTheLimit() throws Exception {
        byte[] declared = new byte[1000];
        String runId = submitRaw(sha256(declared), declared.length, "oversize-key");

        HttpResponse<String> refused = put(runId, new byte[(int) MAX_BUNDLE + 10]);

        assertThat(refused.statusCode()).isEqualTo(413);
        assertThat(refused.body()).contains("payload_too_large").contains(Long.toString(MAX_BUNDLE)).contains("maxSourceBundleBytes");
        assertThat(status(runId)).isEqualTo("PENDING");
        assertThat(storedBundles()).isEmpty();
        assertThat(leftoverUploads()).isEmpty();

        HttpResponse<String> tooBigToDeclare = post("/v1/runs", submission(sha256(declared), MAX_BUNDLE + 1), "too-big-key");
        assertThat(tooBigToDeclare.statusCode()).isEqualTo(413);
        assertThat(tooBigToDeclare.body()).contains(Long.toString(MAX_BUNDLE));
    }

    @Test
    void theClientRefusesATreeOverTheServersLimitBeforeUploading() throws IOException {
        byte[] noise = new byte[(int) MAX_BUNDLE * 2];
        new java.util.Random(7).nextBytes(noise);
        Files.write(tree.resolve("noise.bin"), noise);
        try (RunPilotClient client = ServerFixture.client(server.uri(), userToken)) {
            assertThatThrownBy(() -> client.submit(treeJob("big")))
                    .isInstanceOf(InvalidJobException.class)
                    .hasMessageContaining(Long.toString(MAX_BUNDLE));
            assertThat(client.list().runs()).isEmpty();
        }
        assertThat(storedBundles()).isEmpty();
    }

    @Test
    void aBundleThatNeverArrivesFailsTheRunAfterTheSourceTimeout() throws Exception {
        byte[] bundle = "never uploaded".getBytes(StandardCharsets.UTF_8);
        String runId = submitRaw(sha256(bundle), bundle.length, "abandoned-key");
        try (RunPilotClient client = ServerFixture.client(server.uri(), userToken)) {
            Run run = client.run(runId);
            assertThat(run.status()).isEqualTo(RunStatus.PENDING);

            RunResult result = run.await(Duration.ofSeconds(30)).orElseThrow();

            assertThat(result.status()).isEqualTo(RunStatus.FAILED);
            assertThat(result.reason()).contains(FailureReason.SOURCE_MISSING);
            assertThat(result.message()).contains(sha256(bundle)).contains("was not uploaded within 2s").contains("source timeout");
            assertThat(result.attempts()).isEmpty();
        }
    }

    @Test
    void aRetriedSubmissionReturnsTheSameRunAndStillTakesTheUpload() throws Exception {
        byte[] bundle = "bundle of a retried submit".getBytes(StandardCharsets.UTF_8);
        String first = submitRaw(sha256(bundle), bundle.length, "retried-key");
        String second = submitRaw(sha256(bundle), bundle.length, "retried-key");

        assertThat(second).isEqualTo(first);
        assertThat(call("POST", "/v1/runs/" + first + "/artifacts/code/upload-url", "{}").path("required").asBoolean()).isTrue();
        assertThat(put(first, bundle).statusCode()).isEqualTo(201);
        assertThat(status(first)).isEqualTo("QUEUED");
    }

    @Test
    void aJobNamingASourceDirectoryWithoutADescriptorIsRefused() throws Exception {
        String body = "{\"job\": {\"name\": \"x\", \"command\": [\"true\"], \"source\": \"/home/me/project\"}}";

        HttpResponse<String> response = post("/v1/runs", body, "no-descriptor");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).contains("/home/me/project").contains("descriptor");
    }

    @Test
    void onlyTheRunsProjectMayUploadItsBundle() throws Exception {
        byte[] bundle = "bundle of team a".getBytes(StandardCharsets.UTF_8);
        String runId = submitRaw(sha256(bundle), bundle.length, "owned-key");
        String teamB = server.tokens().createUserToken("team-b");

        for (String token : List.of(teamB, agentToken)) {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(server.uri().resolve("/v1/runs/" + runId + "/artifacts/code"))
                    .header("Authorization", "Bearer " + token).PUT(HttpRequest.BodyPublishers.ofByteArray(bundle)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as(response.body()).isEqualTo(token.equals(teamB) ? 404 : 403);
        }
        assertThat(status(runId)).isEqualTo("PENDING");
        assertThat(storedBundles()).isEmpty();
    }

    private String submission(String sha, long size) {
        return "{\"job\": {\"name\": \"raw\", \"command\": [\"true\"]}, \"source\": {\"sha256\": \"" + sha + "\", \"size\": " + size
                + ", \"entries\": 1}}";
    }

    private String submitRaw(String sha, long size, String idempotencyKey) throws Exception {
        HttpResponse<String> response = post("/v1/runs", submission(sha, size), idempotencyKey);
        assertThat(response.statusCode()).as(response.body()).isIn(200, 201);
        JsonNode run = JSON.readTree(response.body());
        assertThat(run.path("status").asText()).isEqualTo("PENDING");
        return run.path("id").asText();
    }

    private HttpResponse<String> post(String path, String body, String idempotencyKey) throws Exception {
        return http.send(HttpRequest.newBuilder(server.uri().resolve(path)).header("Authorization", "Bearer " + userToken)
                .header("Content-Type", "application/json").header("Idempotency-Key", idempotencyKey)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> put(String runId, byte[] bytes) throws Exception {
        return http.send(HttpRequest.newBuilder(server.uri().resolve("/v1/runs/" + runId + "/artifacts/code"))
                .header("Authorization", "Bearer " + userToken).header("Content-Type", "application/gzip")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(bytes)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode call(String method, String path, String body) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(server.uri().resolve(path))
                .header("Authorization", "Bearer " + userToken).header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    private String status(String runId) throws Exception {
        return call("GET", "/v1/runs/" + runId, "").path("status").asText();
    }

    /** The bundles in the server's storage (the default {@code file:<home>/storage}), by file name. */
    private List<String> storedBundles() {
        Path bundles = dir.resolve("home/storage/bundles");
        if (!Files.isDirectory(bundles)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(bundles)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> !n.startsWith(".")).sorted().toList();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Upload files left in the server's temporary directory. */
    private List<Path> leftoverUploads() throws IOException {
        Path tmp = dir.resolve("home/tmp");
        if (!Files.isDirectory(tmp)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(tmp)) {
            return files.filter(p -> p.getFileName().toString().startsWith("upload-")).toList();
        }
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
