package dev.runpilot.aws.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.runpilot.sdk.Artifact;
import dev.runpilot.sdk.ArtifactRetention;
import dev.runpilot.sdk.Job;
import dev.runpilot.sdk.Run;
import dev.runpilot.sdk.RunPilot;
import dev.runpilot.sdk.RunPilotClient;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/** A client whose storage is s3:// keeps source bundles, logs and artifacts in the bucket. */
class S3RunStorageTest {
    @TempDir
    Path home;
    @TempDir
    Path tree;
    @TempDir
    Path downloads;

    private S3Client s3;
    private String bucket;

    @BeforeEach
    void createBucket() {
        s3 = Moto.client();
        bucket = Moto.newBucket(s3);
    }

    @AfterEach
    void closeClient() {
        if (s3 != null) {
            s3.close();
        }
    }

    @Test
    void bundlesLogsAndArtifactsOfARunLandInTheBucket() throws Exception {
        Files.writeString(tree.resolve("train.sh"), "mkdir -p out && echo \"trained on $(cat input.txt)\" > out/result.txt\n");
        Files.writeString(tree.resolve("input.txt"), "moto");
        URI storage = URI.create("s3://" + bucket + "/team-a?endpoint=" + Moto.endpoint() + "&pathStyle=true");
        try (RunPilotClient client = RunPilot.client().home(home).storage(storage).workers(1)
                .gracePeriod(Duration.ofSeconds(1)).build()) {
            Run run = client.submit(Job.builder().name("train").entrypoint("sh train.sh").source(tree)
                    .artifacts("out/*.txt").build());
            run.await().requireSuccess();

            List<Artifact> artifacts = run.artifacts();
            assertThat(artifacts).extracting(Artifact::path).containsExactly("out/result.txt");
            String key = "team-a/runs/" + run.id() + "/artifacts/1/out/result.txt";
            assertThat(s3.headObject(b -> b.bucket(bucket).key(key)).metadata()).containsKey("sha256");
            assertThat(run.downloadArtifact(artifacts.get(0), downloads.resolve("result.txt")))
                    .hasContent("trained on moto\n");

            // The log archive is written just after the status is reported.
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                    assertThat(keys()).anyMatch(k -> k.equals("team-a/runs/" + run.id() + "/logs/attempt-1.log")));
            assertThat(keys()).anyMatch(k -> k.startsWith("team-a/bundles/"));

            assertThat(client.pruneArtifacts(ArtifactRetention.olderThan(Duration.ZERO)).runIds()).containsExactly(run.id());
            assertThat(keys()).noneMatch(k -> k.contains("/artifacts/"));
        }
    }

    private List<String> keys() {
        return s3.listObjectsV2(b -> b.bucket(bucket)).contents().stream().map(S3Object::key).toList();
    }
}
