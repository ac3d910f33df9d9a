package dev.runpilot.sdk;

import static dev.runpilot.sdk.EngineFixture.shell;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BadInputTest {
    @TempDir
    Path dir;

    @Test
    void aJobWithoutACommandIsRefusedSayingWhatToSet() {
        assertThatThrownBy(() -> Job.builder().name("empty").build())
                .isInstanceOf(InvalidJobException.class)
                .hasMessageContaining("Invalid job 'empty'")
                .hasMessageContaining("no command: set command(")
                .hasMessageContaining("or entrypoint(");
    }

    @Test
    void aNegativeTimeoutIsRefusedWithTheValue() {
        assertThatThrownBy(() -> Job.builder().command("true").timeout(Duration.ofSeconds(-5)).build())
                .isInstanceOf(InvalidJobException.class)
                .hasMessageContaining("timeout must be positive, was PT-5S");
    }

    @Test
    void anUnknownRunIdNamesTheIdAndWhereItLooked() {
        try (RunPilotClient client = RunPilot.client().home(dir).workers(0).build()) {
            assertThatThrownBy(() -> client.run("r-nope"))
                    .isInstanceOf(RunNotFoundException.class)
                    .hasMessageContaining("'r-nope'")
                    .hasMessageContaining(dir.resolve("runpilot.db").toString())
                    .hasMessageContaining("client.list()");
            assertThat(client.findRun("r-nope")).isEmpty();
        }
    }

    @Test
    void aHomeThatCannotBeCreatedIsNamedWithTheFix() throws Exception {
        Path file = Files.writeString(dir.resolve("plain-file"), "x");
        Path home = file.resolve("home");
        assertThatThrownBy(() -> RunPilot.client().home(home).build())
                .isInstanceOf(ControlPlaneException.class)
                .hasMessageContaining("Cannot create the RunPilot home " + home)
                .hasMessageContaining("RUNPILOT_HOME");
    }

    @Test
    void aCorruptDatabaseIsNamedAndTheUserToldHowToRecover() throws Exception {
        Files.writeString(dir.resolve("runpilot.db"), "this is not a database, just some text that is long enough to look like a header".repeat(50));
        assertThatThrownBy(() -> RunPilot.client().home(dir).build())
                .isInstanceOf(ControlPlaneException.class)
                .hasMessageContaining(dir.resolve("runpilot.db").toString())
                .hasMessageContaining("corrupt or not a database")
                .hasMessageContaining("Move it aside");
    }

    @Test
    void aDatabaseFromANewerVersionIsRefused() throws Exception {
        try (RunPilotClient client = RunPilot.client().home(dir).workers(0).build()) {
            assertThat(client.list().runs()).isEmpty();
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("runpilot.db"));
             Statement s = c.createStatement()) {
            s.execute("INSERT INTO schema_version (version, script, applied_at) VALUES (99, 'V99__future.sql', 0)");
        }
        assertThatThrownBy(() -> RunPilot.client().home(dir).build())
                .isInstanceOf(ControlPlaneException.class)
                .hasMessageContaining("schema version 99")
                .hasMessageContaining("Upgrade RunPilot");
    }

    @Test
    void aJobNamingAnImageIsRefusedByTheProcessRuntimeInsteadOfIgnored() {
        try (RunPilotClient client = RunPilot.client().inMemory().workers(0).build()) {
            assertThatThrownBy(() -> client.submit(shell("img", "true").image("python:3.11").build()))
                    .isInstanceOf(InvalidJobException.class)
                    .hasMessageContaining("image 'python:3.11'")
                    .hasMessageContaining("dev.runpilot:runpilot-docker");
            assertThat(client.list().runs()).isEmpty();
        }
    }

    @Test
    void resourceClassesTheWorkersDoNotOfferAreRefusedWithTheFixNamed() {
        try (RunPilotClient client = RunPilot.client().inMemory().workers(0).resourceClasses("cpu-small").build()) {
            assertThatThrownBy(() -> client.submit(shell("out", "true").resourceClass("gpu-large").build()))
                    .isInstanceOf(InvalidJobException.class)
                    .hasMessageContaining("resourceClass 'gpu-large'")
                    .hasMessageContaining("they offer cpu-small")
                    .hasMessageContaining("resourceClasses(\"gpu-large\")");
            assertThat(client.list().runs()).isEmpty();
        }
    }

    @Test
    void aResourceClassTheWorkersOfferRuns() {
        try (RunPilotClient client = RunPilot.client().inMemory().runtime("process").resourceClasses("gpu-large").build()) {
            RunResult result = client.submit(shell("gpu-job", "echo on the gpu box").resourceClass("gpu-large").build()).await();

            assertThat(result.status()).isEqualTo(RunStatus.SUCCEEDED);
        }
    }

    @Test
    void fieldsOfLaterFeaturesAreRefusedWithTheFieldNamed() {
        try (RunPilotClient client = RunPilot.client().inMemory().workers(0).build()) {
            assertThatThrownBy(() -> client.submit(shell("out", "true").resourceClass("gpu-large").build()))
                    .isInstanceOf(InvalidJobException.class)
                    .hasMessageContaining("resourceClass 'gpu-large'");
            assertThatThrownBy(() -> client.submit(shell("gpu", "true").gpu(GpuRequest.of(1)).build()))
                    .hasMessageContaining("gpu:");
        }
    }

    @Test
    void aDependencyOnAnUnknownRunIsRefused() {
        try (RunPilotClient client = RunPilot.client().inMemory().workers(0).build()) {
            assertThatThrownBy(() -> client.submit(shell("orphan", "true").dependsOn("r-missing").build()))
                    .isInstanceOf(InvalidJobException.class)
                    .hasMessageContaining("unknown run(s) [r-missing]");
        }
    }

    @Test
    void aMissingProgramFailsTheRunWithARuntimeError() {
        try (RunPilotClient client = RunPilot.client().inMemory().workers(1).build()) {
            RunResult result = client.submit(Job.builder().command("/definitely/not/here").build()).await();
            assertThat(result.status()).isEqualTo(RunStatus.FAILED);
            assertThat(result.reason()).contains(FailureReason.RUNTIME_ERROR);
            assertThat(result.message()).contains("Cannot start '/definitely/not/here'");
        }
    }

    @Test
    void anUnknownRuntimeNameListsWhatExistsAndTheModuleToAdd() {
        assertThatThrownBy(() -> RunPilot.client().inMemory().runtime("docker").build())
                .isInstanceOf(ProviderException.class)
                .hasMessageContaining("No container runtime 'docker'")
                .hasMessageContaining("found: process")
                .hasMessageContaining("dev.runpilot:runpilot-docker");
    }

    @Test
    void aClosedClientSaysSo() {
        RunPilotClient client = RunPilot.client().inMemory().workers(0).build();
        client.close();
        assertThatThrownBy(() -> client.submit(shell("late", "true").build()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
    }

    @Test
    void aSourceThatIsNotADirectoryIsRefusedAtSubmit() {
        try (RunPilotClient client = RunPilot.client().inMemory().workers(0).build()) {
            assertThatThrownBy(() -> client.submit(shell("src", "true").source(dir.resolve("missing")).build()))
                    .isInstanceOf(InvalidJobException.class)
                    .hasMessageContaining("source " + dir.resolve("missing"))
                    .hasMessageContaining("is not a directory");
            assertThat(client.list().runs()).isEmpty();
        }
    }
}
