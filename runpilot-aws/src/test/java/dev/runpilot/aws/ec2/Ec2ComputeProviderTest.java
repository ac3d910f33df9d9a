package dev.runpilot.aws.ec2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.runpilot.sdk.FailureReason;
import dev.runpilot.sdk.Job;
import dev.runpilot.sdk.RetryPolicy;
import dev.runpilot.sdk.Run;
import dev.runpilot.sdk.RunPilot;
import dev.runpilot.sdk.RunPilotClient;
import dev.runpilot.sdk.RunResult;
import dev.runpilot.sdk.RunStatus;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ec2.model.Instance;
import software.amazon.awssdk.services.ec2.model.InstanceAttributeName;

/**
 * End to end on moto: submit, launch, the (played) agent runs the run once, its log reaches storage,
 * then the instance is terminated.
 */
class Ec2ComputeProviderTest extends Ec2TestSupport {
    private static final Duration RUN_TIMEOUT = Duration.ofSeconds(90);

    private RunPilotClient client(PlayedInstances compute) {
        return RunPilot.client().home(home).storage(storage).compute(compute).leaseDuration(Duration.ofSeconds(2))
                .gracePeriod(Duration.ofSeconds(1)).build();
    }

    private PlayedInstances played() {
        return new PlayedInstances(moto.provider().build(), moto, storage);
    }

    @Test
    void aRunGetsItsOwnInstanceWhichRunsItOnceAndIsTerminatedAfterItsLogIsStored() throws Exception {
        PlayedInstances compute = played();
        try (RunPilotClient client = client(compute)) {
            Run run = client.submit(Job.builder().name("hello-ec2").command("sh", "-c", "echo hello from the instance").build());

            RunResult result = run.await(RUN_TIMEOUT).orElseThrow();

            assertThat(result.status()).isEqualTo(RunStatus.SUCCEEDED);
            assertThat(result.attempts()).hasSize(1);
            // The played agent may finish before the launcher's next poll sees the instance running.
            await().atMost(Duration.ofSeconds(10)).until(() -> run.attemptData(1).containsKey("ec2.availability-zone"));
            Map<String, String> data = run.attemptData(1);
            assertThat(data).containsEntry("ec2.instance-type", "t3.small").containsEntry("ec2.lifecycle", "on-demand")
                    .containsKeys("ec2.instance-id", "ec2.availability-zone");
            String instanceId = data.get("ec2.instance-id");
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(state(instanceId)).isIn("shutting-down", "terminated"));
            try (InputStream log = storage.get(PlayedInstances.logKey(run.id(), 1)).orElseThrow()) {
                assertThat(new String(log.readAllBytes(), StandardCharsets.UTF_8)).contains("hello from the instance");
            }
            // The record is written once the terminating call returns.
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(compute.terminations)
                    .as("calls that terminated an instance")
                    .filteredOn(t -> t.liveAfter() < t.liveBefore())
                    .singleElement()
                    .satisfies(t -> {
                        assertThat(t.trigger()).isEqualTo("shutdownRequested");
                        assertThat(t.logStored()).as("log in storage before the instance went").isTrue();
                    }));
            Instance instance = moto.instancesOf(run.id()).get(0);
            assertThat(MotoEc2.tag(instance, "runpilot:managed")).isEqualTo("true");
            assertThat(MotoEc2.tag(instance, "runpilot:attempt")).isEqualTo("1");
            assertThat(MotoEc2.tag(instance, "owner")).isEqualTo("runpilot-test");
            assertThat(MotoEc2.tag(instance, "runpilot:created-at")).isNotBlank();
            assertThat(instance.imageId()).isEqualTo(MotoEc2.UBUNTU_AMI);
        }
    }

    @Test
    void userDataInstallsDockerAndAJreAndRunsTheAgentOnceBoundToItsRun() {
        try (RunPilotClient client = client(played())) {
            Run run = client.submit(Job.builder().name("user-data").command("true").build());
            run.await(RUN_TIMEOUT).orElseThrow();
            String instanceId = run.attemptData(1).get("ec2.instance-id");

            String userData = new String(Base64.getDecoder().decode(moto.ec2.describeInstanceAttribute(r -> r.instanceId(instanceId)
                    .attribute(InstanceAttributeName.USER_DATA)).userData().value()), StandardCharsets.UTF_8);

            assertThat(userData).startsWith("#!/bin/bash")
                    .contains("apt-get install -y --no-install-recommends docker.io openjdk-17-jre-headless")
                    .contains("RUNPILOT_RUN_ID='" + run.id() + "'")
                    .contains("https://downloads.example.invalid/runpilot-agent.jar")
                    .contains("agent --once --run-id \"$RUNPILOT_RUN_ID\"")
                    .contains("shutdown -h");
        }
    }

    @Test
    void aFailingRunIsCleanedUpTheSameWay() throws Exception {
        PlayedInstances compute = played();
        try (RunPilotClient client = client(compute)) {
            Run run = client.submit(Job.builder().name("fails").command("sh", "-c", "echo about to fail; exit 3").build());

            RunResult result = run.await(RUN_TIMEOUT).orElseThrow();

            assertThat(result.status()).isEqualTo(RunStatus.FAILED);
            assertThat(result.reason()).contains(FailureReason.EXIT_CODE);
            String instanceId = run.attemptData(1).get("ec2.instance-id");
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(state(instanceId)).isIn("shutting-down", "terminated"));
            assertThat(storage.exists(PlayedInstances.logKey(run.id(), 1))).isTrue();
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(compute.terminations)
                    .filteredOn(t -> t.liveAfter() < t.liveBefore()).singleElement()
                    .satisfies(t -> assertThat(t.logStored()).isTrue()));
        }
    }

    @Test
    void anInstanceWhoseAgentDiesLosesTheLeaseAndTheRunIsRetriedOnANewInstance() throws Exception {
        // Attempt 1 is played by a child JVM that is killed mid-run; later attempts are played here.
        PlayedInstances compute = new PlayedInstances(moto.provider().build(), moto, storage,
                instance -> !MotoEc2.tag(instance, "runpilot:attempt").equals("1"));
        java.nio.file.Path marker = home.resolve("first-attempt-started");
        try (RunPilotClient client = client(compute)) {
            Run run = client.submit(Job.builder().name("survives").retry(RetryPolicy.maxAttempts(2))
                    .command("sh", "-c", "if [ -f '" + marker + "' ]; then echo second attempt; else touch '" + marker
                            + "'; sleep 120; fi").build());
            await().atMost(Duration.ofSeconds(30)).until(() -> moto.instancesOf(run.id()).stream()
                    .anyMatch(i -> i.state().nameAsString().equals("running")));
            String firstInstance = run.attemptData(1).get("ec2.instance-id");

            Process agent = startChildAgent(run.id());
            try {
                agent.destroyForcibly();
                assertThat(agent.waitFor(30, TimeUnit.SECONDS)).isTrue();
            } finally {
                agent.destroyForcibly();
            }

            RunResult result = run.await(RUN_TIMEOUT).orElseThrow();
            assertThat(result.status()).isEqualTo(RunStatus.SUCCEEDED);
            assertThat(result.attempts()).hasSize(2);
            assertThat(result.attempts().get(0).reason()).contains(FailureReason.LEASE_LOST);
            String secondInstance = run.attemptData(2).get("ec2.instance-id");
            assertThat(secondInstance).isNotBlank().isNotEqualTo(firstInstance);
            assertThat(state(firstInstance)).isIn("shutting-down", "terminated");
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(state(secondInstance)).isIn("shutting-down", "terminated"));
            assertThat(run.logs().read().stream().map(l -> l.text())).contains("second attempt");
        }
    }

    @Test
    void cancellingARunBeforeItsInstanceRunsLeavesNothingRunning() {
        try (RunPilotClient client = client(new PlayedInstances(moto.provider().build(), moto, storage, instance -> false))) {
            Run run = client.submit(Job.builder().name("cancelled").command("sleep", "60").build());
            await().atMost(Duration.ofSeconds(30)).until(() -> !moto.instancesOf(run.id()).isEmpty());

            run.cancel();

            assertThat(run.await(RUN_TIMEOUT).orElseThrow().status()).isEqualTo(RunStatus.CANCELLED);
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(moto.instancesOf(run.id()))
                    .allSatisfy(i -> assertThat(i.state().nameAsString()).isIn("shutting-down", "terminated")));
            assertThat(run.attempts()).isEmpty();
        }
    }

    private String state(String instanceId) {
        return moto.ec2.describeInstances(r -> r.instanceIds(instanceId)).reservations().get(0).instances().get(0).state()
                .nameAsString();
    }

    private Process startChildAgent(String runId) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), PlayedAgentMain.class.getName(),
                home.toString(), runId).redirectError(home.resolve("child-stderr.txt").toFile()).start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null && !line.equals("READY")) {
                // skip the child's other output
            }
            assertThat(line).as("child agent output; its stderr is in %s", home.resolve("child-stderr.txt")).isEqualTo("READY");
        }
        return child;
    }
}
