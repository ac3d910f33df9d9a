package dev.runpilot.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs the hello example the way README's first command does: its own JVM, the default client. */
class HelloRunPilotTest {
    @TempDir
    Path home;

    @Test
    void helloRunsItsJobEndToEndAndPrintsLogStatusAndMetrics() throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        ProcessBuilder builder = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                HelloRunPilot.class.getName()).redirectErrorStream(true);
        builder.environment().put("RUNPILOT_HOME", home.toString());
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();

        assertThat(process.exitValue()).as(output).isZero();
        assertThat(output)
                .contains("submitted run r-")
                .contains("  | hello from RunPilot run r-")
                .contains("  | epoch 5: loss 0.078")
                .containsPattern("run r-\\S+ SUCCEEDED in \\d+ ms, exit code 0")
                .contains("metrics: {accuracy=0.97, loss=0.078}")
                .contains("loss[step 1] = 0.6");
        assertThat(home.resolve("runpilot.db")).exists();
        try (var logs = Files.walk(home.resolve("storage/runs"))) {
            assertThat(logs.filter(p -> p.getFileName().toString().equals("attempt-1.log"))).hasSize(1);
        }
    }
}
