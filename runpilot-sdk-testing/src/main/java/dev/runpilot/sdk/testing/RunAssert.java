package dev.runpilot.sdk.testing;

import dev.runpilot.sdk.FailureReason;
import dev.runpilot.sdk.LogLine;
import dev.runpilot.sdk.Run;
import dev.runpilot.sdk.RunInfo;
import dev.runpilot.sdk.RunResult;
import dev.runpilot.sdk.RunStatus;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.DoublePredicate;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.assertj.core.api.AbstractAssert;

/**
 * AssertJ assertions on a run, obtained from {@link RunPilotAssertions#assertThat(Run)} (or a
 * {@link RunResult} or {@link RunInfo}).
 *
 * <pre>{@code
 * assertThat(run).succeeded()
 *         .hasLogLine("epoch 5 done")
 *         .hasMetric("loss", loss -> loss < 0.1);
 * }</pre>
 *
 * <p>On a {@link Run}, every assertion about how the run ended first waits for it to end, up to
 * {@link #within(Duration)} (default 60 s), so a test can assert on a run it has just submitted. A
 * failure message names the run, its job, its status, exit code and reason, and ends with the last
 * {@value #TAIL_LINES} lines of its log.
 *
 * <p>A {@link RunResult} carries final metrics but no log, and a {@link RunInfo} neither: assertions
 * on what they do not carry fail and say to assert on the {@link Run} instead.
 *
 * @since 0.1.0
 */
public final class RunAssert extends AbstractAssert<RunAssert, Object> {
    /** How many log lines a failure message shows. */
    public static final int TAIL_LINES = 20;
    private static final Duration DEFAULT_WAIT = Duration.ofSeconds(60);

    private final Run run;
    private final RunResult result;
    private final RunInfo runInfo;
    private Duration timeout = DEFAULT_WAIT;

    RunAssert(Run run) {
        super(run, RunAssert.class);
        this.run = run;
        this.result = null;
        this.runInfo = null;
    }

    RunAssert(RunResult result) {
        super(result, RunAssert.class);
        this.run = null;
        this.result = result;
        this.runInfo = null;
    }

    RunAssert(RunInfo info) {
        super(info, RunAssert.class);
        this.run = null;
        this.result = null;
        this.runInfo = info;
    }

    /**
     * Sets how long later assertions wait for the run to end. Default 60 s.
     *
     * @param timeout the longest wait
     * @return this assertion
     */
    public RunAssert within(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        this.timeout = timeout;
        return this;
    }

    /**
     * Asserts that the run ended {@link RunStatus#SUCCEEDED}.
     *
     * @return this assertion
     */
    public RunAssert succeeded() {
        return hasStatus(RunStatus.SUCCEEDED);
    }

    /**
     * Asserts that the run ended {@link RunStatus#FAILED}.
     *
     * @return this assertion
     */
    public RunAssert failed() {
        return hasStatus(RunStatus.FAILED);
    }

    /**
     * Asserts the run's status. A terminal status is waited for; a non-terminal one is checked against
     * a fresh snapshot at once.
     *
     * @param expected the status
     * @return this assertion
     */
    public RunAssert hasStatus(RunStatus expected) {
        Objects.requireNonNull(expected, "expected");
        isNotNull();
        Ending ending = expected.isTerminal() ? ended() : snapshot();
        if (ending.status != expected) {
            fail("to have status " + expected, ending);
        }
        return this;
    }

    /**
     * Asserts the exit code of the run's last attempt.
     *
     * @param expected the exit code
     * @return this assertion
     */
    public RunAssert hasExitCode(int expected) {
        isNotNull();
        Ending ending = ended();
        if (ending.exitCode.isEmpty() || ending.exitCode.getAsInt() != expected) {
            fail("to have exit code " + expected, ending);
        }
        return this;
    }

    /**
     * Asserts why the run did not succeed.
     *
     * @param expected the reason, such as {@link FailureReason#TIMEOUT}
     * @return this assertion
     */
    public RunAssert hasFailureReason(FailureReason expected) {
        Objects.requireNonNull(expected, "expected");
        isNotNull();
        Ending ending = ended();
        if (ending.reason.filter(expected::equals).isEmpty()) {
            fail("to have failure reason " + expected.wireName(), ending);
        }
        return this;
    }

    /**
     * Asserts how many attempts the run had.
     *
     * @param expected the number of attempts
     * @return this assertion
     */
    public RunAssert hasAttempts(int expected) {
        isNotNull();
        Ending ending = ended();
        if (ending.attempts != expected) {
            fail("to have had " + expected + " attempt(s)", ending);
        }
        return this;
    }

    /**
     * Asserts that some line of the run's log is exactly this text.
     *
     * @param expected the whole line, without its terminator
     * @return this assertion
     */
    public RunAssert hasLogLine(String expected) {
        Objects.requireNonNull(expected, "expected");
        return hasLogLineMatching("a log line equal to \"" + expected + "\"", expected::equals);
    }

    /**
     * Asserts that some line of the run's log contains this text.
     *
     * @param expected the text to find
     * @return this assertion
     */
    public RunAssert hasLogLineContaining(String expected) {
        Objects.requireNonNull(expected, "expected");
        return hasLogLineMatching("a log line containing \"" + expected + "\"", line -> line.contains(expected));
    }

    /**
     * Asserts that some line of the run's log matches a predicate on its text.
     *
     * @param predicate the test each line's text is put to
     * @return this assertion
     */
    public RunAssert hasLogLine(Predicate<String> predicate) {
        Objects.requireNonNull(predicate, "predicate");
        return hasLogLineMatching("a log line matching the given predicate", predicate);
    }

    /**
     * Asserts that no line of the run's log contains this text, such as a secret.
     *
     * @param text the text that must not appear
     * @return this assertion
     */
    public RunAssert hasNoLogLineContaining(String text) {
        Objects.requireNonNull(text, "text");
        isNotNull();
        Ending ending = ended();
        Optional<LogLine> found = logs("log lines").stream().filter(l -> l.text().contains(text)).findFirst();
        if (found.isPresent()) {
            fail("to have no log line containing \"" + text + "\", but line " + found.get().sequence() + " is \""
                    + found.get().text() + "\"", ending);
        }
        return this;
    }

    private RunAssert hasLogLineMatching(String what, Predicate<String> predicate) {
        isNotNull();
        Ending ending = ended();
        if (logs("log lines").stream().map(LogLine::text).noneMatch(predicate)) {
            fail("to have " + what, ending);
        }
        return this;
    }

    /**
     * Asserts that the run recorded a metric of this name.
     *
     * @param name the metric name
     * @return this assertion
     */
    public RunAssert hasMetric(String name) {
        return hasMetric(name, value -> true);
    }

    /**
     * Asserts that the final value of a metric passes a test.
     *
     * @param name the metric name
     * @param predicate the test, such as {@code loss -> loss < 0.1}
     * @return this assertion
     */
    public RunAssert hasMetric(String name, DoublePredicate predicate) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(predicate, "predicate");
        isNotNull();
        Ending ending = ended();
        Map<String, Double> metrics = metrics();
        Double value = metrics.get(name);
        if (value == null) {
            fail("to have recorded metric \"" + name + "\"; it recorded " + metrics.keySet(), ending);
        } else if (!predicate.test(value)) {
            fail("to have a final " + name + " that passes the given test, but it was " + value, ending);
        }
        return this;
    }

    /**
     * Asserts the final value of a metric exactly.
     *
     * @param name the metric name
     * @param expected the value
     * @return this assertion
     */
    public RunAssert hasMetric(String name, double expected) {
        Objects.requireNonNull(name, "name");
        isNotNull();
        Ending ending = ended();
        Map<String, Double> metrics = metrics();
        Double value = metrics.get(name);
        if (value == null || Double.compare(value, expected) != 0) {
            fail("to have a final " + name + " of " + expected + ", but it was "
                    + (value == null ? "never recorded (metrics: " + metrics.keySet() + ")" : value), ending);
        }
        return this;
    }

    private Map<String, Double> metrics() {
        if (run != null) {
            return run.metrics().finalValues();
        }
        if (result != null) {
            return result.metrics();
        }
        throw new AssertionError("A RunInfo carries no metrics: assert on the Run (client.run(\"" + runInfo.id() + "\")) instead");
    }

    private List<LogLine> logs(String what) {
        if (run == null) {
            String id = result != null ? result.runId() : runInfo.id();
            throw new AssertionError("A " + (result != null ? "RunResult" : "RunInfo") + " carries no " + what
                    + ": assert on the Run (client.run(\"" + id + "\")) instead");
        }
        return run.logs().read();
    }

    /** How the run ended, waiting for it on a live handle. */
    private Ending ended() {
        if (run != null) {
            Optional<RunResult> end = run.await(timeout);
            if (end.isEmpty()) {
                Ending now = snapshot();
                throw failure("to end within " + timeout + ", but it is still " + now.status, now);
            }
            return Ending.of(end.get(), run.job().name());
        }
        return snapshot();
    }

    private Ending snapshot() {
        if (run != null) {
            return Ending.of(run.info());
        }
        if (result != null) {
            return Ending.of(result, null);
        }
        return Ending.of(runInfo);
    }

    private void fail(String expectation, Ending ending) {
        throw failure(expectation, ending);
    }

    private AssertionError failure(String expectation, Ending ending) {
        StringBuilder message = new StringBuilder("Expected run ").append(ending.runId);
        if (ending.jobName != null) {
            message.append(" (job '").append(ending.jobName).append("')");
        }
        message.append(' ').append(expectation).append(",\nbut it is ").append(ending.status);
        ending.exitCode.ifPresent(code -> message.append(", exit code ").append(code));
        ending.reason.ifPresent(reason -> message.append(", reason ").append(reason.wireName()));
        if (!ending.message.isEmpty()) {
            message.append(" (").append(ending.message).append(')');
        }
        message.append(", after ").append(ending.attempts).append(" attempt(s).");
        if (run != null) {
            List<LogLine> tail = run.logs().tail(TAIL_LINES);
            message.append("\nLast ").append(tail.size()).append(" log line(s):");
            message.append(tail.isEmpty() ? "\n  (none)" : tail.stream()
                    .map(l -> "  " + l.stream().name().toLowerCase(java.util.Locale.ROOT) + " | " + l.text())
                    .collect(Collectors.joining("\n", "\n", "")));
        }
        String description = info.descriptionText();
        return new AssertionError((description.isEmpty() ? "" : "[" + description + "] ") + message);
    }

    /** The facts every input type can give. */
    private record Ending(String runId, String jobName, RunStatus status, OptionalInt exitCode,
                          Optional<FailureReason> reason, String message, int attempts) {
        static Ending of(RunResult result, String jobName) {
            return new Ending(result.runId(), jobName, result.status(), result.exitCode(), result.reason(), result.message(),
                    result.attempts().size());
        }

        static Ending of(RunInfo info) {
            return new Ending(info.id(), info.name(), info.status(), info.exitCode(), info.reason(), info.message(),
                    info.attempts());
        }
    }
}
