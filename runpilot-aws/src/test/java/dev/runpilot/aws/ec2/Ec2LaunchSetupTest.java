package dev.runpilot.aws.ec2;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runpilot.aws.internal.ec2.LaunchTemplates;
import dev.runpilot.sdk.FailureReason;
import dev.runpilot.sdk.Job;
import dev.runpilot.sdk.Run;
import dev.runpilot.sdk.RunPilot;
import dev.runpilot.sdk.RunPilotClient;
import dev.runpilot.sdk.RunResult;
import dev.runpilot.sdk.RunStatus;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ec2.model.LaunchTemplateVersion;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.ssm.model.ParameterType;

/** The launch template, the AMI from SSM, and the IAM instance profile, against moto. */
class Ec2LaunchSetupTest extends Ec2TestSupport {
    @Test
    void theTemplateIsCreatedOnceAndGetsANewDefaultVersionOnlyWhenSettingsChange() {
        String name = "runpilot-tpl-" + System.nanoTime();
        LaunchTemplates templates = new LaunchTemplates(moto.ec2);

        LaunchTemplates.TemplateVersion first = templates.ensure(moto.provider().templateName(name).settings(), MotoEc2.UBUNTU_AMI);
        LaunchTemplates.TemplateVersion same = templates.ensure(moto.provider().templateName(name).settings(), MotoEc2.UBUNTU_AMI);
        LaunchTemplates.TemplateVersion changed = templates.ensure(moto.provider().templateName(name).instanceType("t3.medium")
                .tags(Map.of("team", "ml")).settings(), MotoEc2.UBUNTU_AMI);

        assertThat(first.version()).isEqualTo(1);
        assertThat(same).isEqualTo(first);
        assertThat(changed.id()).isEqualTo(first.id());
        assertThat(changed.version()).isEqualTo(2);
        assertThat(moto.ec2.describeLaunchTemplates(r -> r.launchTemplateNames(name)).launchTemplates().get(0).defaultVersionNumber())
                .isEqualTo(2);
        LaunchTemplateVersion latest = moto.ec2.describeLaunchTemplateVersions(r -> r.launchTemplateName(name).versions("2"))
                .launchTemplateVersions().get(0);
        assertThat(latest.launchTemplateData().instanceTypeAsString()).isEqualTo("t3.medium");
        assertThat(latest.launchTemplateData().imageId()).isEqualTo(MotoEc2.UBUNTU_AMI);
        assertThat(latest.launchTemplateData().instanceInitiatedShutdownBehaviorAsString()).isEqualTo("terminate");
        assertThat(latest.launchTemplateData().tagSpecifications().get(0).tags())
                .anySatisfy(t -> assertThat(t.key() + "=" + t.value()).isEqualTo("team=ml"))
                .anySatisfy(t -> assertThat(t.key() + "=" + t.value()).isEqualTo("runpilot:managed=true"));
    }

    @Test
    void theImageIsReadFromTheSsmParameterWhenNoAmiIsGiven() {
        String parameter = "/runpilot/test/ubuntu-" + System.nanoTime();
        try (SsmClient ssm = moto.ssm()) {
            ssm.putParameter(r -> r.name(parameter).type(ParameterType.STRING).value(MotoEc2.UBUNTU_AMI));
        }
        Ec2ComputeProvider ec2 = bare().templateName("runpilot-ssm-" + System.nanoTime()).amiParameter(parameter).build();
        try (RunPilotClient client = RunPilot.client().home(home).storage(storage).compute(new PlayedInstances(ec2, moto, storage)).build()) {
            Run run = client.submit(Job.builder().name("ssm-ami").command("true").build());

            assertThat(run.await(Duration.ofSeconds(90)).orElseThrow().status()).isEqualTo(RunStatus.SUCCEEDED);
            assertThat(moto.instancesOf(run.id())).singleElement().satisfies(i -> assertThat(i.imageId()).isEqualTo(MotoEc2.UBUNTU_AMI));
        }
    }

    @Test
    void aMissingSsmParameterFailsTheRunSayingToSetTheAmi() {
        Ec2ComputeProvider ec2 = bare().templateName("runpilot-ssm-" + System.nanoTime()).amiParameter("/runpilot/test/missing").build();
        try (RunPilotClient client = RunPilot.client().home(home).storage(storage).compute(ec2).build()) {
            Run run = client.submit(Job.builder().name("no-ami").command("true").build());

            RunResult result = run.await(Duration.ofSeconds(60)).orElseThrow();

            assertThat(result.status()).isEqualTo(RunStatus.FAILED);
            assertThat(result.reason()).contains(FailureReason.RUNTIME_ERROR);
            assertThat(result.message()).contains("/runpilot/test/missing", "amiId");
        }
    }

    @Test
    void ensureInstanceProfileCreatesRoleAndProfileOnceAndInstancesLaunchWithIt() {
        String name = "runpilot-agent-" + System.nanoTime();
        try (IamClient iam = moto.iam()) {
            String arn = Ec2Setup.ensureInstanceProfile(iam, name, "my-bucket");
            String again = Ec2Setup.ensureInstanceProfile(iam, name, "my-bucket");

            assertThat(again).isEqualTo(arn).endsWith(":instance-profile/" + name);
            assertThat(iam.getInstanceProfile(r -> r.instanceProfileName(name)).instanceProfile().roles())
                    .singleElement().satisfies(role -> assertThat(role.roleName()).isEqualTo(name));
            // IAM answers with the document URL-encoded.
            assertThat(java.net.URLDecoder.decode(iam.getRolePolicy(r -> r.roleName(name).policyName(Ec2Setup.POLICY_NAME))
                    .policyDocument(), java.nio.charset.StandardCharsets.UTF_8)).contains("arn:aws:s3:::my-bucket/runs/*");

            Ec2ComputeProvider ec2 = moto.provider().templateName("runpilot-iam-" + System.nanoTime()).instanceProfile(name).build();
            try (RunPilotClient client = RunPilot.client().home(home).storage(storage).compute(new PlayedInstances(ec2, moto, storage)).build()) {
                Run run = client.submit(Job.builder().name("with-profile").command("true").build());
                assertThat(run.await(Duration.ofSeconds(90)).orElseThrow().status()).isEqualTo(RunStatus.SUCCEEDED);
                assertThat(moto.instancesOf(run.id())).singleElement()
                        .satisfies(i -> assertThat(i.iamInstanceProfile().arn()).isEqualTo(arn));
            }
        }
    }

    @Test
    void theShippedPolicyDocumentsAreTheOnesInDocs() throws Exception {
        Path docs = Path.of("..", "docs", "iam");
        for (String file : new String[] {"launcher-policy.json", "instance-role-policy.json", "instance-role-trust-policy.json"}) {
            assertThat(Ec2Setup.policy(file)).as(file).isEqualTo(Files.readString(docs.resolve(file)));
        }
    }

    private Ec2ComputeProvider.Builder bare() {
        return Ec2ComputeProvider.builder().endpointOverride(moto.endpoint).region("us-east-1").credentials(MotoEc2.CREDENTIALS)
                .agentUrl(URI.create("https://downloads.example.invalid/runpilot-agent.jar")).pollInterval(Duration.ofMillis(200))
                .reconcileInterval(Duration.ZERO).owner("runpilot-test");
    }
}
