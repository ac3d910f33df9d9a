package dev.runpilot.sdk.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runpilot.sdk.ControlPlaneException;
import dev.runpilot.sdk.Run;
import dev.runpilot.sdk.RunPilot;
import dev.runpilot.sdk.RunPilotClient;
import dev.runpilot.sdk.RunPilotException;
import dev.runpilot.sdk.RunStatus;
import dev.runpilot.sdk.agent.Agent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An agent of a server on HTTPS whose certificate a private CA signed (keytool, as in {@link ClientTlsTrustTest}). */
class AgentTlsTrustTest {
    @TempDir
    Path dir;

    private PrivateCaServer https;
    private RunPilotServer server;
    private String userToken;
    private String agentToken;

    @BeforeEach
    void startHttpsServer() throws Exception {
        https = PrivateCaServer.start(dir);
        server = https.server;
        userToken = server.tokens().createUserToken("team-a");
        agentToken = server.tokens().createAgentToken();
        server.start();
    }

    @AfterEach
    void stop() {
        https.close();
    }

    @Test
    void anAgentTrustingTheCaPemRegistersAndRunsAJob() {
        try (RunPilotClient client = RunPilot.client().endpoint(server.uri()).token(userToken).trustCertificates(https.pem)
                .requestTimeout(Duration.ofSeconds(10)).build();
             Agent agent = agent().trustCertificates(https.pem).build().start()) {
            Run run = client.submit(ServerFixture.shell("over-tls", "echo agent-over-tls"));
            assertThat(run.await(Duration.ofSeconds(60)).orElseThrow().status()).isEqualTo(RunStatus.SUCCEEDED);
            assertThat(run.attempts().get(0).agentId()).isEqualTo(agent.id());
            assertThat(client.agents()).extracting(info -> info.id()).containsExactly(agent.id());
        }
    }

    @Test
    void anAgentWithAnSslContextRegisters() throws Exception {
        try (Agent agent = agent().sslContext(https.trustingContext()).build().start()) {
            assertThat(agent.id()).startsWith("agent-");
        }
    }

    @Test
    void anAgentWithoutTheCaFailsAtOnceNamingTheEndpointAndHowToTrustIt() throws Exception {
        try (LoopbackProxy proxy = new LoopbackProxy(server.uri())) {
            Agent agent = Agent.builder().endpoint(proxy.uri("https")).token(agentToken).runtime("process")
                    .workDir(dir.resolve("work")).requestTimeout(Duration.ofSeconds(10)).build();
            try {
                assertThatThrownBy(agent::start)
                        .isInstanceOf(ControlPlaneException.class)
                        .hasMessageContaining(proxy.uri("https").toString())
                        .hasMessageContaining("trustCertificates(")
                        .hasMessageContaining("--ca-certificate")
                        .hasMessageContaining("RUNPILOT_CA_CERTIFICATE")
                        .hasCauseInstanceOf(javax.net.ssl.SSLException.class);
            } finally {
                agent.close();
            }
            // A certificate the agent does not trust will not be trusted on a second try: one handshake, no retries.
            assertThat(proxy.connections()).isEqualTo(1);
        }
    }

    @Test
    void aPemFileThatIsMissingOrNotACertificateIsAnErrorNamingIt() throws Exception {
        Path missing = dir.resolve("missing.pem");
        assertThatThrownBy(() -> agent().trustCertificates(missing).build())
                .isInstanceOf(RunPilotException.class).hasMessageContaining(missing.toString());
        Path notPem = Files.writeString(dir.resolve("not.pem"), "not a certificate\n");
        assertThatThrownBy(() -> agent().trustCertificates(notPem).build())
                .isInstanceOf(RunPilotException.class).hasMessageContaining(notPem.toString());
    }

    private Agent.Builder agent() {
        return Agent.builder().endpoint(server.uri()).token(agentToken).runtime("process").workDir(dir.resolve("work"))
                .gracePeriod(Duration.ofSeconds(1)).requestTimeout(Duration.ofSeconds(10));
    }
}
