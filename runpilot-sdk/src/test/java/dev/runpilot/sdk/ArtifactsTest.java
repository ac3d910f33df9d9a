package dev.runpilot.sdk;

import static dev.runpilot.sdk.EngineFixture.shell;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Files matching a job's artifact globs are stored when an attempt ends, listed, downloaded and pruned. */
class ArtifactsTest {
    @TempDir
    Path home;
    @TempDir
    Path scratch;

    private RunPilotClient client() {
        return RunPilot.client().home(home).storage(scratch.resolve("store").toUri()).workers(1)
                .gracePeriod(Duration.ofSeconds(1)).build();
    }

    private static Job producing(String name) {
        return shell(name, "mkdir -p out/deep && printf model > out/model.bin && printf notes > out/deep/notes.txt"
                + " && printf noise > debug.log").artifacts("out/**").build();
    }

    @Test
    void matchingFilesAreListedOnceTheRunIsOver() throws Exception {
        try (RunPilotClient client = client()) {
            Run run = client.submit(producing("train"));
            run.await().requireSuccess();

            List<Artifact> artifacts = run.artifacts();
            assertThat(artifacts).extracting(Artifact::attempt, Artifact::path, Artifact::size)
                    .containsExactly(tuple(1, "out/deep/notes.txt", 5L),
                            tuple(1, "out/model.bin", 5L));
            assertThat(artifacts.get(1).key()).isEqualTo("runs/" + run.id() + "/artifacts/1/out/model.bin");
            assertThat(scratch.resolve("store/runs/" + run.id() + "/artifacts/1/out/model.bin")).hasContent("model");
            assertThat(run.logs().read()).extracting(LogLine::text)
                    .anyMatch(t -> t.startsWith("saved artifact out/model.bin (5 bytes)"));

            Path target = run.downloadArtifact(artifacts.get(1), scratch.resolve("downloads/model.bin"));
            assertThat(target).hasContent("model");
        }
    }

    @Test
    void aJobWhoseFilesMatchNothingSaysSoAndHasNoArtifacts() {
        try (RunPilotClient client = client()) {
            Run run = client.submit(shell("quiet", "true").artifacts("*.pt").build());
            run.await().requireSuccess();

            assertThat(run.artifacts()).isEmpty();
            assertThat(run.logs().read()).extracting(LogLine::text)
                    .anyMatch(t -> t.contains("no files matched the artifact patterns [*.pt]"));
        }
    }

    @Test
    void aDamagedArtifactIsNotDownloadedAndTheTargetIsLeftAlone() throws Exception {
        try (RunPilotClient client = client()) {
            Run run = client.submit(producing("train"));
            run.await().requireSuccess();
            Artifact model = run.artifacts().stream().filter(a -> a.path().equals("out/model.bin")).findFirst().orElseThrow();
            Files.writeString(scratch.resolve("store").resolve(model.key()), "MODEL");
            Path target = scratch.resolve("model.bin");
            Files.writeString(target, "previous");

            assertThatThrownBy(() -> run.downloadArtifact(model, target))
                    .isInstanceOf(StorageException.class)
                    .hasMessageContaining("out/model.bin")
                    .hasMessageContaining("Checksum mismatch");
            assertThat(target).hasContent("previous");
            try (var leftovers = Files.list(scratch)) {
                assertThat(leftovers.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith(".rp-download-"));
            }
        }
    }

    @Test
    void pruningDeletesOldRunsArtifactsButKeepsTheLastOnes() {
        try (RunPilotClient client = client()) {
            Run first = client.submit(producing("first"));
            first.await().requireSuccess();
            Run second = client.submit(producing("second"));
            second.await().requireSuccess();
            Run third = client.submit(producing("third"));
            third.await().requireSuccess();

            PrunedArtifacts none = client.pruneArtifacts(ArtifactRetention.olderThan(Duration.ofDays(1)));
            assertThat(none.runIds()).isEmpty();
            assertThat(none.objects()).isZero();

            PrunedArtifacts pruned = client.pruneArtifacts(ArtifactRetention.olderThan(Duration.ZERO).keepLast(1));
            assertThat(pruned.runIds()).containsExactly(second.id(), first.id());
            assertThat(pruned.objects()).isEqualTo(4);
            assertThat(first.artifacts()).isEmpty();
            assertThat(second.artifacts()).isEmpty();
            assertThat(third.artifacts()).hasSize(2);
            assertThat(first.logs().read()).isNotEmpty();
        }
    }

    @Test
    void retentionRefusesNegativeValues() {
        assertThatThrownBy(() -> ArtifactRetention.olderThan(Duration.ofSeconds(-1))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ArtifactRetention.olderThan(Duration.ZERO).keepLast(-1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(ArtifactRetention.olderThan(Duration.ofDays(7)).keepLast(3).keepLast()).isEqualTo(3);
    }
}
