package dev.runpilot.aws.ec2;

import dev.runpilot.sdk.RunPilot;
import dev.runpilot.sdk.RunPilotClient;
import dev.runpilot.sdk.RunStatus;
import dev.runpilot.sdk.spi.ComputeContext;
import dev.runpilot.sdk.spi.ComputeProvider;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import org.awaitility.Awaitility;

/**
 * A child JVM that plays the agent of one instance: opens the test's home and starts an agent bound
 * to one run; prints READY once the run is running. The test then kills it, as an instance dies.
 */
public final class PlayedAgentMain {
    private PlayedAgentMain() {
    }

    public static void main(String[] args) throws Exception {
        Path home = Path.of(args[0]);
        String runId = args[1];
        ComputeProvider instance = new ComputeProvider() {
            @Override
            public String name() {
                return "played-instance";
            }

            @Override
            public void start(ComputeContext context) {
                context.startLocalAgent(runId);
            }

            @Override
            public void close() {
            }
        };
        try (RunPilotClient client = RunPilot.client().home(home).compute(instance).leaseDuration(Duration.ofSeconds(2)).build()) {
            Awaitility.await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(50))
                    .until(() -> client.run(runId).status() == RunStatus.RUNNING);
            System.out.println("READY");
            System.out.flush();
            new CountDownLatch(1).await(); // until the test kills this JVM
        }
    }
}
