package dev.runpilot.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CLI run as a child process, non-interactively, with its JSON output parsed. */
class CliEndToEndTest {
    @TempDir
    Path dir;

    private Cli cli() throws IOException {
        return new Cli(Files.createDirectories(dir.resolve("home")));
    }

    @Test
    void runFollowsTheLogAndExitsWithTheJobsExitCode() throws IOException {
        Cli.Result result = cli().run("-o", "json", "run", "--", "sh", "-c", "echo to-stdout; echo to-stderr >&2; exit 3");

        assertThat(result.exitCode()).as(result.toString()).isEqualTo(3);
        JsonNode json = result.json();
        assertThat(json.get("status").asText()).isEqualTo("FAILED");
        assertThat(json.get("exitCode").asInt()).isEqualTo(3);
        assertThat(json.get("reason").asText()).isEqualTo("exit_code");
        // With -o json, stdout holds only the result; the log goes to stderr.
        assertThat(result.err()).contains("to-stdout", "to-stderr");
    }

    @Test
    void succeededRunIsListedShownAndItsLogsAndMetricsRead() throws IOException {
        Cli cli = cli();
        Cli.Result run = cli.run("-o", "json", "run", "--name", "train", "--label", "team=ml", "--",
                "sh", "-c", "echo step one; echo 'METRIC loss=0.75'; echo 'METRIC loss=0.25'; echo done");
        assertThat(run.exitCode()).as(run.toString()).isZero();
        String id = run.json().get("id").asText();

        JsonNode list = cli.run("-o", "json", "list", "--label", "team=ml").json();
        assertThat(list.get("runs")).hasSize(1);
        assertThat(list.get("runs").get(0).get("id").asText()).isEqualTo(id);
        assertThat(list.get("runs").get(0).get("status").asText()).isEqualTo("SUCCEEDED");

        JsonNode show = cli.run("-o", "json", "show", id).json();
        assertThat(show.get("name").asText()).isEqualTo("train");
        assertThat(show.get("job").get("command").get(0).asText()).isEqualTo("sh");
        assertThat(show.get("attemptList")).hasSize(1);
        assertThat(show.get("events").findValuesAsText("to")).contains("QUEUED", "RUNNING", "SUCCEEDED");

        JsonNode logs = cli.run("-o", "json", "logs", id).json();
        List<String> texts = new ArrayList<>();
        logs.forEach(line -> texts.add(line.get("text").asText()));
        assertThat(texts).contains("step one", "done");

        Cli.Result table = cli.run("logs", id, "--tail", "2");
        assertThat(table.out().strip().lines()).containsExactly("done", "[runpilot] attempt 1 ended: exited with code 0");

        JsonNode metrics = cli.run("-o", "json", "metrics", id, "--series", "loss").json();
        assertThat(metrics.get("last").get("loss").asDouble()).isEqualTo(0.25);
        assertThat(metrics.get("series").get("loss").findValuesAsText("value")).containsExactly("0.75", "0.25");

        JsonNode status = cli.run("-o", "json", "status").json();
        assertThat(status.get("controlPlane").get("home").asText()).isEqualTo(cli.home().toString());
        assertThat(status.get("recent").get(0).get("id").asText()).isEqualTo(id);
    }

    @Test
    void listFiltersByStatusAndLabelAndPages() throws IOException {
        Cli cli = cli();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Cli.Result submitted = cli.run("-o", "json", "submit", "-l", "batch=b1", "--", "echo", "job" + i);
            assertThat(submitted.exitCode()).as(submitted.toString()).isZero();
            assertThat(submitted.json().get("status").asText()).isEqualTo("QUEUED");
            ids.add(submitted.json().get("id").asText());
        }
        cli.run("submit", "-q", "-l", "batch=other", "--", "echo", "other");

        JsonNode first = cli.run("-o", "json", "list", "--status", "queued", "--label", "batch=b1", "--limit", "2").json();
        assertThat(first.get("runs")).hasSize(2);
        String token = first.get("nextPageToken").asText();
        JsonNode second = cli.run("-o", "json", "list", "--status", "QUEUED", "--label", "batch=b1", "--limit", "2",
                "--page-token", token).json();
        assertThat(second.get("runs")).hasSize(1);
        assertThat(second.get("nextPageToken").isNull()).isTrue();

        List<String> listed = new ArrayList<>(first.get("runs").findValuesAsText("id"));
        listed.addAll(second.get("runs").findValuesAsText("id"));
        assertThat(listed).containsExactlyInAnyOrderElementsOf(ids);
        assertThat(cli.run("-o", "json", "list", "--status", "succeeded").json().get("runs")).isEmpty();
    }

    @Test
    void cancelStopsASleepingRunStartedByAnotherProcess() throws IOException {
        Cli cli = cli();
        Cli.Started running = cli.start("-o", "json", "run", "--", "sh", "-c", "echo sleeping; sleep 120");
        String id = await().atMost(Duration.ofMinutes(1)).until(() -> {
            JsonNode runs = cli.run("-o", "json", "list", "--status", "running").json().get("runs");
            return runs.isEmpty() ? null : runs.get(0).get("id").asText();
        }, idOrNull -> idOrNull != null);

        Cli.Result cancel = cli.run("-o", "json", "cancel", id);
        assertThat(cancel.exitCode()).as(cancel.toString()).isZero();
        assertThat(cancel.json().get("outcome").asText()).isIn("CANCELLING", "CANCELLED");

        Cli.Result ended = running.await();
        assertThat(ended.exitCode()).as(ended.toString()).isEqualTo(ExitCodes.FAILED);
        assertThat(ended.json().get("status").asText()).isEqualTo("CANCELLED");
        assertThat(cli.run("-o", "json", "show", id).json().get("status").asText()).isEqualTo("CANCELLED");

        Cli.Result again = cli.run("cancel", id);
        assertThat(again.out()).contains("had already finished");
    }

    @Test
    void validateReportsEachProblemWithFileLineAndColumn() throws IOException {
        Path file = dir.resolve("bad.yaml");
        Files.writeString(file, "name: broken\ncommand: [echo, hi]\ntimeout: soon\n");

        Cli.Result json = cli().run("-o", "json", "validate", file.toString());
        assertThat(json.exitCode()).as(json.toString()).isEqualTo(ExitCodes.INVALID_CONFIG);
        JsonNode problem = json.json().get("problems").get(0);
        assertThat(json.json().get("valid").asBoolean()).isFalse();
        assertThat(problem.get("line").asInt()).isEqualTo(3);
        assertThat(problem.get("field").asText()).isEqualTo("timeout");

        Cli.Result text = cli().run("validate", file.toString());
        assertThat(text.exitCode()).isEqualTo(ExitCodes.INVALID_CONFIG);
        assertThat(text.out()).contains("bad.yaml:3:").contains("timeout");
    }

    @Test
    void validAndMissingJobFiles() throws IOException {
        Path file = dir.resolve("ok.yaml");
        Files.writeString(file, "name: fine\ncommand: [echo, hi]\n");
        Cli.Result ok = cli().run("validate", file.toString());
        assertThat(ok.exitCode()).as(ok.toString()).isZero();
        assertThat(ok.out()).contains("valid job 'fine'");

        Cli.Result missing = cli().run("validate", dir.resolve("nope.yaml").toString());
        assertThat(missing.exitCode()).isEqualTo(ExitCodes.NOT_FOUND);
        assertThat(missing.err()).contains("nope.yaml does not exist");
    }

    @Test
    void quietRunPrintsOnlyTheJobsOutput() throws IOException {
        Cli.Result result = cli().run("-q", "run", "--", "echo", "only-this");
        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.out().strip()).isEqualTo("only-this");
        assertThat(result.err()).isEmpty();
    }

    @Test
    void runsAJobFile() throws IOException {
        Path file = dir.resolve("runpilot.yaml");
        Files.writeString(file, "name: from-file\nentrypoint: echo \"greeting=$GREETING\"\nenv: {GREETING: hello}\n");
        Cli.Result result = cli().run("-o", "json", "run", "-f", file.toString());
        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.err()).contains("greeting=hello");
    }

    @Test
    void usageErrorsAndUnknownRunsHaveTheirExitCodes() throws IOException {
        Cli cli = cli();
        Cli.Result unknownOption = cli.run("list", "--frobnicate");
        assertThat(unknownOption.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(unknownOption.err()).contains("--frobnicate");

        Cli.Result noCommand = cli.run("run");
        assertThat(noCommand.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(noCommand.err()).contains("runpilot run -- echo hello");

        Cli.Result notFound = cli.run("show", "r-doesnotexist");
        assertThat(notFound.exitCode()).as(notFound.toString()).isEqualTo(ExitCodes.NOT_FOUND);
        assertThat(notFound.err()).contains("r-doesnotexist");
    }

    @Test
    void keysAreGeneratedListedAndTrustedOwnerOnly() throws IOException {
        Cli alice = cli();
        Cli.Result generated = alice.run("-o", "json", "keys", "generate");
        assertThat(generated.exitCode()).as(generated.toString()).isZero();
        Path privateKey = Path.of(generated.json().get("privateKey").asText());
        Path publicKey = Path.of(generated.json().get("publicKey").asText());
        String keyId = generated.json().get("keyId").asText();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(privateKey))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(publicKey))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(privateKey.getParent())))
                .isEqualTo("rwx------");

        Cli bob = new Cli(Files.createDirectories(dir.resolve("bob")));
        Cli.Result trusted = bob.run("-o", "json", "keys", "trust", publicKey.toString());
        assertThat(trusted.exitCode()).as(trusted.toString()).isZero();
        Path trustedFile = Path.of(trusted.json().get("file").asText());
        assertThat(trustedFile).startsWith(bob.home().resolve("keys").resolve("trusted"));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(trustedFile))).isEqualTo("rw-------");
        assertThat(bob.run("-o", "json", "keys", "trust", publicKey.toString()).json().get("alreadyTrusted").asBoolean())
                .isTrue();

        JsonNode bobKeys = bob.run("-o", "json", "keys", "list").json().get("keys");
        assertThat(bobKeys.findValuesAsText("type")).containsExactly("trusted");
        assertThat(bobKeys.get(0).get("keyId").asText()).isEqualTo(keyId);
        JsonNode aliceKeys = alice.run("-o", "json", "keys", "list").json().get("keys");
        assertThat(aliceKeys.findValuesAsText("type")).containsExactly("signing", "public");

        Cli.Result again = alice.run("keys", "generate");
        assertThat(again.exitCode()).isEqualTo(ExitCodes.FAILED);
        assertThat(again.err()).contains("already exists");
    }

    @Test
    void signedRunIsAcceptedByTheHomeThatTrustsItsKey() throws IOException {
        Cli cli = cli();
        Path source = Files.createDirectories(dir.resolve("src"));
        Files.writeString(source.resolve("hello.sh"), "echo signed-and-trusted\n");
        Path pub = Path.of(cli.run("-o", "json", "keys", "generate").json().get("publicKey").asText());
        assertThat(cli.run("keys", "trust", pub.toString()).exitCode()).isZero();

        Cli.Result result = cli.run("-o", "json", "run", "-s", source.toString(), "--", "sh", "hello.sh");
        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.err()).contains("signed-and-trusted");
    }

    @Test
    void doctorWithoutDockerSaysSoAndHowToFixIt() throws IOException {
        Cli.Result result = cli().env("DOCKER_HOST", "unix:///nonexistent").run("-o", "json", "doctor");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        JsonNode docker = check(result.json(), "docker");
        assertThat(docker.get("status").asText()).isEqualTo("WARN");
        assertThat(docker.get("message").asText()).contains("not reachable", "unix:///nonexistent");
        assertThat(docker.get("fix").asText()).contains("install and start Docker", "DOCKER_HOST", "process runtime");
        assertThat(check(result.json(), "java").get("status").asText()).isEqualTo("PASS");
        assertThat(check(result.json(), "storage").get("status").asText()).isEqualTo("PASS");
        assertThat(check(result.json(), "storage").get("message").asText()).contains("write, read and delete");

        Cli.Result text = cli().env("DOCKER_HOST", "unix:///nonexistent").run("doctor");
        assertThat(text.out()).containsPattern("WARN +docker +Docker is not reachable").contains("fix: install and start Docker");
    }

    @Test
    void doctorFailsOnAKeyOthersCanReadAndSaysWhichChmod() throws IOException {
        Cli cli = cli();
        Path key = Path.of(cli.run("-o", "json", "keys", "generate").json().get("privateKey").asText());
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-r--r--"));

        Cli.Result result = cli.run("-o", "json", "doctor");
        assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCodes.FAILED);
        assertThat(result.json().get("ok").asBoolean()).isFalse();
        JsonNode permissions = check(result.json(), "permissions");
        assertThat(permissions.get("status").asText()).isEqualTo("FAIL");
        assertThat(permissions.get("fix").asText()).isEqualTo("chmod 600 " + key);
    }

    @Test
    void doctorFailsOnAConfigFileOthersCanReadAndStillRunsTheOtherChecks() throws IOException {
        Cli cli = cli();
        Path config = cli.home().resolve("config");
        Files.writeString(config, "[default]\nendpoint = http://127.0.0.1:9\ntoken = rpu_x\n");
        Files.setPosixFilePermissions(config, PosixFilePermissions.fromString("rw-r--r--"));

        Cli.Result result = cli.run("-o", "json", "doctor");
        assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCodes.FAILED);
        assertThat(check(result.json(), "permissions").get("fix").asText()).isEqualTo("chmod 600 " + config);
        assertThat(check(result.json(), "java").get("status").asText()).isEqualTo("PASS");

        Cli.Result list = cli.run("list");
        assertThat(list.exitCode()).isEqualTo(ExitCodes.FAILED);
        assertThat(list.err()).contains("chmod");
    }

    @Test
    void doctorFailsOnStorageWithoutABackend() throws IOException {
        Cli.Result result = cli().run("-o", "json", "--storage", "nosuch://bucket/prefix", "doctor");
        assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCodes.FAILED);
        JsonNode storage = check(result.json(), "storage");
        assertThat(storage.get("status").asText()).isEqualTo("FAIL");
        assertThat(storage.get("message").asText()).contains("no storage backend for nosuch://");
    }

    @Test
    void yamlOutputIsParseable() throws IOException {
        Cli.Result result = cli().run("-o", "yaml", "status");
        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.out()).contains("controlPlane:").contains("kind: embedded");
    }

    private static JsonNode check(JsonNode doctor, String name) {
        for (JsonNode check : doctor.get("checks")) {
            if (check.get("name").asText().equals(name)) {
                return check;
            }
        }
        throw new AssertionError("no check " + name + " in " + doctor);
    }
}
