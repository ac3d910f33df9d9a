package dev.runpilot.aws.internal.ec2;

import dev.runpilot.aws.ec2.Ec2Prices;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Everything the {@code ec2} provider was configured with (see {@code Ec2ComputeProvider.Builder} for
 * the meaning and default of each).
 */
public record Ec2Settings(
        String templateName,
        String instanceType,
        List<String> fallbackInstanceTypes,
        List<String> subnets,
        List<String> securityGroupIds,
        Optional<String> amiId,
        String amiParameter,
        Optional<String> instanceProfile,
        Map<String, String> tags,
        String owner,
        Duration launchTimeout,
        Duration pollInterval,
        Duration maxLifetime,
        Duration reconcileInterval,
        Duration shutdownGrace,
        Optional<URI> agentUrl,
        Optional<AgentJar> agentJar,
        Optional<URI> controlPlane,
        Optional<Function<String, Optional<String>>> agentTokens,
        Optional<Path> caCertificate,
        Ec2Prices prices) {

    public Ec2Settings {
        fallbackInstanceTypes = List.copyOf(fallbackInstanceTypes);
        subnets = List.copyOf(subnets);
        securityGroupIds = List.copyOf(securityGroupIds);
        tags = Map.copyOf(tags);
    }

    /** The instance types to try, in order: the configured one, then the fallbacks. */
    public List<String> instanceTypes() {
        return java.util.stream.Stream.concat(java.util.stream.Stream.of(instanceType), fallbackInstanceTypes.stream())
                .distinct().toList();
    }

    /** The agent jar in RunPilot storage, handed to instances through a presigned URL. */
    public record AgentJar(dev.runpilot.sdk.spi.StorageBackend storage, String key) {
    }
}
