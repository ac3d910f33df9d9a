package dev.runpilot.aws.ec2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.runpilot.aws.ec2.ReconcileReport.Reason;
import dev.runpilot.aws.ec2.ReconcileReport.Terminated;
import dev.runpilot.sdk.Job;
import dev.runpilot.sdk.Run;
import dev.runpilot.sdk.RunPilot;
import dev.runpilot.sdk.RunPilotClient;
import dev.runpilot.sdk.RunStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ec2.model.ResourceType;
import software.amazon.awssdk.services.ec2.model.Tag;

/** The reconcile pass: orphaned RunPilot instances are found by their tags and terminated, with a reason. */
class Ec2ReconcileTest extends Ec2TestSupport {
    private final List<String> foreign = new ArrayList<>();

    /** Starts an instance the way a crashed or foreign RunPilot would have left it. */
    private String orphan(Map<String, String> tags) {
        List<Tag> list = new ArrayList<>();
        tags.forEach((k, v) -> list.add(Tag.builder().key(k).value(v).build()));
        return moto.ec2.runInstances(r -> r.imageId(MotoEc2.UBUNTU_AMI).instanceType("t3.small").minCount(1).maxCount(1)
                .tagSpecifications(t -> t.resourceType(ResourceType.INSTANCE).tags(list))).instances().get(0).instanceId();
    }

    private String state(String instanceId) {
        return moto.ec2.describeInstances(r -> r.instanceIds(instanceId)).reservations().get(0).instances().get(0).state().nameAsString();
    }

    @Test
    void reconcileTerminatesInstancesOfUnknownFinishedAndSupersededRunsAndKeepsTheRest() {
        Ec2ComputeProvider ec2 = moto.provider().templateName("runpilot-rec-" + System.nanoTime()).build();
        try (RunPilotClient client = RunPilot.client().home(home).storage(storage).compute(ec2).build()) {
            Run waiting = client.submit(Job.builder().name("waits-for-its-instance").command("true").build());
            await().atMost(Duration.ofSeconds(30)).until(() -> moto.instancesOf(waiting.id()).stream()
                    .anyMatch(i -> i.state().nameAsString().equals("running")));
            String current = moto.instancesOf(waiting.id()).get(0).instanceId();
            Run finished = client.submit(Job.builder().name("finished").command("true").build());
            finished.cancel();
            assertThat(finished.await(Duration.ofSeconds(30)).orElseThrow().status()).isEqualTo(RunStatus.CANCELLED);
            // Its own launch, if one started, is cleaned up by the provider, not by this reconcile.
            await().atMost(Duration.ofSeconds(30)).until(() -> moto.instancesOf(finished.id()).stream()
                    .noneMatch(i -> i.state().nameAsString().matches("pending|running")));

            String unknown = orphan(Map.of("runpilot:managed", "true", "owner", "runpilot-test", "runpilot:run-id", "r-nobody-knows",
                    "runpilot:attempt", "1"));
            String ofFinished = orphan(Map.of("runpilot:managed", "true", "owner", "runpilot-test", "runpilot:run-id", finished.id(),
                    "runpilot:attempt", "1"));
            String superseded = orphan(Map.of("runpilot:managed", "true", "owner", "runpilot-test", "runpilot:run-id", waiting.id(),
                    "runpilot:attempt", "0"));
            String otherOwner = orphan(Map.of("runpilot:managed", "true", "owner", "someone-else", "runpilot:run-id", "r-theirs"));
            foreign.add(otherOwner);

            ReconcileReport report = ec2.reconcile();

            assertThat(report.terminated()).containsExactlyInAnyOrder(
                    new Terminated(unknown, "r-nobody-knows", Reason.RUN_UNKNOWN),
                    new Terminated(ofFinished, finished.id(), Reason.RUN_FINISHED),
                    new Terminated(superseded, waiting.id(), Reason.ATTEMPT_SUPERSEDED));
            assertThat(report.examined()).isEqualTo(4);
            assertThat(state(current)).isEqualTo("running");
            assertThat(state(otherOwner)).isEqualTo("running");
            assertThat(List.of(state(unknown), state(ofFinished), state(superseded))).allMatch(s -> s.matches("shutting-down|terminated"));
        } finally {
            foreign.forEach(id -> moto.ec2.terminateInstances(r -> r.instanceIds(id)));
        }
    }

    @Test
    void reconcileTerminatesAnInstanceThatOutlivedTheMaximumLifetimeEvenIfItsRunGoesOn() {
        Ec2ComputeProvider ec2 = moto.provider().templateName("runpilot-rec-" + System.nanoTime()).maxLifetime(Duration.ofMillis(1)).build();
        try (RunPilotClient client = RunPilot.client().home(home).storage(storage).compute(ec2).build()) {
            Run run = client.submit(Job.builder().name("old").command("true").build());
            await().atMost(Duration.ofSeconds(30)).until(() -> moto.instancesOf(run.id()).stream()
                    .anyMatch(i -> i.state().nameAsString().equals("running")));
            String instance = moto.instancesOf(run.id()).get(0).instanceId();

            ReconcileReport report = ec2.reconcile();

            assertThat(report.terminated()).containsExactly(new Terminated(instance, run.id(), Reason.MAX_LIFETIME));
            run.cancel();
        }
    }

    @Test
    void thePeriodicPassTerminatesOrphansWithoutBeingAsked() {
        Ec2ComputeProvider ec2 = moto.provider().templateName("runpilot-rec-" + System.nanoTime())
                .reconcileInterval(Duration.ofMillis(300)).build();
        try (RunPilotClient client = RunPilot.client().home(home).storage(storage).compute(ec2).build()) {
            String orphan = orphan(Map.of("runpilot:managed", "true", "owner", "runpilot-test", "runpilot:run-id", "r-gone"));

            await().atMost(Duration.ofSeconds(30)).until(() -> state(orphan).matches("shutting-down|terminated"));
            assertThat(Thread.getAllStackTraces().keySet()).anyMatch(t -> t.getName().equals("runpilot-ec2-timer") && t.isDaemon());
        }
    }
}
