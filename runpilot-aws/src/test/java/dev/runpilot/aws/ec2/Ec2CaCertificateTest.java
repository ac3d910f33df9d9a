package dev.runpilot.aws.ec2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.runpilot.sdk.Job;
import dev.runpilot.sdk.Run;
import dev.runpilot.sdk.RunPilot;
import dev.runpilot.sdk.RunPilotClient;
import dev.runpilot.sdk.RunResult;
import dev.runpilot.sdk.RunStatus;
import dev.runpilot.sdk.agent.Agent;
import dev.runpilot.sdk.server.RunPilotServer;
import dev.runpilot.sdk.testing.TestCertificate;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ec2 provider's CA certificate setting on moto: the PEM reaches the instance's user data, which
 * writes it to /etc/runpilot/ca.pem and names it in agent.env; an agent started from that user data
 * trusts an HTTPS control plane behind that private CA; a bad file fails at start, naming it.
 */
class Ec2CaCertificateTest extends Ec2TestSupport {
    private static final Duration RUN_TIMEOUT = Duration.ofSeconds(90);

    @TempDir
    Path tls;
    @TempDir
    Path instanceRoot;

    @Test
    void withACaCertificateTheUserDataWritesItToCaPemBeforeTheAgentStartsAndNamesItInAgentEnv() throws Exception {
        Path pem = TestCertificate.create(tls).pemFile();
        String userData = userDataOfOneRun(moto.provider().caCertificate(pem).build());

        assertThat(userData).contains("cat > /etc/runpilot/ca.pem <<'RUNPILOT_CA'\n" + lf(Files.readString(pem)) + "\nRUNPILOT_CA\n")
                .contains("chmod 0644 /etc/runpilot/ca.pem");
        assertThat(agentEnv(userData)).containsEntry("RUNPILOT_CA_CERTIFICATE", "'/etc/runpilot/ca.pem'");
        assertThat(userData.indexOf("/etc/runpilot/ca.pem <<")).as("ca.pem written before the agent starts")
                .isLessThan(userData.indexOf("java -jar"));
        assertBashAccepts(userData);
        // Run the user data's own lines that write the certificate, under a scratch root: the file holds the certificate.
        Path written = writeCaAsTheInstanceWould(userData);
        assertThat(Files.getPosixFilePermissions(written)).isEqualTo(PosixFilePermissions.fromString("rw-r--r--"));
        try (InputStream expected = Files.newInputStream(pem); InputStream actual = Files.newInputStream(written)) {
            CertificateFactory x509 = CertificateFactory.getInstance("X.509");
            assertThat(x509.generateCertificates(actual)).isEqualTo(x509.generateCertificates(expected));
        }
    }

    @Test
    void withoutACaCertificateTheUserDataHasNeitherCaPemNorTheVariable() throws Exception {
        String userData = userDataOfOneRun(moto.provider().build());

        assertThat(userData).doesNotContain("ca.pem").doesNotContain("RUNPILOT_CA").doesNotContain("BEGIN CERTIFICATE");
        assertThat(agentEnv(userData)).containsKey("RUNPILOT_RUN_ID").doesNotContainKey("RUNPILOT_CA_CERTIFICATE");
        assertBashAccepts(userData);
    }

    @Test
    void onlyTheCertificatesOfTheFileReachTheInstanceNotWhateverElseItHolds() throws Exception {
        Path pem = TestCertificate.create(tls).pemFile();
        Path noisy = tls.resolve("noisy.pem");
        Files.writeString(noisy, "# our private CA\r\n" + lf(Files.readString(pem)).replace("\n", "\r\n") + "\r\n");

        String userData = userDataOfOneRun(moto.provider().caCertificate(noisy).build());

        assertThat(userData).contains(lf(Files.readString(pem))).doesNotContain("# our private CA").doesNotContain("\r");
        assertBashAccepts(userData);
    }

    @Test
    void aMissingCaCertificateFileFailsAtStartNamingTheFileAndTheSetting() {
        Path missing = tls.resolve("no-such-ca.pem");
        try (Ec2ComputeProvider ec2 = moto.provider().caCertificate(missing).build()) {
            assertThatThrownBy(() -> RunPilot.client().home(home).storage(storage).compute(ec2).build())
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(missing.toString()).hasMessageContaining("does not exist")
                    .hasMessageContaining("RUNPILOT_EC2_CA_CERTIFICATE");
        }
        assertThat(moto.liveRunPilotInstances()).isEmpty();
    }

    @Test
    void aFileThatIsNotPemCertificatesFailsAtStartNamingTheFile() throws Exception {
        Path notPem = Files.writeString(tls.resolve("ca.txt"), "this is not a certificate\n");
        try (Ec2ComputeProvider ec2 = moto.provider().caCertificate(notPem).build()) {
            assertThatThrownBy(() -> RunPilot.client().home(home).storage(storage).compute(ec2).build())
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(notPem.toString()).hasMessageContaining("BEGIN CERTIFICATE")
                    .hasMessageContaining("RUNPILOT_EC2_CA_CERTIFICATE");
        }
    }

    @Test
    void certificatesTooLargeForTheUserDataFailAtStartRatherThanAtLaunch() throws Exception {
        String one = Files.readString(TestCertificate.create(tls).pemFile());
        Path chain = Files.writeString(tls.resolve("huge-chain.pem"), one.repeat(40));
        try (Ec2ComputeProvider ec2 = moto.provider().caCertificate(chain).build()) {
            assertThatThrownBy(() -> RunPilot.client().home(home).storage(storage).compute(ec2).build())
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(chain.toString()).hasMessageContaining("16384");
        }
    }

    /**
     * The played instance does what its user data does: writes ca.pem, loads agent.env and starts the
     * agent with its endpoint, token and CA certificate; the control plane is HTTPS behind a private CA.
     */
    @Test
    void anAgentStartedFromTheUserDataTrustsAnHttpsControlPlaneBehindThePrivateCa() throws Exception {
        TestCertificate ca = TestCertificate.create(tls);
        // The provider needs the server's URL before the server starts: pick a free port first.
        int port;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        java.net.URI serverUri = java.net.URI.create("https://127.0.0.1:" + port);
        Path agentWork = Files.createDirectory(tls.resolve("agent-work"));
        PlayedInstances compute = new PlayedInstances(
                moto.provider().templateName("runpilot-ca-" + System.nanoTime()).shutdownGrace(Duration.ofMinutes(5))
                        .controlPlane(serverUri).caCertificate(ca.pemFile()).build(),
                moto, storage, instance -> true,
                (context, runId) -> {
                    String userData = moto.userData(moto.instancesOf(runId).get(0).instanceId());
                    Map<String, String> env = agentEnv(userData);
                    Path caFile = writeCaAsTheInstanceWould(userData);
                    assertThat(unquote(env.get(Agent.CA_CERTIFICATE_VARIABLE))).isEqualTo("/etc/runpilot/ca.pem");
                    return Agent.builder().endpoint(java.net.URI.create(unquote(env.get("RUNPILOT_ENDPOINT"))))
                            .token(unquote(env.get("RUNPILOT_AGENT_TOKEN"))).runId(unquote(env.get("RUNPILOT_RUN_ID")))
                            .trustCertificates(caFile).runtime("process").workDir(agentWork).build().start();
                },
                true, "");
        try (RunPilotServer server = RunPilotServer.builder().home(home.resolve("server")).storage(storageDir.toUri()).port(port)
                .https(ca.serverContext()).leaseDuration(Duration.ofSeconds(5)).compute(compute).build().start()) {
            assertThat(server.uri().getScheme()).isEqualTo("https");
            try (RunPilotClient client = RunPilot.client().endpoint(server.uri()).trustCertificates(ca.pemFile())
                    .token(server.tokens().createUserToken("team-a")).build()) {
                Run run = client.submit(Job.builder().name("behind-a-private-ca").command("sh", "-c", "echo trusted").build());

                RunResult result = run.await(RUN_TIMEOUT).orElseThrow();

                assertThat(result.status()).isEqualTo(RunStatus.SUCCEEDED);
                await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(moto.instancesOf(run.id()))
                        .singleElement().satisfies(i -> assertThat(i.state().nameAsString()).isIn("shutting-down", "terminated")));
                try (InputStream log = storage.get(PlayedInstances.logKey(run.id(), 1)).orElseThrow()) {
                    assertThat(new String(log.readAllBytes(), StandardCharsets.UTF_8)).contains("trusted");
                }
            }
        }
    }

    /** The PEM with LF line ends (keytool writes CRLF within the base64), without the final one. */
    private static String lf(String pem) {
        return pem.replace("\r\n", "\n").strip();
    }

    private String userDataOfOneRun(Ec2ComputeProvider ec2) {
        try (RunPilotClient client = RunPilot.client().home(home).storage(storage).compute(new PlayedInstances(ec2, moto, storage))
                .leaseDuration(Duration.ofSeconds(2)).gracePeriod(Duration.ofSeconds(1)).build()) {
            Run run = client.submit(Job.builder().name("ca-user-data").command("true").build());
            run.await(RUN_TIMEOUT).orElseThrow();
            return moto.userData(run.attemptData(1).get("ec2.instance-id"));
        }
    }

    /** The KEY=VALUE lines of the agent.env heredoc, values as written (shell-quoted). */
    private static Map<String, String> agentEnv(String userData) {
        Matcher m = Pattern.compile("cat > /etc/runpilot/agent.env <<'RUNPILOT_ENV'\n(.*?)RUNPILOT_ENV\n", Pattern.DOTALL).matcher(userData);
        assertThat(m.find()).as("an agent.env heredoc in:%n%s", userData).isTrue();
        Map<String, String> env = new LinkedHashMap<>();
        m.group(1).lines().forEach(line -> env.put(line.substring(0, line.indexOf('=')), line.substring(line.indexOf('=') + 1)));
        return env;
    }

    private static String unquote(String value) {
        assertThat(value).startsWith("'").endsWith("'").doesNotContain("'\"'\"'");
        return value.substring(1, value.length() - 1);
    }

    /** Runs the user data's lines that write ca.pem with bash, /etc/runpilot moved under a scratch root. */
    private Path writeCaAsTheInstanceWould(String userData) {
        int from = userData.indexOf("cat > /etc/runpilot/ca.pem");
        int to = userData.indexOf('\n', userData.indexOf("chmod 0644 /etc/runpilot/ca.pem"));
        assertThat(from).as("the lines writing ca.pem").isNotNegative();
        try {
            Path root = Files.createTempDirectory(instanceRoot, "instance");
            Files.createDirectories(root.resolve("etc/runpilot"));
            String fragment = "set -euo pipefail\numask 077\n" + userData.substring(from, to + 1).replace("/etc/runpilot/", root + "/etc/runpilot/");
            assertThat(run("bash", "-c", fragment)).as("bash running the ca.pem lines").isZero();
            return root.resolve("etc/runpilot/ca.pem");
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private void assertBashAccepts(String script) throws Exception {
        Path file = Files.createTempFile(instanceRoot, "user-data", ".sh");
        Files.writeString(file, script);
        assertThat(run("bash", "-n", file.toString())).as("bash -n on the user data:%n%s", script).isZero();
    }

    private static int run(String... command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        process.getInputStream().transferTo(OutputStream.nullOutputStream());
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return process.exitValue();
    }
}
