package dev.runpilot.sdk.testing;

import dev.runpilot.sdk.Job;
import java.time.Duration;
import java.util.Objects;
import java.util.StringJoiner;

/**
 * Small jobs for tests, as builders to adjust before {@code build()}. Each runs a POSIX shell
 * command on the {@code process} runtime and has a fixed name ({@code noop}, {@code echo},
 * {@code failing}, {@code sleeping}, {@code metrics}) that a {@link ScriptedRuntime} script can
 * match with {@link ScriptedRuntime#whenJobNamed(String)}.
 *
 * <pre>{@code
 * Run run = client.submit(TestJobs.echo("hello").label("suite", "smoke").build());
 * assertThat(run).succeeded().hasLogLine("hello");
 * }</pre>
 *
 * @since 0.1.0
 */
public final class TestJobs {
    private TestJobs() {
    }

    /**
     * Returns a job that does nothing and exits with code 0 (the command {@code true}).
     *
     * @return a builder named {@code noop}
     */
    public static Job.Builder noop() {
        return Job.builder().name("noop").command("true");
    }

    /**
     * Returns a job that prints each given line on standard output and exits with code 0.
     *
     * @param lines the lines to print, printed as given (no shell expansion)
     * @return a builder named {@code echo}
     */
    public static Job.Builder echo(String... lines) {
        StringJoiner script = new StringJoiner(" ", "printf '%s\\n' ", "");
        for (String line : lines) {
            script.add(quote(Objects.requireNonNull(line, "line")));
        }
        return Job.builder().name("echo").entrypoint(lines.length == 0 ? "true" : script.toString());
    }

    /**
     * Returns a job that prints {@code failing with N} on standard error and exits with this code.
     *
     * @param exitCode the exit code, 1 to 255
     * @return a builder named {@code failing}
     * @throws IllegalArgumentException if the code is outside 1..255
     */
    public static Job.Builder failing(int exitCode) {
        if (exitCode < 1 || exitCode > 255) {
            throw new IllegalArgumentException("exitCode must be 1..255 for a failing job, was " + exitCode);
        }
        return Job.builder().name("failing").entrypoint("echo 'failing with " + exitCode + "' >&2; exit " + exitCode);
    }

    /**
     * Returns a job that sleeps this long, then exits with code 0. Useful to test cancellation and
     * timeouts: {@code TestJobs.sleeping(Duration.ofMinutes(5)).timeout(Duration.ofMillis(200))}.
     *
     * @param duration how long it sleeps, millisecond precision
     * @return a builder named {@code sleeping}
     */
    public static Job.Builder sleeping(Duration duration) {
        Objects.requireNonNull(duration, "duration");
        if (duration.isNegative()) {
            throw new IllegalArgumentException("duration must not be negative, was " + duration);
        }
        long millis = duration.toMillis();
        String seconds = millis / 1000 + "." + String.format("%03d", millis % 1000);
        return Job.builder().name("sleeping").command("sleep", seconds);
    }

    /**
     * Returns a job that prints one {@code METRIC name=value} line per value, so the run records the
     * series in order, then exits with code 0.
     *
     * @param name the metric name
     * @param values the values, in step order
     * @return a builder named {@code metrics}
     */
    public static Job.Builder metrics(String name, double... values) {
        Objects.requireNonNull(name, "name");
        String[] lines = new String[values.length];
        for (int i = 0; i < values.length; i++) {
            lines[i] = "METRIC " + name + "=" + values[i];
        }
        return echo(lines).name("metrics");
    }

    private static String quote(String text) {
        return "'" + text.replace("'", "'\\''") + "'";
    }
}
