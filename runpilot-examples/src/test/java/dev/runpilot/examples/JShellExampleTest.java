package dev.runpilot.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs src/main/jshell/hello.jsh in JShell (the engine behind Java Jupyter kernels) exactly as its
 * header tells users to: the JDK's jshell, the class path Maven wrote to
 * target/runpilot-classpath.txt, the script as argument.
 */
class JShellExampleTest {
    @TempDir
    Path home;

    @Test
    void theJShellScriptRunsAJobAndPrintsItsLogStatusAndMetrics() throws Exception {
        Path jshell = Path.of(System.getProperty("java.home"), "bin", "jshell");
        assertThat(jshell).as("jshell of the JDK running the tests").isExecutable();
        Path classPathFile = Path.of("target", "runpilot-classpath.txt");
        assertThat(classPathFile).as("written by maven-dependency-plugin in generate-resources").exists();
        String classPath = Files.readString(classPathFile, StandardCharsets.UTF_8).trim();

        String output = ExampleProcess.run(List.of(jshell.toString(), "--class-path", classPath,
                Path.of("src", "main", "jshell", "hello.jsh").toString()), home);

        assertThat(output)
                .containsPattern("  \\| hello from JShell, run r-\\S+")
                .contains("  | METRIC loss=0.3")
                .contains("status: SUCCEEDED")
                .contains("final loss: 0.1")
                .contains("loss series: [0.3, 0.2, 0.1]");
        assertThat(home).as("the in-memory client writes nothing to RUNPILOT_HOME").isEmptyDirectory();
    }
}
