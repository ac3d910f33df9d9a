package dev.runpilot.aws.internal.ec2;

import dev.runpilot.aws.internal.ec2.LaunchTemplates.TemplateVersion;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.retry.backoff.FixedDelayBackoffStrategy;
import software.amazon.awssdk.core.waiters.WaiterOverrideConfiguration;
import software.amazon.awssdk.core.waiters.WaiterResponse;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.DescribeInstancesRequest;
import software.amazon.awssdk.services.ec2.model.DescribeInstancesResponse;
import software.amazon.awssdk.services.ec2.model.Instance;
import software.amazon.awssdk.services.ec2.model.ResourceType;
import software.amazon.awssdk.services.ec2.model.Tag;
import software.amazon.awssdk.services.ec2.model.TagSpecification;

/**
 * Launches one instance for one attempt of a run: RunInstances from the launch template, trying the
 * configured instance types and subnets in order while EC2 answers with a capacity or limit error,
 * then waits until the instance runs. A launch that half-succeeded (the answer was lost, the
 * instance never reached running, the run stopped wanting it) leaves no instance behind.
 */
public final class InstanceLauncher {
    private static final Logger log = LoggerFactory.getLogger(InstanceLauncher.class);

    private final Ec2Client ec2;
    private final Ec2Settings settings;
    private final Ec2Instances instances;

    public InstanceLauncher(Ec2Client ec2, Ec2Settings settings, Ec2Instances instances) {
        this.ec2 = ec2;
        this.settings = settings;
        this.instances = instances;
    }

    /** An instance that reached running. */
    public record Launched(String instanceId, String instanceType, Optional<String> subnetId, String availabilityZone) {
    }

    /** Every instance type and subnet answered with a capacity or limit error. */
    public static final class NoCapacityException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        NoCapacityException(String message) {
            super(message);
        }
    }

    /**
     * Launches an instance and waits until it runs.
     *
     * @param template the launch template version
     * @param runId the run
     * @param attempt the attempt of the run the instance is for
     * @param userData the base64 user data
     * @param stillWanted asked before each RunInstances; false stops the launch
     * @param onCreated told the id of each instance as soon as EC2 created it (before it runs)
     * @return the running instance (the caller checks whether it is still wanted), or empty if the run
     *     stopped wanting one before it was created
     * @throws NoCapacityException if no type and subnet had capacity (nothing is left running)
     * @throws SdkException for any other failure (nothing is left running)
     */
    public Optional<Launched> launch(TemplateVersion template, String runId, int attempt, String userData,
                                     BooleanSupplier stillWanted, Consumer<String> onCreated) {
        List<String> refused = new ArrayList<>();
        List<Optional<String>> subnets = settings.subnets().isEmpty() ? List.of(Optional.empty())
                : settings.subnets().stream().map(Optional::of).toList();
        for (String type : settings.instanceTypes()) {
            for (Optional<String> subnet : subnets) {
                if (!stillWanted.getAsBoolean()) {
                    return Optional.empty();
                }
                Optional<Instance> created = runInstance(template, runId, attempt, userData, type, subnet, refused);
                if (created.isEmpty()) {
                    continue;
                }
                String instanceId = created.get().instanceId();
                onCreated.accept(instanceId);
                return Optional.of(awaitRunning(instanceId, type, subnet));
            }
        }
        throw new NoCapacityException("No EC2 capacity for run " + runId + " after trying " + refused.size()
                + " instance type/subnet combination(s): " + String.join("; ", refused)
                + ". Add fallback instance types or subnets, or raise the account's limits");
    }

    /** RunInstances once; empty if EC2 had no capacity for this type and subnet. */
    private Optional<Instance> runInstance(TemplateVersion template, String runId, int attempt, String userData, String type,
                                           Optional<String> subnet, List<String> refused) {
        String launchId = UUID.randomUUID().toString();
        List<Tag> tags = List.of(
                tag(Ec2Tags.MANAGED, "true"), tag(Ec2Tags.OWNER, settings.owner()), tag(Ec2Tags.RUN_ID, runId),
                tag(Ec2Tags.ATTEMPT, Integer.toString(attempt)), tag(Ec2Tags.LAUNCH_ID, launchId),
                tag(Ec2Tags.CREATED_AT, Instant.now().truncatedTo(ChronoUnit.SECONDS).toString()),
                tag("Name", "runpilot-" + runId));
        try {
            Instance instance = ec2.runInstances(r -> {
                r.launchTemplate(t -> t.launchTemplateId(template.id()).version(Long.toString(template.version())))
                        .instanceType(type).minCount(1).maxCount(1).userData(userData).clientToken(launchId)
                        .tagSpecifications(TagSpecification.builder().resourceType(ResourceType.INSTANCE).tags(tags).build());
                subnet.ifPresent(r::subnetId);
                // Also in the template; given here too so that EC2 implementations that take only some
                // template fields from a launch (moto) still attach it.
                settings.instanceProfile().ifPresent(profile -> r.iamInstanceProfile(p -> p.name(profile)));
            }).instances().get(0);
            log.info("Launched EC2 instance {} ({}{}) for run {} attempt {}", instance.instanceId(), type,
                    subnet.map(s -> " in " + s).orElse(""), runId, attempt);
            return Optional.of(instance);
        } catch (AwsServiceException e) {
            if (CapacityErrors.isCapacity(e)) {
                String what = type + subnet.map(s -> " in " + s).orElse("") + ": " + CapacityErrors.describe(e);
                refused.add(what);
                log.info("No EC2 capacity for run {} ({}); trying the next fallback", runId, what);
                return Optional.empty();
            }
            removeLaunch(launchId, "RunInstances failed: " + CapacityErrors.describe(e));
            throw e;
        } catch (SdkException e) {
            // The answer was lost (timeout, connection reset): EC2 may have created the instance anyway.
            removeLaunch(launchId, "RunInstances answer lost: " + e.getMessage());
            throw e;
        }
    }

    private Launched awaitRunning(String instanceId, String type, Optional<String> subnet) {
        try {
            WaiterResponse<DescribeInstancesResponse> response = ec2.waiter().waitUntilInstanceRunning(
                    DescribeInstancesRequest.builder().instanceIds(instanceId).build(),
                    WaiterOverrideConfiguration.builder().waitTimeout(settings.launchTimeout())
                            .backoffStrategy(FixedDelayBackoffStrategy.create(settings.pollInterval())).build());
            Instance running = response.matched().response().orElseThrow(() -> new IllegalStateException(
                    "EC2 instance " + instanceId + " did not reach running: " + response.matched().exception()))
                    .reservations().get(0).instances().get(0);
            return new Launched(instanceId, type, subnet, running.placement().availabilityZone());
        } catch (RuntimeException e) {
            instances.terminate(List.of(instanceId), "it did not reach running within " + settings.launchTimeout());
            throw e;
        }
    }

    private void removeLaunch(String launchId, String why) {
        try {
            instances.terminate(instances.forLaunch(launchId).stream().map(Instance::instanceId).toList(), why);
        } catch (SdkException e) {
            log.warn("Could not check for an instance left by failed launch {} ({}); the reconcile pass will: {}", launchId, why,
                    e.getMessage());
        }
    }

    private static Tag tag(String key, String value) {
        return Tag.builder().key(key).value(value).build();
    }

    @Override
    public String toString() {
        return "InstanceLauncher" + Arrays.asList(settings.instanceTypes());
    }
}
