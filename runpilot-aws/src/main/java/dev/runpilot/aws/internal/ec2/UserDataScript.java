package dev.runpilot.aws.internal.ec2;

import dev.runpilot.sdk.agent.Agent;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;

/**
 * The cloud-init shell script an instance runs at first boot: installs Docker and a JRE, fetches the
 * RunPilot agent, and runs it once, bound to the instance's own run; powers the instance off (which
 * terminates it, the template's shutdown behaviour) if the agent exits without having it shut down.
 */
public final class UserDataScript {
    /** Where the agent's settings go on the instance, readable by root only. */
    static final String ENV_FILE = "/etc/runpilot/agent.env";
    /** Where the CA certificates the agent trusts go on the instance, when the provider has some. */
    public static final String CA_FILE = "/etc/runpilot/ca.pem";
    /** EC2's limit on user data, in bytes before base64. */
    public static final int MAX_BYTES = 16 * 1024;
    /** The terminator of the quoted heredoc that writes the CA certificates. */
    static final String CA_TERMINATOR = "RUNPILOT_CA";

    private UserDataScript() {
    }

    /**
     * Renders the script.
     *
     * @param runId the run the instance is for
     * @param agentUrl where to download the agent jar (a presigned storage URL or a given URL)
     * @param controlPlane the RunPilot API the agent reports to, if any
     * @param agentToken the agent token bound to the run, if any
     */
    public static String render(String runId, URI agentUrl, Optional<URI> controlPlane, Optional<String> agentToken) {
        return render(runId, agentUrl, controlPlane, agentToken, Optional.empty());
    }

    /**
     * Renders the script; with CA certificates, it writes them to {@value #CA_FILE} (mode 0644, before
     * the agent starts) and names that file in the agent's {@code RUNPILOT_CA_CERTIFICATE}.
     *
     * @param runId the run the instance is for
     * @param agentUrl where to download the agent jar (a presigned storage URL or a given URL)
     * @param controlPlane the RunPilot API the agent reports to, if any
     * @param agentToken the agent token bound to the run, if any
     * @param caCertificatesPem the PEM certificates the agent trusts instead of the JDK's trust store, if any
     * @throws IllegalArgumentException if the PEM has a line that would end its heredoc early
     */
    public static String render(String runId, URI agentUrl, Optional<URI> controlPlane, Optional<String> agentToken,
            Optional<String> caCertificatesPem) {
        StringBuilder env = new StringBuilder();
        env.append("RUNPILOT_RUN_ID=").append(quote(runId)).append('\n');
        controlPlane.ifPresent(uri -> env.append("RUNPILOT_ENDPOINT=").append(quote(uri.toString())).append('\n'));
        agentToken.ifPresent(token -> env.append("RUNPILOT_AGENT_TOKEN=").append(quote(token)).append('\n'));
        StringBuilder ca = new StringBuilder();
        caCertificatesPem.ifPresent(pem -> {
            String text = pem.endsWith("\n") ? pem : pem + "\n";
            if (text.lines().anyMatch(line -> line.strip().equals(CA_TERMINATOR)) || text.indexOf('\r') >= 0) {
                throw new IllegalArgumentException("The CA certificates for run " + runId + " contain a carriage return or a line '"
                        + CA_TERMINATOR + "', which would break the user data script");
            }
            ca.append("# The private CA the control plane's certificate chains to; the agent trusts it ($RUNPILOT_CA_CERTIFICATE).\n")
                    .append("cat > ").append(CA_FILE).append(" <<'").append(CA_TERMINATOR).append("'\n")
                    .append(text)
                    .append(CA_TERMINATOR).append('\n')
                    .append("chmod 0644 ").append(CA_FILE).append('\n');
            env.append(Agent.CA_CERTIFICATE_VARIABLE).append('=').append(quote(CA_FILE)).append('\n');
        });
        return """
                #!/bin/bash
                # RunPilot instance for run %1$s: install Docker and a JRE, fetch the agent, run it once.
                set -euo pipefail
                exec > >(tee -a /var/log/runpilot-user-data.log) 2>&1
                trap 'echo "RunPilot user data failed; powering off"; shutdown -h now' ERR
                export DEBIAN_FRONTEND=noninteractive
                apt-get update -y
                apt-get install -y --no-install-recommends docker.io openjdk-17-jre-headless curl ca-certificates
                systemctl enable --now docker
                install -d -m 0700 /etc/runpilot
                install -d -m 0755 /opt/runpilot
                %5$sumask 077
                cat > %2$s <<'RUNPILOT_ENV'
                %3$sRUNPILOT_ENV
                curl -fsSL --retry 5 --retry-delay 2 -o /opt/runpilot/runpilot-agent.jar %4$s
                set -a; . %2$s; set +a
                # The agent claims exactly this run, runs it once, uploads its logs, reports, and asks the
                # control plane (POST /v1/runs/{id}/instance/shutdown) to terminate this instance. --imds: the
                # instance's identity (IMDSv2) goes on the attempt; a spot interruption notice re-queues the run.
                java -jar /opt/runpilot/runpilot-agent.jar agent --once --run-id "$RUNPILOT_RUN_ID" --imds \\
                    ${RUNPILOT_ENDPOINT:+--endpoint "$RUNPILOT_ENDPOINT"} || true
                # Last resort if the control plane did not terminate it: instance-initiated shutdown terminates.
                shutdown -h +1
                """.formatted(runId, ENV_FILE, env, quote(agentUrl.toString()), ca);
    }

    /** The script's size in bytes, as EC2 counts it against {@link #MAX_BYTES} (before base64). */
    public static int size(String script) {
        return script.getBytes(StandardCharsets.UTF_8).length;
    }

    /** Base64 of the script, as RunInstances takes it. */
    public static String encode(String script) {
        return Base64.getEncoder().encodeToString(script.getBytes(StandardCharsets.UTF_8));
    }

    /** Single-quotes a value for the shell. */
    static String quote(String value) {
        return "'" + value.replace("'", "'\"'\"'") + "'";
    }
}
