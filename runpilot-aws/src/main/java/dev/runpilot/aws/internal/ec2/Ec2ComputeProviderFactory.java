package dev.runpilot.aws.internal.ec2;

import dev.runpilot.aws.ec2.Ec2ComputeProvider;
import dev.runpilot.sdk.spi.ComputeProvider;
import dev.runpilot.sdk.spi.ComputeProviderFactory;
import dev.runpilot.sdk.spi.ProviderContext;
import java.net.URI;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Provides compute {@code ec2} by name, configured from {@code RUNPILOT_EC2_*} environment variables
 * (or the {@code runpilot.ec2.*} system properties of the same names, lower case with dots); see
 * docs/ec2.md. For full control build {@link Ec2ComputeProvider} and hand it to the client.
 */
public final class Ec2ComputeProviderFactory implements ComputeProviderFactory {
    private final Function<String, Optional<String>> config;

    public Ec2ComputeProviderFactory() {
        this(Ec2ComputeProviderFactory::fromEnvironment);
    }

    Ec2ComputeProviderFactory(Function<String, Optional<String>> config) {
        this.config = config;
    }

    @Override
    public String name() {
        return Ec2ComputeProvider.NAME;
    }

    /** Below {@code local}: ec2 is used only when asked for by name. */
    @Override
    public int priority() {
        return -10;
    }

    @Override
    public ComputeProvider create(ProviderContext context) {
        Ec2ComputeProvider.Builder builder = Ec2ComputeProvider.builder();
        config.apply("RUNPILOT_EC2_REGION").ifPresent(builder::region);
        config.apply("RUNPILOT_EC2_ENDPOINT").map(URI::create).ifPresent(builder::endpointOverride);
        config.apply("RUNPILOT_EC2_TEMPLATE").ifPresent(builder::templateName);
        config.apply("RUNPILOT_EC2_INSTANCE_TYPE").ifPresent(builder::instanceType);
        config.apply("RUNPILOT_EC2_FALLBACK_INSTANCE_TYPES").map(Ec2ComputeProviderFactory::list).ifPresent(builder::fallbackInstanceTypes);
        config.apply("RUNPILOT_EC2_SUBNETS").map(Ec2ComputeProviderFactory::list).ifPresent(builder::subnets);
        config.apply("RUNPILOT_EC2_SECURITY_GROUPS").map(Ec2ComputeProviderFactory::list).ifPresent(builder::securityGroupIds);
        config.apply("RUNPILOT_EC2_AMI_ID").ifPresent(builder::amiId);
        config.apply("RUNPILOT_EC2_AMI_PARAMETER").ifPresent(builder::amiParameter);
        config.apply("RUNPILOT_EC2_INSTANCE_PROFILE").ifPresent(builder::instanceProfile);
        config.apply("RUNPILOT_EC2_OWNER").ifPresent(builder::owner);
        config.apply("RUNPILOT_EC2_AGENT_URL").map(URI::create).ifPresent(builder::agentUrl);
        config.apply("RUNPILOT_EC2_CONTROL_PLANE").map(URI::create).ifPresent(builder::controlPlane);
        config.apply("RUNPILOT_EC2_CA_CERTIFICATE").map(String::strip).map(Path::of).ifPresent(builder::caCertificate);
        return builder.build();
    }

    private static List<String> list(String value) {
        return Arrays.stream(value.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
    }

    private static Optional<String> fromEnvironment(String name) {
        String property = System.getProperty(name.toLowerCase(java.util.Locale.ROOT).replace('_', '.'));
        if (property != null && !property.isBlank()) {
            return Optional.of(property);
        }
        return Optional.ofNullable(System.getenv(name)).filter(v -> !v.isBlank());
    }
}
