package dev.runpilot.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CLI in a real pseudo-terminal (a tmux pane), against the same CLI with its output piped. */
class TerminalTest {
    @TempDir
    Path dir;

    @Test
    void watchRedrawsLiveStatusLogAndMetricsOnATerminal() throws IOException {
        String tmuxBinary = TestTools.require("RUNPILOT_TEST_TMUX", "tmux");
        Cli cli = new Cli(Files.createDirectories(dir.resolve("home")));
        Cli.Started running = cli.start("run", "--name", "sleeper", "--",
                "sh", "-c", "echo tick-1; echo 'METRIC loss=0.5'; sleep 120");
        String id = awaitRunning(cli);

        try (Tmux tmux = new Tmux(tmuxBinary)) {
            tmux.start(cli.command("watch", id));
            await().atMost(Duration.ofMinutes(1)).untilAsserted(() -> assertThat(tmux.screen())
                    .contains("Run " + id + "  sleeper", "Status RUNNING", "Metrics loss=0.5", "tick-1",
                            "Ctrl-C stops watching"));

            assertThat(cli.run("cancel", id).exitCode()).isZero();

            await().atMost(Duration.ofMinutes(1)).untilAsserted(() -> assertThat(tmux.screen())
                    .contains("Status CANCELLED", "[exit 1]")
                    // Redrawn in place: the RUNNING screen is gone, not scrolled above.
                    .doesNotContain("Status RUNNING"));
        }
        running.await();
    }

    @Test
    void watchPrintsPlainLinesWhenNotOnATerminal() throws IOException {
        Cli cli = new Cli(Files.createDirectories(dir.resolve("home")));
        String id = cli.run("-o", "json", "run", "--", "sh", "-c", "echo first; echo 'METRIC acc=0.9'").json()
                .get("id").asText();

        Cli.Result watch = cli.run("watch", id);
        assertThat(watch.exitCode()).as(watch.toString()).isZero();
        assertThat(watch.out()).contains("[status] SUCCEEDED", "first", "[metrics] acc=0.9").doesNotContain("\u001b[");

        Cli.Result json = cli.run("-o", "json", "watch", id);
        assertThat(json.jsonLines()).extracting(line -> line.get("type").asText()).contains("status", "log", "metrics");
    }

    @Test
    void progressBarsShowOnATerminalAndNotWhenPiped() throws IOException {
        String tmuxBinary = TestTools.require("RUNPILOT_TEST_TMUX", "tmux");
        Path source = Files.createDirectories(dir.resolve("src"));
        for (int i = 0; i < 30; i++) {
            Files.writeString(source.resolve("file-" + i + ".txt"), ("line " + i + "\n").repeat(500));
        }
        Cli cli = new Cli(Files.createDirectories(dir.resolve("home")));

        try (Tmux tmux = new Tmux(tmuxBinary)) {
            tmux.start(cli.command("run", "-s", source.toString(), "--", "sh", "-c", "ls | wc -l"));
            await().atMost(Duration.ofMinutes(1)).untilAsserted(() -> assertThat(tmux.screen()).contains("[exit 0]"));
            assertThat(tmux.screen())
                    .containsPattern("Archiving +\\[#{30}\\] 100%  30/30 files")
                    .containsPattern("Uploading +\\[#{30}\\] 100%  1/1 files")
                    .contains("30");
        }

        Cli.Result piped = cli.run("run", "-s", source.toString(), "--", "sh", "-c", "ls | wc -l");
        assertThat(piped.exitCode()).as(piped.toString()).isZero();
        assertThat(piped.out()).contains("30");
        assertThat(piped.err() + piped.out()).doesNotContain("Archiving", "Uploading", "[#");
    }

    private static String awaitRunning(Cli cli) {
        return await().atMost(Duration.ofMinutes(1)).until(() -> {
            JsonNode runs = cli.run("-o", "json", "list", "--status", "running").json().get("runs");
            return runs.isEmpty() ? null : runs.get(0).get("id").asText();
        }, id -> id != null);
    }
}
