package dev.runpilot.sdk.testing;

import dev.runpilot.sdk.Run;
import dev.runpilot.sdk.RunInfo;
import dev.runpilot.sdk.RunResult;

/**
 * Entry points to RunPilot's AssertJ assertions. Import them next to AssertJ's own; the overloads
 * live side by side:
 *
 * <pre>{@code
 * import static dev.runpilot.sdk.testing.RunPilotAssertions.assertThat;
 * import static org.assertj.core.api.Assertions.assertThat;
 *
 * assertThat(run).succeeded().hasLogLine("done").hasMetric("loss", v -> v < 0.1);
 * assertThat(List.of(1, 2)).hasSize(2);
 * }</pre>
 *
 * @since 0.1.0
 */
public final class RunPilotAssertions {
    private RunPilotAssertions() {
    }

    /**
     * Starts assertions on a run handle. Assertions about how it ended wait for it to end (60 s by
     * default, see {@link RunAssert#within(java.time.Duration)}); log and metric assertions read the
     * control plane.
     *
     * @param run the run
     * @return the assertions
     */
    public static RunAssert assertThat(Run run) {
        return new RunAssert(run);
    }

    /**
     * Starts assertions on a finished run's result: status, exit code, reason, attempts and final
     * metrics (no log).
     *
     * @param result the result
     * @return the assertions
     */
    public static RunAssert assertThat(RunResult result) {
        return new RunAssert(result);
    }

    /**
     * Starts assertions on a run snapshot, as listed by {@code client.list(...)}: status, exit code,
     * reason and attempts (no log, no metrics). Nothing is waited for.
     *
     * @param info the snapshot
     * @return the assertions
     */
    public static RunAssert assertThat(RunInfo info) {
        return new RunAssert(info);
    }
}
