package dev.runpilot.sdk;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import org.awaitility.Awaitility;

/**
 * The child JVM of {@link CrashRecoveryTest}: opens an engine on a home, finishes some runs, leaves
 * others running or waiting, prints their ids and "READY", then waits to be killed with SIGKILL.
 */
public final class CrashingEngine {
    private CrashingEngine() {
    }

    public static void main(String[] args) throws Exception {
        Path home = Path.of(args[0]);
        Path scratch = Path.of(args[1]);
        RunPilotClient client = RunPilot.client().home(home).workers(3).leaseDuration(Duration.ofSeconds(2))
                .gracePeriod(Duration.ofSeconds(1)).build();
        StringBuilder ids = new StringBuilder("IDS");
        for (int i = 0; i < 3; i++) {
            Run quick = client.submit(Job.builder().name("quick-" + i)
                    .entrypoint("echo $RUNPILOT_RUN_ID >> " + scratch.resolve("executions")).build());
            quick.await().requireSuccess();
            ids.append(' ').append(quick.id());
        }
        Run resumable = client.submit(Job.builder().name("resumable")
                .entrypoint("echo $$ >> " + scratch.resolve("pids-$RUNPILOT_ATTEMPT")
                        + "; if [ \"$RUNPILOT_ATTEMPT\" = 1 ]; then sleep 300; fi")
                .retry(RetryPolicy.builder().maxAttempts(2).initialBackoff(Duration.ZERO).build()).build());
        Run fragile = client.submit(Job.builder().name("fragile")
                .entrypoint("echo $$ >> " + scratch.resolve("fragile-pid") + "; sleep 300").build());
        Run downstream = client.submit(Job.builder().name("downstream")
                .entrypoint("echo $RUNPILOT_RUN_ID >> " + scratch.resolve("executions")).dependsOn(resumable).build());
        ids.append(' ').append(resumable.id()).append(' ').append(fragile.id()).append(' ').append(downstream.id());
        Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20))
                .until(() -> resumable.status() == RunStatus.RUNNING && fragile.status() == RunStatus.RUNNING);
        System.out.println(ids);
        System.out.println("READY");
        System.out.flush();
        new CountDownLatch(1).await();   // until the test kills this JVM with SIGKILL
    }
}
