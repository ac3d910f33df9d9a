package dev.runpilot.sdk;

import static dev.runpilot.sdk.EngineFixture.shell;
import static org.assertj.core.api.Assertions.assertThat;

import dev.runpilot.sdk.archive.EncryptionKey;
import dev.runpilot.sdk.archive.SigningKey;
import dev.runpilot.sdk.archive.TrustedKeys;
import dev.runpilot.sdk.internal.storage.FileStorageBackend;
import dev.runpilot.sdk.spi.ObjectInfo;
import dev.runpilot.sdk.spi.ObjectPage;
import dev.runpilot.sdk.spi.StorageBackend;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Source trees shipped with jobs: bundled, stored by content address, verified and unpacked by the agent. */
class SourceBundleTest {
    @TempDir
    Path home;
    @TempDir
    Path tree;
    @TempDir
    Path scratch;

    @BeforeEach
    void writeTree() throws Exception {
        Files.writeString(tree.resolve("train.sh"), "echo \"training on $(cat data/input.txt)\"\nls -a\n");
        Files.createDirectories(tree.resolve("data"));
        Files.writeString(tree.resolve("data/input.txt"), "the data set");
        Files.createDirectories(tree.resolve(".git"));
        Files.writeString(tree.resolve(".git/HEAD"), "ref: refs/heads/main");
        Files.writeString(tree.resolve("debug.log"), "noise");
    }

    private RunPilotClient.Builder client(int workers) {
        return RunPilot.client().home(home).workers(workers).gracePeriod(Duration.ofSeconds(1));
    }

    private Job.Builder trainJob() {
        return shell("train", "sh train.sh").source(tree).ignore("*.log");
    }

    @Test
    void theSourceTreeIsShippedAndTheJobRunsInsideIt() {
        try (RunPilotClient client = client(1).build()) {
            Run run = client.submit(trainJob().build());
            RunResult result = run.await();

            assertThat(result.status()).as("log: %s", run.logs().read()).isEqualTo(RunStatus.SUCCEEDED);
            List<String> out = stdout(run);
            assertThat(out).contains("training on the data set", "train.sh", "data")
                    .doesNotContain(".git", "debug.log");
            assertThat(run.logs().read()).extracting(LogLine::text).anyMatch(t -> t.startsWith("fetching source bundle "));
        }
    }

    @Test
    void resubmittingAnUnchangedTreeUploadsNothing() {
        CountingStorage storage = new CountingStorage(new FileStorageBackend(scratch.resolve("store")));
        try (RunPilotClient client = client(1).storage(storage).build()) {
            client.submit(trainJob().build()).await().requireSuccess();
            client.submit(trainJob().name("again").build()).await().requireSuccess();

            assertThat(storage.list("bundles/", null, 10).objects()).hasSize(1);
            assertThat(storage.bundlePuts.get()).isEqualTo(1);
        }
    }

    @Test
    void aBundleSignedByATrustedKeyRuns() {
        SigningKey key = SigningKey.generate();
        try (RunPilotClient client = client(1).signingKey(key).trustedKeys(TrustedKeys.of(key.verificationKey())).build()) {
            Run run = client.submit(trainJob().build());
            assertThat(run.await().status()).isEqualTo(RunStatus.SUCCEEDED);
            assertThat(run.logs().read()).extracting(LogLine::text).anyMatch(t -> t.contains("signed by key " + key.keyId()));
        }
    }

    @Test
    void unsignedAndForeignBundlesAreRejectedBeforeAnythingRuns() throws Exception {
        Path marker = scratch.resolve("ran");
        Files.writeString(tree.resolve("train.sh"), "touch " + marker + "\n");
        SigningKey trusted = SigningKey.generate();
        SigningKey stranger = SigningKey.generate();
        RetryPolicy retries = RetryPolicy.builder().maxAttempts(3).initialBackoff(Duration.ZERO).build();
        try (RunPilotClient submitter = client(0).build();
             RunPilotClient strangerClient = client(0).signingKey(stranger).build();
             RunPilotClient agent = client(1).trustedKeys(TrustedKeys.of(trusted.verificationKey())).build()) {
            Run unsigned = submitter.submit(trainJob().retry(retries).build());
            Run foreign = strangerClient.submit(trainJob().name("foreign").retry(retries).build());

            for (Run run : List.of(agent.run(unsigned.id()), agent.run(foreign.id()))) {
                RunResult result = run.await();
                assertThat(result.status()).isEqualTo(RunStatus.FAILED);
                assertThat(result.reason()).contains(FailureReason.SIGNATURE_REJECTED);
                assertThat(result.message()).contains("signature_rejected");
                assertThat(result.attempts()).as("never retried").hasSize(1);
            }
            assertThat(marker).doesNotExist();
        }
    }

    @Test
    void aTamperedBundleInStorageIsRefusedAndNothingRuns() throws Exception {
        Path marker = scratch.resolve("ran");
        Files.writeString(tree.resolve("train.sh"), "touch " + marker + "\n");
        String id;
        try (RunPilotClient submitter = client(0).build()) {
            id = submitter.submit(trainJob().build()).id();
        }
        Path stored;
        try (var files = Files.walk(home.resolve("storage/bundles"))) {
            // The bundle itself, not its ".rp-meta-" sidecar (whose name ends the same way).
            stored = files.filter(Files::isRegularFile)
                    .filter(f -> f.getFileName().toString().endsWith(".tar.gz"))
                    .filter(f -> !f.getFileName().toString().startsWith(".rp-"))
                    .findFirst().orElseThrow();
        }
        byte[] bytes = Files.readAllBytes(stored);
        bytes[bytes.length / 2] ^= 0x01;
        Files.write(stored, bytes);

        try (RunPilotClient agent = client(1).build()) {
            RunResult result = agent.run(id).await();
            assertThat(result.status()).isEqualTo(RunStatus.FAILED);
            assertThat(result.reason()).contains(FailureReason.RUNTIME_ERROR);
            assertThat(result.message()).startsWith("source bundle refused (");
        }
        assertThat(marker).doesNotExist();
    }

    @Test
    void aBundleFailingItsStorageChecksumIsNotUnpackedAndNothingRuns() throws Exception {
        Path marker = scratch.resolve("ran");
        Files.writeString(tree.resolve("train.sh"), "touch " + marker + "\n");
        String id;
        try (RunPilotClient submitter = client(0).build()) {
            id = submitter.submit(trainJob().build()).id();
        }
        // The bundle's bytes stay intact; the digest the storage keeps for them no longer matches.
        Path sidecar;
        try (var files = Files.walk(home.resolve("storage/bundles"))) {
            sidecar = files.filter(f -> f.getFileName().toString().startsWith(".rp-meta-")).findFirst().orElseThrow();
        }
        Files.writeString(sidecar, Files.readString(sidecar).replaceAll("sha256=[0-9a-f]{64}", "sha256=" + "0".repeat(64)));

        try (RunPilotClient agent = client(1).build()) {
            RunResult result = agent.run(id).await();
            assertThat(result.status()).isEqualTo(RunStatus.FAILED);
            assertThat(result.message()).contains("Checksum mismatch");
        }
        assertThat(marker).doesNotExist();
        try (var left = Files.walk(home.resolve("work"))) {
            assertThat(left.filter(Files::isRegularFile)).isEmpty();
        }
    }

    @Test
    void encryptedBundlesAreOpaqueInStorageAndDecryptedByTheAgent() throws Exception {
        EncryptionKey key = EncryptionKey.generate();
        try (RunPilotClient client = client(1).encryptionKey(key).build()) {
            Run run = client.submit(trainJob().build());
            assertThat(run.await().status()).isEqualTo(RunStatus.SUCCEEDED);
            assertThat(stdout(run)).contains("training on the data set");
        }
        try (var files = Files.walk(home.resolve("storage/bundles"))) {
            Path stored = files.filter(Files::isRegularFile).findFirst().orElseThrow();
            assertThat(new String(Files.readAllBytes(stored), StandardCharsets.ISO_8859_1)).doesNotContain("train.sh");
        }
    }

    @Test
    void aJobFileShipsTheDirectoryItNames() throws Exception {
        Path file = Files.writeString(tree.resolve("runpilot.yaml"), String.join("\n",
                "name: from-yaml",
                "entrypoint: sh train.sh",
                "source: .",
                "ignore: ['*.log']",
                ""));
        try (RunPilotClient client = client(1).build()) {
            Run run = client.submit(Job.fromYaml(file));
            assertThat(run.await().status()).isEqualTo(RunStatus.SUCCEEDED);
            assertThat(stdout(run)).contains("training on the data set", "runpilot.yaml").doesNotContain("debug.log");
        }
    }

    private static List<String> stdout(Run run) {
        return run.logs().read().stream().filter(l -> l.stream() == LogStream.STDOUT).map(LogLine::text).toList();
    }

    /** A real file backend that counts the bundles written to it. */
    private static final class CountingStorage implements StorageBackend {
        private final StorageBackend delegate;
        final AtomicInteger bundlePuts = new AtomicInteger();

        CountingStorage(StorageBackend delegate) {
            this.delegate = delegate;
        }

        @Override
        public URI uri() {
            return delegate.uri();
        }

        @Override
        public ObjectInfo put(String key, InputStream content, String contentType) {
            if (key.startsWith("bundles/")) {
                bundlePuts.incrementAndGet();
            }
            return delegate.put(key, content, contentType);
        }

        @Override
        public Optional<InputStream> get(String key) {
            return delegate.get(key);
        }

        @Override
        public Optional<ObjectInfo> stat(String key) {
            return delegate.stat(key);
        }

        @Override
        public ObjectPage list(String prefix, String pageToken, int limit) {
            return delegate.list(prefix, pageToken, limit);
        }

        @Override
        public boolean delete(String key) {
            return delegate.delete(key);
        }

        @Override
        public long deletePrefix(String prefix) {
            return delegate.deletePrefix(prefix);
        }
    }
}
