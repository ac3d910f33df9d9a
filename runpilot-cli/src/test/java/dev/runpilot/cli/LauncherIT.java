package dev.runpilot.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code ./runpilot} launcher at the repository root, run as users run it, on the jar this build packaged
 * (failsafe runs it after the package phase): it answers, and its start-up measures (the AppCDS archive, the
 * unpacked SQLite library) are really in effect.
 */
class LauncherIT {
    private static final Path MODULE = Path.of("").toAbsolutePath();
    private static final Path LAUNCHER = MODULE.getParent().resolve("runpilot");
    private static final Path JAR = MODULE.resolve("target/runpilot.jar");
    private static final Path ARCHIVE = MODULE.resolve("target/runpilot.jsa");

    @TempDir
    Path dir;

    @BeforeAll
    static void jarIsPackaged() {
        assertThat(JAR).as("runpilot.jar, packaged before the integration tests").isRegularFile();
        assertThat(LAUNCHER).isExecutable();
    }

    @Test
    void statusOnAFreshHomeAnswersInJson() throws Exception {
        Path home = dir.resolve("home");

        Result result = launch(Map.of(), "--home", home.toString(), "-o", "json", "status");

        assertThat(result.exit()).as(result.err()).isZero();
        JsonNode status = new ObjectMapper().readTree(result.out());
        assertThat(status.path("controlPlane").path("kind").asText()).isEqualTo("embedded");
        assertThat(status.path("controlPlane").path("home").asText()).isEqualTo(home.toString());
        assertThat(status.path("active").path("RUNNING").asInt(-1)).isZero();
        assertThat(status.path("recent").isArray()).isTrue();
        assertThat(home.resolve("runpilot.db")).isRegularFile();
    }

    @Test
    void runsFromTheClassDataArchiveWithPicocliInIt() throws Exception {
        launch(Map.of(), "--version");
        assertThat(ARCHIVE).as("the AppCDS archive the launcher writes after a build").isRegularFile();
        Path classes = dir.resolve("classes.txt");

        Result result = launch(Map.of("RUNPILOT_JAVA_OPTS", "-Xlog:class+load=info:file=" + classes),
                "--home", dir.resolve("home").toString(), "status");

        assertThat(result.exit()).as(result.err()).isZero();
        List<String> loaded = Files.readAllLines(classes, StandardCharsets.UTF_8);
        // picocli ships Java 5 bytecode, which CDS leaves out unless the build adds stack map frames to it.
        assertThat(loaded).anySatisfy(line -> assertThat(line).contains("picocli.CommandLine source: shared objects file"));
        assertThat(loaded).anySatisfy(line -> assertThat(line)
                .contains("dev.runpilot.cli.RunPilotCli source: shared objects file"));
        assertThat(loaded).anySatisfy(line -> assertThat(line).contains("org.sqlite.SQLiteConfig source: shared objects file"));
    }

    @Test
    void loadsTheUnpackedSqliteLibraryInsteadOfExtractingItEachTime() throws Exception {
        Path tmp = Files.createDirectories(dir.resolve("tmp"));

        Result result = launch(Map.of("RUNPILOT_JAVA_OPTS", "-Djava.io.tmpdir=" + tmp),
                "--home", dir.resolve("home").toString(), "status");

        assertThat(result.exit()).as(result.err()).isZero();
        assertThat(MODULE.resolve("target/native")).isDirectoryContaining(path -> path.getFileName().toString()
                .startsWith("libsqlitejdbc"));
        try (var left = Files.list(tmp)) {
            assertThat(left.map(path -> path.getFileName().toString()))
                    .as("sqlite-jdbc extracts its library to java.io.tmpdir when it is not given one")
                    .noneMatch(name -> name.contains("sqlite"));
        }
    }

    @Test
    void versionComesFromTheJarAndHelpStillListsEverySubcommand() throws Exception {
        Result version = launch(Map.of(), "--version");
        Result help = launch(Map.of(), "--help");

        assertThat(version.exit()).as(version.err()).isZero();
        assertThat(version.out()).containsPattern("^runpilot \\d+\\.\\d+\\.\\d+").contains("Java " + Runtime.version().feature());
        assertThat(help.exit()).as(help.err()).isZero();
        assertThat(help.out()).contains("status", "completion", "doctor", "agent", "logout");
    }

    @Test
    void aFailingCommandExitsWithItsDocumentedCode() throws Exception {
        Result result = launch(Map.of(), "--home", dir.resolve("home").toString(), "show", "r-doesnotexist");

        assertThat(result.exit()).isEqualTo(ExitCodes.NOT_FOUND);
        assertThat(result.err()).contains("r-doesnotexist");
    }

    private Result launch(Map<String, String> env, String... args) throws IOException, InterruptedException {
        List<String> command = new java.util.ArrayList<>(List.of(LAUNCHER.toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile());
        builder.environment().remove("RUNPILOT_HOME");
        builder.environment().remove("RUNPILOT_ENDPOINT");
        builder.environment().remove("RUNPILOT_JAVA_OPTS");
        builder.environment().putAll(env);
        Path out = dir.resolve("out.txt");
        Path err = dir.resolve("err.txt");
        builder.redirectOutput(out.toFile()).redirectError(err.toFile());
        Process process = builder.start();
        if (!process.waitFor(5, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new AssertionError("./runpilot " + String.join(" ", args) + " did not finish in 5 minutes");
        }
        return new Result(process.exitValue(), Files.readString(out), Files.readString(err));
    }

    private record Result(int exit, String out, String err) {
    }
}
