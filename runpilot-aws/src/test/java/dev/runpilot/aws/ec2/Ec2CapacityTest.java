package dev.runpilot.aws.ec2;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.runpilot.sdk.FailureReason;
import dev.runpilot.sdk.Job;
import dev.runpilot.sdk.Run;
import dev.runpilot.sdk.RunPilot;
import dev.runpilot.sdk.RunPilotClient;
import dev.runpilot.sdk.RunResult;
import dev.runpilot.sdk.RunStatus;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Capacity errors injected by a WireMock proxy in front of moto (moto itself never runs out). */
class Ec2CapacityTest extends Ec2TestSupport {
    private static final String NO_CAPACITY = """
            <?xml version="1.0" encoding="UTF-8"?>
            <Response><Errors><Error><Code>InsufficientInstanceCapacity</Code><Message>We currently do not have \
            sufficient %s capacity in the Availability Zone you requested.</Message></Error></Errors>\
            <RequestID>00000000-0000-0000-0000-000000000000</RequestID></Response>""";

    private WireMockServer proxy;

    @BeforeEach
    void startProxy() {
        proxy = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
        proxy.start();
        proxy.stubFor(any(anyUrl()).atPriority(10).willReturn(aResponse().proxiedFrom(moto.endpoint.toString())));
    }

    @AfterEach
    void stopProxy() {
        if (proxy != null) {
            proxy.stop();
        }
    }

    private void refuse(String instanceType) {
        proxy.stubFor(post(anyUrl()).atPriority(1)
                .withRequestBody(containing("Action=RunInstances"))
                .withRequestBody(containing("InstanceType=" + instanceType))
                .willReturn(aResponse().withStatus(500).withHeader("Content-Type", "text/xml")
                        .withBody(NO_CAPACITY.formatted(instanceType))));
    }

    private RunPilotClient client(Ec2ComputeProvider.Builder ec2) {
        Ec2ComputeProvider provider = ec2.endpointOverride(URI.create(proxy.baseUrl())).build();
        return RunPilot.client().home(home).storage(storage).compute(new PlayedInstances(provider, moto, storage))
                .leaseDuration(Duration.ofSeconds(2)).build();
    }

    @Test
    void aCapacityErrorMakesTheLauncherUseTheFallbackInstanceType() {
        refuse("t3.small");
        try (RunPilotClient client = client(moto.provider().templateName("runpilot-cap-" + System.nanoTime())
                .fallbackInstanceTypes(List.of("t3.medium")))) {
            Run run = client.submit(Job.builder().name("falls-back").command("echo", "on the fallback type").build());

            RunResult result = run.await(Duration.ofSeconds(90)).orElseThrow();

            assertThat(result.status()).isEqualTo(RunStatus.SUCCEEDED);
            assertThat(moto.instancesOf(run.id())).singleElement()
                    .satisfies(i -> assertThat(i.instanceTypeAsString()).isEqualTo("t3.medium"));
            assertThat(proxy.findAll(postRequestedFor(anyUrl()).withRequestBody(containing("Action=RunInstances"))
                    .withRequestBody(containing("InstanceType=t3.small")))).as("RunInstances refused for t3.small").isNotEmpty();
        }
    }

    @Test
    void whenNoTypeHasCapacityTheRunFailsWithReasonCapacityAndNothingIsLaunched() {
        refuse("t3.small");
        refuse("t3.medium");
        try (RunPilotClient client = client(moto.provider().templateName("runpilot-cap-" + System.nanoTime())
                .fallbackInstanceTypes(List.of("t3.medium")))) {
            Run run = client.submit(Job.builder().name("no-room").command("true").build());

            RunResult result = run.await(Duration.ofSeconds(90)).orElseThrow();

            assertThat(result.status()).isEqualTo(RunStatus.FAILED);
            assertThat(result.reason()).contains(FailureReason.CAPACITY);
            assertThat(result.attempts()).singleElement().satisfies(a -> {
                assertThat(a.reason()).contains(FailureReason.CAPACITY);
                assertThat(a.message()).contains("t3.small", "t3.medium", "InsufficientInstanceCapacity");
            });
            assertThat(moto.instancesOf(run.id())).isEmpty();
        }
    }
}
