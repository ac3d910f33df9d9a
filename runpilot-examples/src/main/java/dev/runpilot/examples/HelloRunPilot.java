package dev.runpilot.examples;

import dev.runpilot.sdk.Job;
import dev.runpilot.sdk.Run;
import dev.runpilot.sdk.RunPilot;
import dev.runpilot.sdk.RunPilotClient;
import dev.runpilot.sdk.RunResult;
import java.time.Duration;

/**
 * RunPilot's hello job on the embedded default: a short "training" script that prints its progress
 * and METRIC lines, run as a local process, its log followed live, its result and metrics printed.
 *
 * <p>Run it with {@code ./mvnw -q install -DskipTests && ./mvnw -q -pl runpilot-examples exec:java}.
 * Set {@code RUNPILOT_HOME} to keep its database somewhere other than {@code ~/.runpilot}.
 */
public final class HelloRunPilot {
    static final String SCRIPT = String.join("\n",
            "echo \"hello from RunPilot run $RUNPILOT_RUN_ID\"",
            "loss=1.0",
            "for step in 1 2 3 4 5; do",
            "  loss=$(awk -v l=$loss 'BEGIN { printf \"%.3f\", l * 0.6 }')",
            "  echo \"epoch $step: loss $loss\"",
            "  echo \"METRIC {\\\"step\\\": $step, \\\"loss\\\": $loss}\"",
            "done",
            "echo 'METRIC accuracy=0.97'",
            "echo done");

    private HelloRunPilot() {
    }

    public static void main(String[] args) {
        try (RunPilotClient client = RunPilot.client().build()) {
            Run run = client.submit(Job.builder()
                    .name("hello")
                    .entrypoint(SCRIPT)
                    .label("example", "hello")
                    .timeout(Duration.ofMinutes(1))
                    .build());
            System.out.println("submitted run " + run.id());
            run.logs().follow(line -> System.out.println("  | " + line.text()));
            RunResult result = run.await();
            System.out.println("run " + run.id() + " " + result.status() + " in " + result.duration().toMillis() + " ms"
                    + result.exitCode().stream().mapToObj(code -> ", exit code " + code).findFirst().orElse(""));
            System.out.println("metrics: " + result.metrics());
            run.metrics().series("loss").forEach(point ->
                    System.out.println("  loss[step " + point.step() + "] = " + point.value()));
            result.requireSuccess();
        }
    }
}
