package dev.runpilot.sdk.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runpilot.sdk.ArchiveException;
import dev.runpilot.sdk.ArchiveException.Reason;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BundlerTest {
    @TempDir
    Path temp;

    private Path sampleTree() throws IOException {
        Path src = temp.resolve("src");
        Trees.write(src, "train.py", "print('hi')\n");
        Trees.makeExecutable(Trees.write(src, "bin/run.sh", "#!/bin/sh\necho run\n"));
        Trees.write(src, "pkg/module.py", "x = 1\n");
        Trees.write(src, "pkg/__pycache__/module.cpython-311.pyc", "junk");
        Trees.write(src, ".git/HEAD", "ref: refs/heads/main\n");
        Trees.write(src, "node_modules/left-pad/index.js", "module.exports = 1\n");
        Trees.write(src, "data/big.bin", new byte[300_000]);
        Trees.write(src, "unicode/naïve 文件.txt", "unicode name\n");
        Trees.write(src, "long/" + "d".repeat(120) + "/" + "f".repeat(120) + ".txt", "long name\n");
        Files.createDirectories(src.resolve("empty"));
        Files.createSymbolicLink(src.resolve("link-to-train.py"), Path.of("train.py"));
        Files.createSymbolicLink(src.resolve("pkg/up"), Path.of("../bin"));
        return src;
    }

    @Test
    void bundleThenExtractGivesIdenticalFilesModesAndLinks() throws IOException {
        Path src = sampleTree();
        Bundle bundle = Bundler.builder().build().bundle(src, temp.resolve("out/bundle.tar.gz"));

        Path target = temp.resolve("extracted");
        try (InputStream in = Files.newInputStream(bundle.file())) {
            ExtractedBundle extracted = BundleExtractor.builder().build().extract(in, target, bundle.sha256());
            assertThat(extracted.manifest()).isEqualTo(bundle.manifest());
            assertThat(extracted.sha256()).isEqualTo(bundle.sha256());
        }
        Map<String, String> expected = Trees.describe(src);
        expected.keySet().removeIf(p -> p.startsWith(".git") || p.startsWith("node_modules")
                || p.contains("__pycache__"));
        expected.replaceAll((path, description) -> description.replace("rwxr-x---", "rwxr-xr-x"));
        assertThat(Trees.describe(target)).isEqualTo(expected);
        assertThat(Trees.describe(target)).containsEntry("bin/run.sh", Trees.describe(target).get("bin/run.sh"))
                .hasEntrySatisfying("bin/run.sh", d -> assertThat(d).startsWith("file rwxr-xr-x"))
                .hasEntrySatisfying("train.py", d -> assertThat(d).startsWith("file rw-r--r--"))
                .containsEntry("link-to-train.py", "link -> train.py")
                .containsEntry("empty", "dir rwxr-xr-x");
    }

    @Test
    void sameTreeGivesSameBytesAndAddress() throws IOException {
        Path src = sampleTree();
        Bundle first = Bundler.builder().parallelism(1).build().bundle(src, temp.resolve("a.tar.gz"));
        Files.setLastModifiedTime(src.resolve("train.py"), java.nio.file.attribute.FileTime.fromMillis(12345));
        Bundle second = Bundler.builder().parallelism(4).build().bundle(src, temp.resolve("b.tar.gz"));
        assertThat(second.sha256()).isEqualTo(first.sha256());
        assertThat(Files.readAllBytes(second.file())).isEqualTo(Files.readAllBytes(first.file()));
    }

    @Test
    void archiveIsAPlainTarGzWithManifestFirstAndNormalisedHeaders() throws IOException {
        Bundle bundle = Bundler.builder().signer(SigningKey.generate()).build()
                .bundle(sampleTree(), temp.resolve("b.tar.gz"));
        List<String> names = new ArrayList<>();
        try (TarArchiveInputStream tar = new TarArchiveInputStream(
                new GzipCompressorInputStream(Files.newInputStream(bundle.file())))) {
            for (TarArchiveEntry e; (e = tar.getNextEntry()) != null; ) {
                names.add(e.getName());
                assertThat(e.getLastModifiedTime().toMillis()).isZero();
                assertThat(e.getLongUserId()).isZero();
                assertThat(e.getLongGroupId()).isZero();
                assertThat(e.getUserName()).isEmpty();
                assertThat(e.getGroupName()).isEmpty();
            }
        }
        assertThat(names).startsWith(".runpilot-bundle/manifest.json", ".runpilot-bundle/signature.json");
        assertThat(names).doesNotContain(".git/HEAD", "node_modules/left-pad/index.js",
                "pkg/__pycache__/module.cpython-311.pyc");
        assertThat(names.subList(2, names.size())).isSorted();
    }

    @Test
    void runpilotIgnoreFilesAndBuilderPatternsLeaveFilesOut() throws IOException {
        Path src = temp.resolve("src");
        Trees.write(src, ".runpilotignore", "*.csv\n!keep.csv\nscratch/\n");
        Trees.write(src, "a.csv", "1");
        Trees.write(src, "keep.csv", "2");
        Trees.write(src, "scratch/x.txt", "3");
        Trees.write(src, "sub/.runpilotignore", "/local.txt\n");
        Trees.write(src, "sub/local.txt", "4");
        Trees.write(src, "local.txt", "5");
        Trees.write(src, "notes.md", "6");
        Bundle bundle = Bundler.builder().ignore("*.md").build().bundle(src, temp.resolve("b.tar.gz"));
        assertThat(bundle.manifest().entries()).extracting(ManifestEntry::path)
                .containsExactly(".runpilotignore", "keep.csv", "local.txt", "sub", "sub/.runpilotignore");
    }

    @Test
    void sizeLimitErrorNamesTheFiveLargestFiles() {
        Path src = temp.resolve("src");
        for (int i = 1; i <= 7; i++) {
            Trees.write(src, "file" + i + ".bin", new byte[i * 1000]);
        }
        assertThatThrownBy(() -> Bundler.builder().sizeLimit(10_000).build().bundle(src, temp.resolve("b.tar.gz")))
                .isInstanceOfSatisfying(ArchiveException.class, e -> assertThat(e.reason()).isEqualTo(Reason.TOO_LARGE))
                .hasMessageContaining("file7.bin").hasMessageContaining("file6.bin").hasMessageContaining("file3.bin")
                .hasMessageNotContaining("file2.bin")
                .hasMessageContaining("6.8 KiB")
                .hasMessageContaining(".runpilotignore");
        assertThat(temp.resolve("b.tar.gz")).doesNotExist();
    }

    @Test
    void linkPointingOutsideTheTreeIsRefused() throws IOException {
        Path src = temp.resolve("src");
        Trees.write(src, "a.txt", "a");
        Files.createSymbolicLink(src.resolve("passwd"), Path.of("/etc/passwd"));
        assertThatThrownBy(() -> Bundler.builder().build().bundle(src, temp.resolve("b.tar.gz")))
                .isInstanceOfSatisfying(ArchiveException.class, e -> assertThat(e.reason()).isEqualTo(Reason.LINK_ESCAPE))
                .hasMessageContaining("passwd");
        Files.delete(src.resolve("passwd"));
        Files.createSymbolicLink(src.resolve("up"), Path.of("../outside"));
        assertThatThrownBy(() -> Bundler.builder().build().bundle(src, temp.resolve("b.tar.gz")))
                .isInstanceOfSatisfying(ArchiveException.class, e -> assertThat(e.reason()).isEqualTo(Reason.LINK_ESCAPE));
        assertThat(Bundler.builder().ignore("up").build().bundle(src, temp.resolve("b.tar.gz")).manifest().entries())
                .hasSize(1);
    }

    @Test
    void progressReportsEveryStageFromNothingToAll() throws IOException {
        Path src = temp.resolve("src");
        Random random = new Random(1);
        for (int i = 0; i < 500; i++) {
            byte[] content = new byte[random.nextInt(10_000)];
            random.nextBytes(content);
            Trees.write(src, "f" + i, content);
        }
        List<Progress> reports = new ArrayList<>();
        Bundler.builder().progress(reports::add).encryption(EncryptionKey.generate()).build()
                .bundle(src, temp.resolve("b.tar.gz"));
        for (Progress.Stage stage : List.of(Progress.Stage.HASHING, Progress.Stage.ARCHIVING,
                Progress.Stage.ENCRYPTING)) {
            List<Progress> ofStage = reports.stream().filter(p -> p.stage() == stage).toList();
            assertThat(ofStage).hasSizeBetween(2, 402);
            assertThat(ofStage.get(0).bytesDone()).isZero();
            assertThat(ofStage.get(ofStage.size() - 1).isDone()).isTrue();
            assertThat(ofStage).extracting(Progress::bytesDone).isSorted();
        }
        assertThat(reports.get(0).stage()).isEqualTo(Progress.Stage.HASHING);
    }

    @Test
    void outputIsReplacedOnlyWhenComplete() throws IOException {
        Path output = Trees.write(temp, "b.tar.gz", "previous");
        Path src = temp.resolve("src");
        Trees.write(src, "a.txt", "a");
        Files.createSymbolicLink(src.resolve("bad"), Path.of("/etc"));
        assertThatThrownBy(() -> Bundler.builder().build().bundle(src, output)).isInstanceOf(ArchiveException.class);
        assertThat(output).hasContent("previous");
        assertThat(temp).isDirectoryNotContaining("glob:**.partial");
    }

    @Test
    void emptyTreeMakesAValidEmptyBundle() throws IOException {
        Path src = Files.createDirectories(temp.resolve("src"));
        Bundle bundle = Bundler.builder().build().bundle(src, temp.resolve("b.tar.gz"));
        assertThat(bundle.manifest().entries()).isEmpty();
        try (InputStream in = Files.newInputStream(bundle.file())) {
            BundleExtractor.builder().build().extract(in, temp.resolve("out"));
        }
        assertThat(temp.resolve("out")).isEmptyDirectory();
    }

    @Test
    void gnuTarAndGzipReadTheBundle() throws Exception {
        Bundle bundle = Bundler.builder().build().bundle(sampleTree(), temp.resolve("b.tar.gz"));
        Process gzip = new ProcessBuilder("gzip", "-t", bundle.file().toString()).inheritIO().start();
        assertThat(gzip.waitFor()).isZero();
        Process tar = new ProcessBuilder("tar", "-tzf", bundle.file().toString()).redirectErrorStream(true).start();
        String listing = new String(tar.getInputStream().readAllBytes());
        assertThat(tar.waitFor()).isZero();
        assertThat(listing).contains("train.py", "bin/run.sh", "naïve 文件.txt", "f".repeat(120) + ".txt");
    }
}
