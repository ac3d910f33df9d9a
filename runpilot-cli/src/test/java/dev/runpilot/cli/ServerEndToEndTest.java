package dev.runpilot.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code runpilot server}, {@code agent}, {@code login} and {@code logout} as child processes on loopback. */
class ServerEndToEndTest {
    @TempDir
    Path dir;

    private Cli.Started server;
    private String uri;
    private String userToken;
    private String agentToken;

    @BeforeEach
    void startServer() throws IOException {
        Cli serverCli = new Cli(Files.createDirectories(dir.resolve("server-home")));
        server = serverCli.start("-o", "json", "server", "--port", "0", "--new-user-token", "ml", "--new-agent-token");
        JsonNode started = await().atMost(Duration.ofMinutes(1)).until(() -> firstLine(server.out()), node -> node != null);
        uri = started.get("uri").asText();
        userToken = started.get("userToken").asText();
        agentToken = started.get("agentToken").asText();
        assertThat(uri).startsWith("http://127.0.0.1:");
    }

    @AfterEach
    void stopServer() {
        server.process().destroy();
        server.await();
    }

    @Test
    void jobSubmittedToTheServerRunsOnAnAgentAndIsReadThroughALoggedInProfile() throws IOException {
        Cli agentCli = new Cli(Files.createDirectories(dir.resolve("agent-home")));
        Cli.Started agent = agentCli.start("agent", "--endpoint", uri, "--token", agentToken, "--once");

        Cli client = new Cli(Files.createDirectories(dir.resolve("client-home")));
        Cli.Result run = client.run("-o", "json", "--endpoint", uri, "--token", userToken, "run", "--",
                "sh", "-c", "echo remote-hello; echo 'METRIC loss=0.5'");
        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.err()).contains("remote-hello");
        String id = run.json().get("id").asText();
        assertThat(agent.await().exitCode()).isZero();

        Cli.Result login = client.run("-o", "json", "login", "--endpoint", uri, "--token", userToken, "--profile", "lab");
        assertThat(login.exitCode()).as(login.toString()).isZero();
        assertThat(login.json().get("token").get("project").asText()).isEqualTo("ml");
        Path config = Path.of(login.json().get("configFile").asText());
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(config))).isEqualTo("rw-------");

        JsonNode listed = client.run("-o", "json", "--profile", "lab", "list").json();
        assertThat(listed.get("runs").findValuesAsText("id")).containsExactly(id);
        JsonNode status = client.run("-o", "json", "--profile", "lab", "status").json();
        assertThat(status.get("controlPlane").get("kind").asText()).isEqualTo("server");
        assertThat(client.run("-o", "json", "--profile", "lab", "metrics", id).json().get("last").get("loss").asDouble())
                .isEqualTo(0.5);

        JsonNode doctor = client.run("-o", "json", "--profile", "lab", "doctor").json();
        assertThat(check(doctor, "server").get("status").asText()).isEqualTo("PASS");

        assertThat(client.run("logout", "--profile", "lab").exitCode()).isZero();
        Cli.Result afterLogout = client.run("--profile", "lab", "list");
        assertThat(afterLogout.exitCode()).as(afterLogout.toString()).isEqualTo(ExitCodes.AUTH);
    }

    @Test
    void statusShowsTheServersAgentsAndTheRunsTheyHold() throws IOException {
        Cli client = new Cli(Files.createDirectories(dir.resolve("client-home")));
        JsonNode none = client.run("-o", "json", "--endpoint", uri, "--token", userToken, "status").json();
        assertThat(none.get("agents")).isEmpty();

        Cli agentCli = new Cli(Files.createDirectories(dir.resolve("agent-home")));
        Cli.Started agent = agentCli.start("agent", "--endpoint", uri, "--token", agentToken, "--labels", "resource-class=cpu-small");
        try {
            String id = client.run("-o", "json", "--endpoint", uri, "--token", userToken, "submit", "--name", "sleeper",
                    "--", "sleep", "60").json().get("id").asText();
            JsonNode agents = await().atMost(Duration.ofMinutes(1)).until(
                    () -> client.run("-o", "json", "--endpoint", uri, "--token", userToken, "status").json().get("agents"),
                    list -> list.size() == 1 && list.get(0).get("runIds").size() == 1);
            JsonNode shown = agents.get(0);
            assertThat(shown.get("id").asText()).startsWith("agent-");
            assertThat(shown.get("online").asBoolean()).isTrue();
            assertThat(shown.get("resourceClass").asText()).isEqualTo("cpu-small");
            assertThat(shown.get("cpus").asDouble()).isPositive();
            assertThat(shown.get("runIds").get(0).asText()).isEqualTo(id);

            Cli.Result table = client.run("--endpoint", uri, "--token", userToken, "status");
            assertThat(table.exitCode()).as(table.toString()).isZero();
            assertThat(table.out()).contains("Agents         1 online, 0 offline").contains("AGENT").contains(shown.get("id").asText())
                    .contains(id);
            Cli.Result yaml = client.run("-o", "yaml", "--endpoint", uri, "--token", userToken, "status");
            assertThat(yaml.out()).contains("agents:").contains("resourceClass: cpu-small");
            // The server's own home, read through the embedded control plane, lists the same agent.
            Cli.Result embedded = new Cli(dir.resolve("server-home")).run("status");
            assertThat(embedded.exitCode()).as(embedded.toString()).isZero();
            assertThat(embedded.out()).contains("Control plane  embedded").contains("Agents         1 online, 0 offline")
                    .contains(shown.get("id").asText()).contains(id);
            assertThat(client.run("--endpoint", uri, "--token", userToken, "cancel", id).exitCode()).isZero();
        } finally {
            agent.process().destroy();
            agent.await();
        }
    }

    @Test
    void watchFollowsARunOnTheServerToItsEndAndExitsWithItsCode() throws IOException {
        Cli client = new Cli(Files.createDirectories(dir.resolve("client-home")));
        String id = client.run("-o", "json", "--endpoint", uri, "--token", userToken, "submit", "--name", "watched",
                "--", "sh", "-c", "echo watched-line; sleep 1; exit 4").json().get("id").asText();
        Cli.Started watch = client.start("-o", "json", "--endpoint", uri, "--token", userToken, "watch", id);
        Cli agentCli = new Cli(Files.createDirectories(dir.resolve("agent-home")));
        agentCli.run("agent", "--endpoint", uri, "--token", agentToken, "--once");

        Cli.Result watched = watch.await();
        assertThat(watched.exitCode()).as(watched.toString()).isEqualTo(4);
        java.util.List<JsonNode> lines = new java.util.ArrayList<>();
        for (String line : watched.out().split("\n")) {
            lines.add(new ObjectMapper().readTree(line));
        }
        assertThat(lines).anyMatch(l -> l.get("type").asText().equals("log") && l.get("line").get("text").asText()
                .equals("watched-line"));
        assertThat(lines).anyMatch(l -> l.get("type").asText().equals("status")
                && l.get("run").get("status").asText().equals("FAILED"));
    }

    @Test
    void anAgentBoundToOneRunRunsThatRunOnlyAndExits() throws IOException {
        Cli client = new Cli(Files.createDirectories(dir.resolve("client-home")));
        String other = client.run("-o", "json", "--endpoint", uri, "--token", userToken, "submit", "--name", "other",
                "--", "sh", "-c", "echo other").json().get("id").asText();
        String mine = client.run("-o", "json", "--endpoint", uri, "--token", userToken, "submit", "--name", "mine",
                "--", "sh", "-c", "echo mine").json().get("id").asText();

        Cli agentCli = new Cli(Files.createDirectories(dir.resolve("agent-home")));
        Cli.Result agent = agentCli.run("agent", "--endpoint", uri, "--token", agentToken, "--run-id", mine);
        assertThat(agent.exitCode()).as(agent.toString()).isZero();

        JsonNode shownMine = client.run("-o", "json", "--endpoint", uri, "--token", userToken, "show", mine).json();
        assertThat(shownMine.get("status").asText()).isEqualTo("SUCCEEDED");
        JsonNode shownOther = client.run("-o", "json", "--endpoint", uri, "--token", userToken, "show", other).json();
        assertThat(shownOther.get("status").asText()).isEqualTo("QUEUED");
    }

    @Test
    void aRefusedTokenExitsWithTheAuthCodeAndDoctorSaysToLogIn() throws IOException {
        Cli client = new Cli(Files.createDirectories(dir.resolve("client-home")));
        Cli.Result list = client.run("--endpoint", uri, "--token", "rpu_not-a-token", "list");
        assertThat(list.exitCode()).as(list.toString()).isEqualTo(ExitCodes.AUTH);
        assertThat(list.err()).contains("401");

        Cli.Result login = client.run("login", "--endpoint", uri, "--token", "rpu_not-a-token");
        assertThat(login.exitCode()).isEqualTo(ExitCodes.AUTH);
        assertThat(client.home().resolve("config")).doesNotExist();

        Cli.Result doctor = client.run("-o", "json", "--endpoint", uri, "--token", "rpu_not-a-token", "doctor");
        assertThat(doctor.exitCode()).isEqualTo(ExitCodes.FAILED);
        JsonNode server = check(doctor.json(), "server");
        assertThat(server.get("status").asText()).isEqualTo("FAIL");
        assertThat(server.get("fix").asText()).contains("runpilot login");
    }

    @Test
    void anUnreachableServerExitsWithTheUnavailableCode() throws IOException {
        Cli client = new Cli(Files.createDirectories(dir.resolve("client-home")));
        // A port nothing listens on: the server's port is in use by it, so take another and close it.
        int port;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        Cli.Result list = client.run("--endpoint", "http://127.0.0.1:" + port, "--token", userToken, "list");
        assertThat(list.exitCode()).as(list.toString()).isEqualTo(ExitCodes.UNAVAILABLE);
    }

    private static JsonNode firstLine(Path file) throws IOException {
        String text = Files.readString(file);
        int end = text.indexOf('\n');
        return end < 0 ? null : new ObjectMapper().readTree(text.substring(0, end));
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
