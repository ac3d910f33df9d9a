package dev.runpilot.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs the YAML job example as a user would: its own JVM, the default client, the job file beside it. */
class YamlJobExampleTest {
    @TempDir
    Path home;

    @Test
    void theJobFileRunsWithItsEnvFileSecretMaskedAndItsVariableFilledIn() throws Exception {
        String output = ExampleProcess.runMain(YamlJobExample.class, home);
        assertThat(output)
                .contains("loaded job 'greet' from jobs/env-file/greet.yaml with secrets [API_TOKEN]")
                .contains("  | good morning, world")
                .contains("  | calling the API with token ***")
                .containsPattern("run r-\\S+ SUCCEEDED, metrics \\{greetings=1.0}")
                .doesNotContain("example-token-1234");
    }
}
