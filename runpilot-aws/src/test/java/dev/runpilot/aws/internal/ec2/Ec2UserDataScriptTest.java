package dev.runpilot.aws.internal.ec2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runpilot.sdk.RunPilot;
import dev.runpilot.sdk.spi.ComputeProvider;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The user data's CA block and the factory's RUNPILOT_EC2_CA_CERTIFICATE, without AWS. */
class Ec2UserDataScriptTest {
    private static final URI AGENT = URI.create("https://downloads.example.invalid/runpilot-agent.jar");

    @TempDir
    Path dir;

    @Test
    void withoutCaCertificatesTheScriptIsWhatItWasBefore() {
        assertThat(UserDataScript.render("r-1", AGENT, Optional.empty(), Optional.of("tok"), Optional.empty()))
                .isEqualTo(UserDataScript.render("r-1", AGENT, Optional.empty(), Optional.of("tok")));
    }

    @Test
    void pemWithALineThatWouldEndItsHeredocIsRefused() {
        String pem = "-----BEGIN CERTIFICATE-----\nAAAA\nRUNPILOT_CA\ntouch /tmp/owned\n-----END CERTIFICATE-----\n";

        assertThatThrownBy(() -> UserDataScript.render("r-1", AGENT, Optional.empty(), Optional.empty(), Optional.of(pem)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("RUNPILOT_CA").hasMessageContaining("r-1");
    }

    @Test
    void theFactoryTakesTheCaCertificateFromRunpilotEc2CaCertificateAndChecksItAtStart() throws Exception {
        Path missing = dir.resolve("missing-ca.pem");
        Map<String, String> config = Map.of("RUNPILOT_EC2_AGENT_URL", AGENT.toString(), "RUNPILOT_EC2_REGION", "us-east-1",
                "RUNPILOT_EC2_ENDPOINT", "http://127.0.0.1:9", "RUNPILOT_EC2_CA_CERTIFICATE", missing.toString());
        try (ComputeProvider ec2 = new Ec2ComputeProviderFactory(name -> Optional.ofNullable(config.get(name))).create(() -> dir)) {
            assertThatThrownBy(() -> RunPilot.client().home(dir.resolve("home")).compute(ec2).build())
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(missing.toString())
                    .hasMessageContaining("RUNPILOT_EC2_CA_CERTIFICATE");
        }
    }

    @Test
    void anEmptyFileHoldsNoCertificateAndIsRefusedNamingIt() throws Exception {
        Path notPem = Files.writeString(dir.resolve("empty.pem"), "");

        assertThatThrownBy(() -> CaCertificates.readPem(notPem)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(notPem.toString());
    }
}
