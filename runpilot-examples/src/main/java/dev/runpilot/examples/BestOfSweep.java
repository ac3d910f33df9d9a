package dev.runpilot.examples;

import dev.runpilot.sdk.Job;
import dev.runpilot.sdk.Run;
import dev.runpilot.sdk.RunPilot;
import dev.runpilot.sdk.RunPilotClient;
import dev.runpilot.sdk.RunResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Orchestration code of the kind users write on RunPilot, and test with {@code runpilot-sdk-testing}
 * (see {@code BestOfSweepTest}): a learning-rate sweep that submits one training run per rate, waits
 * for all of them, and picks the rate whose run ended with the lowest {@code loss}. Runs that failed
 * or reported no loss are left out; if none is left, the sweep fails and says why each run did not
 * count.
 *
 * <p>Run it with {@code ./mvnw -q -pl runpilot-examples exec:java -Dexec.mainClass=dev.runpilot.examples.BestOfSweep}:
 * its training job is a shell line that makes up a loss from the rate.
 */
public final class BestOfSweep {
    private final RunPilotClient client;
    private final Job.Builder training;

    /**
     * Creates a sweep.
     *
     * @param client where the runs go
     * @param training the training job; each run gets {@code LEARNING_RATE} in its environment and an
     *                 {@code lr} label
     */
    public BestOfSweep(RunPilotClient client, Job.Builder training) {
        this.client = Objects.requireNonNull(client, "client");
        this.training = Objects.requireNonNull(training, "training");
    }

    /**
     * Runs the sweep and returns the best rate.
     *
     * @param rates the learning rates to try
     * @return the rate with the lowest final loss
     * @throws IllegalStateException if no run succeeded with a loss
     */
    public double best(List<Double> rates) {
        Map<Double, Run> runs = new LinkedHashMap<>();
        for (double rate : rates) {
            runs.put(rate, client.submit(training.label("lr", Double.toString(rate))
                    .env("LEARNING_RATE", Double.toString(rate)).build()));
        }
        double bestRate = Double.NaN;
        double bestLoss = Double.POSITIVE_INFINITY;
        List<String> discarded = new ArrayList<>();
        for (Map.Entry<Double, Run> entry : runs.entrySet()) {
            RunResult result = entry.getValue().await();
            Double loss = result.metrics().get("loss");
            if (!result.isSuccess() || loss == null) {
                discarded.add("lr " + entry.getKey() + ": run " + result.runId() + " " + result.status()
                        + (loss == null ? " without a loss" : ""));
            } else if (loss < bestLoss) {
                bestLoss = loss;
                bestRate = entry.getKey();
            }
        }
        if (Double.isNaN(bestRate)) {
            throw new IllegalStateException("No run of the sweep succeeded with a loss: " + String.join("; ", discarded));
        }
        return bestRate;
    }

    public static void main(String[] args) {
        try (RunPilotClient client = RunPilot.client().build()) {
            Job.Builder training = Job.builder()
                    .name("train")
                    .entrypoint("echo \"training with lr $LEARNING_RATE\";"
                            + " awk -v lr=$LEARNING_RATE 'BEGIN { d = lr - 0.01; printf \"METRIC loss=%.4f\\n\", 0.05 + d * d * 100 }'")
                    .timeout(Duration.ofMinutes(1));
            double best = new BestOfSweep(client, training).best(List.of(0.1, 0.03, 0.01, 0.003));
            System.out.println("best learning rate: " + best);
        }
    }
}
