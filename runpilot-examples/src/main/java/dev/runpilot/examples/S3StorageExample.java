package dev.runpilot.examples;

import dev.runpilot.sdk.Artifact;
import dev.runpilot.sdk.Job;
import dev.runpilot.sdk.Run;
import dev.runpilot.sdk.RunPilot;
import dev.runpilot.sdk.RunPilotClient;
import dev.runpilot.sdk.RunResult;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Keeps a run's source bundle, log archive and artifacts in S3: the client gets an {@code s3://}
 * storage URI (the {@code runpilot-aws} module on the class path provides the scheme), submits a job
 * that ships a small source tree and declares an artifact, and downloads the artifact back.
 *
 * <p>Run it against S3 with credentials from the AWS default chain (environment, profile, role):
 * {@code ./mvnw -q -pl runpilot-examples exec:java -Dexec.mainClass=dev.runpilot.examples.S3StorageExample -Dexec.args=s3://my-bucket/runpilot}.
 * Against moto (a local S3), with the bucket created first:
 * <pre>
 * source scripts/services/moto.sh &amp;&amp; moto_service_start
 * curl -X PUT "$RUNPILOT_TEST_MOTO_ENDPOINT/examples"
 * AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_REGION=us-east-1 ./mvnw -q -pl runpilot-examples exec:java \
 *     -Dexec.mainClass=dev.runpilot.examples.S3StorageExample \
 *     -Dexec.args="s3://examples/runpilot?endpoint=$RUNPILOT_TEST_MOTO_ENDPOINT&amp;pathStyle=true"
 * </pre>
 */
public final class S3StorageExample {
    private S3StorageExample() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            throw new IllegalArgumentException("Pass the storage URI, such as s3://my-bucket/runpilot"
                    + " (add ?endpoint=http://127.0.0.1:PORT&pathStyle=true for moto or MinIO)");
        }
        URI storage = URI.create(args[0]);
        Path work = Files.createTempDirectory("runpilot-s3-example-");
        try {
            Path source = Files.createDirectories(work.resolve("source"));
            Files.writeString(source.resolve("train.sh"), "mkdir -p out\n"
                    + "echo \"training on $(wc -l < data.csv) rows\"\n"
                    + "echo 'METRIC loss=0.07'\n"
                    + "echo 'weights' > out/model.txt\n");
            Files.writeString(source.resolve("data.csv"), "x,y\n1,2\n3,4\n");
            try (RunPilotClient client = RunPilot.client().storage(storage).build()) {
                Run run = client.submit(Job.builder()
                        .name("train-s3")
                        .entrypoint("sh train.sh")
                        .source(source)
                        .artifacts("out/*.txt")
                        .timeout(Duration.ofMinutes(2))
                        .build());
                run.logs().follow(line -> System.out.println("  | " + line.text()));
                RunResult result = run.await().requireSuccess();
                System.out.println("run " + run.id() + " " + result.status() + ", storage " + storage.getScheme() + "://"
                        + storage.getAuthority() + storage.getPath());
                List<Artifact> artifacts = run.artifacts();
                for (Artifact artifact : artifacts) {
                    Path local = run.downloadArtifact(artifact, work.resolve("downloads").resolve(artifact.path()));
                    System.out.println("artifact " + artifact.path() + " (" + artifact.size() + " bytes, key " + artifact.key()
                            + "): " + Files.readString(local).trim());
                }
            }
        } finally {
            try (Stream<Path> paths = Files.walk(work)) {
                paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
