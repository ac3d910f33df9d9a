package dev.runpilot.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The completion scripts loaded into real shells, asked to complete real command lines. */
class CompletionTest {
    @TempDir
    Path dir;

    @Test
    void bashScriptLoadsAndCompletesASubcommand() throws Exception {
        Path script = script("bash");
        String offered = shell("bash", "-c", "source " + script + "; complete -p runpilot;"
                + " COMP_WORDS=(runpilot lo); COMP_CWORD=1; COMP_LINE='runpilot lo'; COMP_POINT=11;"
                + " _complete_runpilot runpilot lo runpilot 2>/dev/null; printf 'offered:%s\\n' \"${COMPREPLY[@]}\"");
        assertThat(offered).contains("complete -o default -F _complete_runpilot runpilot");
        assertThat(offered.lines().filter(l -> l.startsWith("offered:"))).containsExactlyInAnyOrder("offered:logs", "offered:login", "offered:logout");
    }

    @Test
    void bashScriptCompletesOptionValues() throws Exception {
        Path script = script("bash");
        String offered = shell("bash", "-c", "source " + script + ";"
                + " COMP_WORDS=(runpilot list --status R); COMP_CWORD=3; COMP_LINE='runpilot list --status R';"
                + " COMP_POINT=24; _complete_runpilot runpilot R --status 2>/dev/null; printf 'offered:%s\\n' \"${COMPREPLY[@]}\"");
        assertThat(offered.lines().filter(l -> l.startsWith("offered:"))).containsExactly("offered:RUNNING");
    }

    @Test
    void fishScriptCompletesSubcommandsAndNestedOptions() throws Exception {
        String fish = TestTools.require("RUNPILOT_TEST_FISH", "fish");
        Path script = script("fish");
        String top = shell(fish, "--no-config", "-c", "source " + script + "; complete -C 'runpilot lo'");
        assertThat(top.lines().map(l -> l.split("\t")[0])).containsExactlyInAnyOrder("logs", "login", "logout");

        String nested = shell(fish, "--no-config", "-c", "source " + script + "; complete -C 'runpilot keys '");
        assertThat(nested.lines().map(l -> l.split("\t")[0])).containsExactlyInAnyOrder("generate", "list", "trust");

        String options = shell(fish, "--no-config", "-c", "source " + script + "; complete -C 'runpilot keys generate --n'");
        // Its own option, and the global ones, which apply everywhere.
        assertThat(options.lines().map(l -> l.split("\t")[0])).containsExactlyInAnyOrder("--name", "--no-color");

        String listOptions = shell(fish, "--no-config", "-c", "source " + script + "; complete -C 'runpilot keys list --st'");
        assertThat(listOptions).doesNotContain("--status");

        String values = shell(fish, "--no-config", "-c", "source " + script + "; complete -C 'runpilot -o '");
        assertThat(values.lines().map(l -> l.split("\t")[0])).containsExactlyInAnyOrder("table", "json", "yaml");
    }

    @Test
    void zshScriptIsTheBashScriptBehindBashcompinit() throws Exception {
        String zsh = new String(Files.readAllBytes(script("zsh")), StandardCharsets.UTF_8);
        assertThat(zsh).startsWith("#compdef runpilot\n").contains("bashcompinit").contains("_complete_runpilot");
    }

    private Path script(String shell) throws IOException {
        Cli.Result result = new Cli(Files.createDirectories(dir.resolve("home"))).run("completion", shell);
        assertThat(result.exitCode()).as(result.toString()).isZero();
        Path file = dir.resolve("runpilot." + shell);
        Files.writeString(file, result.out());
        return file;
    }

    private static String shell(String... command) throws Exception {
        Process process = new ProcessBuilder(List.of(command)).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(1, TimeUnit.MINUTES)).isTrue();
        return output;
    }
}
