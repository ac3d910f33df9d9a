package dev.runpilot.aws.ec2;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.InstanceProfile;
import software.amazon.awssdk.services.iam.model.NoSuchEntityException;

/**
 * Creates the AWS resources the {@code ec2} provider's instances need, when asked: the instance role
 * (trusting EC2, with RunPilot's least-privilege policy) and the instance profile that carries it.
 *
 * <pre>{@code
 * try (IamClient iam = IamClient.builder().region(Region.AWS_GLOBAL).build()) {
 *     String arn = Ec2Setup.ensureInstanceProfile(iam, "runpilot-agent", "my-runpilot-bucket");
 * }
 * }</pre>
 *
 * <p>The policy documents are also in the repository's {@code docs/iam/}: {@code launcher-policy.json}
 * for whoever runs the control plane, {@code instance-role-policy.json} and
 * {@code instance-role-trust-policy.json} for the instances.
 *
 * @since 0.2.0
 */
public final class Ec2Setup {
    /** The inline policy name put on the role. */
    public static final String POLICY_NAME = "runpilot-agent";
    private static final Logger log = LoggerFactory.getLogger(Ec2Setup.class);

    private Ec2Setup() {
    }

    /**
     * Makes sure a role and an instance profile of this name exist, the profile carries the role, and
     * the role has RunPilot's instance policy for this bucket. Idempotent: what exists is kept, the
     * policy is rewritten.
     *
     * @param iam an IAM client (the caller closes it)
     * @param name the role and instance profile name, such as {@code runpilot-agent}
     * @param bucket the S3 bucket RunPilot storage uses
     * @return the instance profile's ARN, for {@link Ec2ComputeProvider.Builder#instanceProfile(String)} (by name)
     * @throws software.amazon.awssdk.core.exception.SdkException if IAM refuses (the caller lacks
     *     {@code iam:CreateRole}, {@code iam:PutRolePolicy}, {@code iam:CreateInstanceProfile},
     *     {@code iam:AddRoleToInstanceProfile})
     */
    public static String ensureInstanceProfile(IamClient iam, String name, String bucket) {
        Objects.requireNonNull(iam, "iam");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(bucket, "bucket");
        try {
            iam.getRole(r -> r.roleName(name));
        } catch (NoSuchEntityException e) {
            iam.createRole(r -> r.roleName(name).assumeRolePolicyDocument(policy("instance-role-trust-policy.json"))
                    .description("RunPilot agent on EC2 instances launched for one run"));
            log.info("Created IAM role {}", name);
        }
        iam.putRolePolicy(r -> r.roleName(name).policyName(POLICY_NAME)
                .policyDocument(policy("instance-role-policy.json").replace("RUNPILOT_BUCKET", bucket)));
        InstanceProfile profile;
        try {
            profile = iam.getInstanceProfile(r -> r.instanceProfileName(name)).instanceProfile();
        } catch (NoSuchEntityException e) {
            profile = iam.createInstanceProfile(r -> r.instanceProfileName(name)).instanceProfile();
            log.info("Created IAM instance profile {}", name);
        }
        if (profile.roles().stream().noneMatch(role -> role.roleName().equals(name))) {
            iam.addRoleToInstanceProfile(r -> r.instanceProfileName(name).roleName(name));
        }
        return profile.arn();
    }

    /**
     * Returns one of RunPilot's policy documents, as shipped in this jar.
     *
     * @param file {@code launcher-policy.json}, {@code instance-role-policy.json} or
     *     {@code instance-role-trust-policy.json}
     * @return the JSON text
     * @throws IllegalArgumentException if there is no such document
     */
    public static String policy(String file) {
        try (InputStream in = Ec2Setup.class.getResourceAsStream("iam/" + file)) {
            if (in == null) {
                throw new IllegalArgumentException("No RunPilot policy document " + file + "; the documents are"
                        + " launcher-policy.json, instance-role-policy.json and instance-role-trust-policy.json");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read RunPilot policy document " + file, e);
        }
    }
}
