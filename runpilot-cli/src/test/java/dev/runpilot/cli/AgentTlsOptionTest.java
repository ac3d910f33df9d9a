package dev.runpilot.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runpilot.sdk.Job;
import dev.runpilot.sdk.Run;
import dev.runpilot.sdk.RunPilot;
import dev.runpilot.sdk.RunPilotClient;
import dev.runpilot.sdk.RunStatus;
import dev.runpilot.sdk.agent.Agent;
import dev.runpilot.sdk.server.RunPilotServer;
import dev.runpilot.sdk.testing.TestCertificate;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code runpilot agent --ca-certificate} and {@code $RUNPILOT_CA_CERTIFICATE} against a server on HTTPS whose
 * certificate is self-signed (a private CA: the testing kit's {@link TestCertificate}).
 */
class AgentTlsOptionTest {
    @TempDir
    Path dir;

    private RunPilotServer server;
    private Path pem;
    private String userToken;
    private String agentToken;

    @BeforeEach
    void startHttpsServer() {
        TestCertificate certificate = TestCertificate.create(dir);
        pem = certificate.pemFile();
        server = RunPilotServer.builder().home(dir.resolve("server-home")).port(0).https(certificate.serverContext()).build();
        userToken = server.tokens().createUserToken("ml");
        agentToken = server.tokens().createAgentToken();
        server.start();
    }

    @AfterEach
    void stopServer() {
        server.close();
    }

    @Test
    void anAgentGivenTheCaByOptionOrEnvironmentRunsJobsOverHttps() throws Exception {
        try (RunPilotClient client = RunPilot.client().endpoint(server.uri()).token(userToken).trustCertificates(pem).build()) {
            Run first = client.submit(Job.builder().name("by-option").command("true").build());
            Cli.Result byOption = agentCli().run("agent", "--endpoint", server.uri().toString(), "--token", agentToken, "--once",
                    "--ca-certificate", pem.toString());
            assertThat(byOption.exitCode()).as(byOption.toString()).isZero();
            assertThat(first.status()).isEqualTo(RunStatus.SUCCEEDED);

            Run second = client.submit(Job.builder().name("by-env").command("true").build());
            Cli.Result byEnv = agentCli().env(Agent.CA_CERTIFICATE_VARIABLE, pem.toString())
                    .run("agent", "--endpoint", server.uri().toString(), "--token", agentToken, "--once");
            assertThat(byEnv.exitCode()).as(byEnv.toString()).isZero();
            assertThat(second.status()).isEqualTo(RunStatus.SUCCEEDED);
        }
    }

    @Test
    void anAgentWithoutTheCaExitsSayingHowToTrustIt() throws Exception {
        Cli.Result result = agentCli().run("agent", "--endpoint", server.uri().toString(), "--token", agentToken, "--once");
        assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCodes.UNAVAILABLE);
        assertThat(result.err()).contains(server.uri().toString()).contains("--ca-certificate");
    }

    @Test
    void aMissingCaFileIsAnErrorNamingIt() throws Exception {
        Path missing = dir.resolve("missing.pem");
        Cli.Result result = agentCli().run("agent", "--endpoint", server.uri().toString(), "--token", agentToken, "--once",
                "--ca-certificate", missing.toString());
        assertThat(result.exitCode()).as(result.toString()).isNotZero();
        assertThat(result.err()).contains(missing.toString());
    }

    private Cli agentCli() throws Exception {
        return new Cli(Files.createDirectories(dir.resolve("agent-home")));
    }
}
