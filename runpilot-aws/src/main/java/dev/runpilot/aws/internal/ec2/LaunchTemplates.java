package dev.runpilot.aws.internal.ec2;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Ec2Exception;
import software.amazon.awssdk.services.ec2.model.LaunchTemplateHttpTokensState;
import software.amazon.awssdk.services.ec2.model.LaunchTemplate;
import software.amazon.awssdk.services.ec2.model.LaunchTemplateInstanceMetadataEndpointState;
import software.amazon.awssdk.services.ec2.model.LaunchTemplateVersion;
import software.amazon.awssdk.services.ec2.model.RequestLaunchTemplateData;
import software.amazon.awssdk.services.ec2.model.ResourceType;
import software.amazon.awssdk.services.ec2.model.ShutdownBehavior;
import software.amazon.awssdk.services.ec2.model.Tag;
import software.amazon.awssdk.services.ec2.model.TagSpecification;

/**
 * Makes sure the launch template runs are launched from exists with the configured settings: creates
 * it, or adds a version (and makes it the default) when the settings changed. The settings'
 * fingerprint is kept in each version's description, so an unchanged template is left alone.
 */
public final class LaunchTemplates {
    private static final Logger log = LoggerFactory.getLogger(LaunchTemplates.class);
    private static final String FINGERPRINT_PREFIX = "runpilot settings ";

    private final Ec2Client ec2;

    public LaunchTemplates(Ec2Client ec2) {
        this.ec2 = ec2;
    }

    /** The template version launches use. */
    public record TemplateVersion(String name, String id, long version) {
    }

    /**
     * Ensures the template exists with these settings and image.
     *
     * @param settings the provider's settings
     * @param imageId the resolved AMI
     * @return the version to launch from
     */
    public TemplateVersion ensure(Ec2Settings settings, String imageId) {
        RequestLaunchTemplateData data = data(settings, imageId);
        String description = FINGERPRINT_PREFIX + fingerprint(settings, imageId);
        Optional<LaunchTemplate> existing = find(settings.templateName());
        if (existing.isEmpty()) {
            LaunchTemplate created = ec2.createLaunchTemplate(r -> r.launchTemplateName(settings.templateName())
                    .versionDescription(description)
                    .launchTemplateData(data)
                    .tagSpecifications(TagSpecification.builder().resourceType(ResourceType.LAUNCH_TEMPLATE)
                            .tags(Tag.builder().key(Ec2Tags.MANAGED).value("true").build()).build())).launchTemplate();
            log.info("Created EC2 launch template {} ({}, {} from {})", settings.templateName(), created.launchTemplateId(),
                    settings.instanceType(), imageId);
            return new TemplateVersion(settings.templateName(), created.launchTemplateId(), created.latestVersionNumber());
        }
        LaunchTemplate template = existing.get();
        LaunchTemplateVersion latest = ec2.describeLaunchTemplateVersions(r -> r.launchTemplateId(template.launchTemplateId())
                .versions("$Latest")).launchTemplateVersions().get(0);
        if (description.equals(latest.versionDescription())) {
            return new TemplateVersion(settings.templateName(), template.launchTemplateId(), latest.versionNumber());
        }
        long version = ec2.createLaunchTemplateVersion(r -> r.launchTemplateId(template.launchTemplateId())
                .versionDescription(description).launchTemplateData(data)).launchTemplateVersion().versionNumber();
        ec2.modifyLaunchTemplate(r -> r.launchTemplateId(template.launchTemplateId()).defaultVersion(Long.toString(version)));
        log.info("Settings of EC2 launch template {} changed: added version {} ({} from {})", settings.templateName(), version,
                settings.instanceType(), imageId);
        return new TemplateVersion(settings.templateName(), template.launchTemplateId(), version);
    }

    private Optional<LaunchTemplate> find(String name) {
        try {
            return ec2.describeLaunchTemplates(r -> r.launchTemplateNames(name)).launchTemplates().stream().findFirst();
        } catch (Ec2Exception e) {
            if (e.awsErrorDetails() != null && e.awsErrorDetails().errorCode().startsWith("InvalidLaunchTemplateName")) {
                return Optional.empty();
            }
            throw e;
        }
    }

    static RequestLaunchTemplateData data(Ec2Settings settings, String imageId) {
        RequestLaunchTemplateData.Builder data = RequestLaunchTemplateData.builder()
                .imageId(imageId)
                .instanceType(settings.instanceType())
                // The user data powers the instance off as a last resort; off must mean gone.
                .instanceInitiatedShutdownBehavior(ShutdownBehavior.TERMINATE)
                // IMDSv2 only; two hops so that the agent in a container can reach it too.
                .metadataOptions(m -> m.httpTokens(LaunchTemplateHttpTokensState.REQUIRED)
                        .httpEndpoint(LaunchTemplateInstanceMetadataEndpointState.ENABLED).httpPutResponseHopLimit(2));
        settings.instanceProfile().ifPresent(profile -> data.iamInstanceProfile(p -> p.name(profile)));
        if (!settings.securityGroupIds().isEmpty()) {
            data.securityGroupIds(settings.securityGroupIds());
        }
        List<Tag> tags = new ArrayList<>();
        tags.add(Tag.builder().key(Ec2Tags.MANAGED).value("true").build());
        tags.add(Tag.builder().key(Ec2Tags.OWNER).value(settings.owner()).build());
        new TreeMap<>(settings.tags()).forEach((k, v) -> tags.add(Tag.builder().key(k).value(v).build()));
        data.tagSpecifications(t -> t.resourceType(ResourceType.INSTANCE).tags(tags));
        return data.build();
    }

    static String fingerprint(Ec2Settings settings, String imageId) {
        Map<String, Object> canonical = new TreeMap<>();
        canonical.put("image", imageId);
        canonical.put("type", settings.instanceType());
        canonical.put("profile", settings.instanceProfile().orElse(""));
        canonical.put("groups", settings.securityGroupIds());
        canonical.put("owner", settings.owner());
        canonical.put("tags", new TreeMap<>(settings.tags()));
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(canonical.toString().getBytes(StandardCharsets.UTF_8));
            return "sha256:" + HexFormat.of().formatHex(digest, 0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
