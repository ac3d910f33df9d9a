package dev.runpilot.sdk.testing;

import dev.runpilot.sdk.Job;
import dev.runpilot.sdk.RunPilotException;
import dev.runpilot.sdk.spi.ContainerRuntime;
import dev.runpilot.sdk.spi.Execution;
import dev.runpilot.sdk.spi.ExecutionRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/**
 * A {@link ContainerRuntime} that plays scripted outcomes instead of running anything, so that code
 * which submits jobs, waits for them and acts on their results can be tested in milliseconds.
 *
 * <p>Each script matches jobs (by name, label, command or any predicate) and says what an execution
 * of a matching job does: the lines it prints on standard output and standard error, the
 * {@code METRIC} lines and runtime metrics it reports, how long it takes, and how it ends (an exit
 * code, a failure reason, hanging until it is stopped, or failing to start). Successive outcomes,
 * separated by {@link Script#then()}, are played by successive executions, so retries can be scripted;
 * the last outcome repeats.
 *
 * <pre>{@code
 * ScriptedRuntime runtime = ScriptedRuntime.create();
 * runtime.whenJobNamed("train")
 *         .stdout("epoch 1").metric("loss", 0.4).takes(Duration.ofMillis(20))
 *         .exitsWith(75)                              // first attempt
 *         .then()
 *         .stdout("epoch 1").metric("loss", 0.05);     // second attempt and later: exit code 0
 * try (RunPilotClient client = RunPilot.client().inMemory().runtime(runtime).build()) {
 *     Run run = client.submit(Job.builder().name("train").command("python", "train.py")
 *             .retry(RetryPolicy.maxAttempts(2)).build());
 *     assertThat(run).succeeded().hasAttempts(2).hasMetric("loss", loss -> loss < 0.1);
 * }
 * }</pre>
 *
 * <p>When several scripts match a job, the one added last wins. A job that no script matches runs in
 * the fallback runtime given to {@link #withFallback(ContainerRuntime)}; without one it is refused at
 * submit with an {@link dev.runpilot.sdk.InvalidJobException} that names the job and the scripts.
 *
 * <p>An execution that is stopped (cancel, timeout, client closed) ends at once with exit code 143,
 * as a process ending on SIGTERM does; one scripted with {@link Script#ignoresStop()} plays on until
 * the grace period has passed and then ends with exit code 137, as a killed process does.
 *
 * <p>Thread-safe: scripts may be added while executions play. The runtime records every request it
 * played ({@link #requests()}) and every execution that was stopped ({@link #stopped()}).
 *
 * @since 0.1.0
 */
public final class ScriptedRuntime implements ContainerRuntime {
    /** The name this runtime reports: {@value}. */
    public static final String NAME = "scripted";

    private final ContainerRuntime fallback;
    private final List<Script> scripts = new CopyOnWriteArrayList<>();
    private final List<ExecutionRequest> requests = new CopyOnWriteArrayList<>();
    private final List<ExecutionRequest> stopped = new CopyOnWriteArrayList<>();
    private final List<ScriptedExecution> executions = new CopyOnWriteArrayList<>();

    private ScriptedRuntime(ContainerRuntime fallback) {
        this.fallback = fallback;
    }

    /**
     * Returns a runtime without scripts or fallback: every job must be matched by a script.
     *
     * @return the runtime
     */
    public static ScriptedRuntime create() {
        return new ScriptedRuntime(null);
    }

    /**
     * Returns a runtime whose unscripted jobs run in another runtime, such as the process runtime.
     * The scripted runtime does not close the fallback.
     *
     * @param fallback the runtime that runs jobs no script matches
     * @return the runtime
     */
    public static ScriptedRuntime withFallback(ContainerRuntime fallback) {
        return new ScriptedRuntime(Objects.requireNonNull(fallback, "fallback"));
    }

    /**
     * Scripts the jobs with this name.
     *
     * @param name the job's name, as given to {@link Job.Builder#name(String)}
     * @return the script, which succeeds with no output until told otherwise
     */
    public Script whenJobNamed(String name) {
        Objects.requireNonNull(name, "name");
        return add(job -> job.name().equals(name), "job named '" + name + "'");
    }

    /**
     * Scripts the jobs that carry this label.
     *
     * @param key the label key
     * @param value the label value
     * @return the script, which succeeds with no output until told otherwise
     */
    public Script whenLabel(String key, String value) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
        return add(job -> value.equals(job.labels().get(key)), "label " + key + "=" + value);
    }

    /**
     * Scripts the jobs whose command line contains this text. The command line is the job's
     * arguments joined by spaces, or {@code sh -c} followed by its entrypoint.
     *
     * @param text the text to find
     * @return the script, which succeeds with no output until told otherwise
     */
    public Script whenCommandContains(String text) {
        Objects.requireNonNull(text, "text");
        return add(job -> String.join(" ", commandOf(job)).contains(text), "command containing '" + text + "'");
    }

    /**
     * Scripts the jobs that a predicate accepts.
     *
     * @param matcher decides whether a job is scripted here
     * @param description how the script is named in error messages, such as {@code "GPU jobs"}
     * @return the script, which succeeds with no output until told otherwise
     */
    public Script when(Predicate<Job> matcher, String description) {
        return add(Objects.requireNonNull(matcher, "matcher"), Objects.requireNonNull(description, "description"));
    }

    /**
     * Scripts every job (scripts added later still win for the jobs they match).
     *
     * @return the script, which succeeds with no output until told otherwise
     */
    public Script always() {
        return add(job -> true, "any job");
    }

    private Script add(Predicate<Job> matcher, String description) {
        Script script = new Script(matcher, description);
        scripts.add(script);
        return script;
    }

    /**
     * Returns every request this runtime played or passed to its fallback, in the order they started.
     *
     * @return the requests
     */
    public List<ExecutionRequest> requests() {
        return List.copyOf(requests);
    }

    /**
     * Returns the requests of the scripted executions that were stopped (cancelled, timed out, or ended
     * by a closing client) before their script ended.
     *
     * @return the requests, in the order they were stopped
     */
    public List<ExecutionRequest> stopped() {
        return List.copyOf(stopped);
    }

    /**
     * Removes every script and every record of past requests. Executions that are playing go on.
     */
    public void reset() {
        scripts.clear();
        requests.clear();
        stopped.clear();
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public List<String> unsupported(Job job) {
        if (scriptFor(job).isPresent()) {
            return List.of();
        }
        if (fallback != null) {
            return fallback.unsupported(job);
        }
        return List.of("no script of the scripted runtime matches job '" + job.name() + "' (command " + commandOf(job)
                + ", labels " + job.labels() + "); scripts: " + descriptions()
                + ". Add one with whenJobNamed(\"" + job.name() + "\"), or create the runtime withFallback(...)");
    }

    /**
     * Plays the script that matches the request's job, or passes the request to the fallback.
     *
     * @param request what to run
     * @return the playing execution
     * @throws RunPilotException if the script says the job fails to start, or no script matches and
     *     there is no fallback
     */
    @Override
    public Execution start(ExecutionRequest request) {
        Optional<Script> script = scriptFor(request.job());
        if (script.isEmpty()) {
            if (fallback == null) {
                throw new RunPilotException(String.join("; ", unsupported(request.job())) + " (run " + request.runId() + ")");
            }
            requests.add(request);
            return fallback.start(request);
        }
        Outcome outcome = script.get().next();
        requests.add(request);
        if (outcome.startFailure != null) {
            throw new RunPilotException("Cannot start run " + request.runId() + " attempt " + request.attempt()
                    + " (command " + request.command() + "): " + outcome.startFailure);
        }
        ScriptedExecution execution = new ScriptedExecution(request, outcome, () -> stopped.add(request));
        executions.add(execution);
        execution.start();
        executions.removeIf(ScriptedExecution::isFinished);
        return execution;
    }

    /** Ends the scripted executions that are still playing, as a stop with no grace would. Leaves the fallback open. */
    @Override
    public void close() {
        for (ScriptedExecution execution : executions) {
            try {
                execution.stop(java.time.Duration.ZERO);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        executions.clear();
    }

    private Optional<Script> scriptFor(Job job) {
        List<Script> current = new ArrayList<>(scripts);
        for (int i = current.size() - 1; i >= 0; i--) {
            if (current.get(i).matcher.test(job)) {
                return Optional.of(current.get(i));
            }
        }
        return Optional.empty();
    }

    private List<String> descriptions() {
        List<String> names = new ArrayList<>();
        scripts.forEach(s -> names.add(s.description));
        return names;
    }

    static List<String> commandOf(Job job) {
        return job.entrypoint().map(line -> List.of("sh", "-c", line)).orElse(job.command());
    }

    @Override
    public String toString() {
        return "ScriptedRuntime{scripts=" + descriptions() + (fallback == null ? "" : ", fallback=" + fallback.name()) + '}';
    }

    /**
     * What executions of the matching jobs do. Built fluently; each method adds to the current
     * outcome, and {@link #then()} starts the outcome the next execution plays. An outcome with no
     * ending set exits with code 0.
     *
     * <p>Steps (lines, metrics, pauses, actions) play in the order they were added.
     *
     * @since 0.1.0
     */
    public static final class Script {
        private final Predicate<Job> matcher;
        private final String description;
        private final List<Outcome> outcomes = new ArrayList<>();
        private int played;

        private Script(Predicate<Job> matcher, String description) {
            this.matcher = matcher;
            this.description = description;
            outcomes.add(new Outcome());
        }

        private synchronized Outcome current() {
            return outcomes.get(outcomes.size() - 1);
        }

        private synchronized Outcome next() {
            Outcome outcome = outcomes.get(Math.min(played, outcomes.size() - 1));
            played++;
            return outcome;
        }

        private Script step(Step step) {
            synchronized (this) {
                current().steps.add(step);
            }
            return this;
        }

        /**
         * Prints lines on standard output.
         *
         * @param lines the lines, without terminators
         * @return this script
         */
        public Script stdout(String... lines) {
            List<String> copy = List.of(lines);
            return step(playback -> copy.forEach(playback::stdout));
        }

        /**
         * Prints lines on standard error.
         *
         * @param lines the lines, without terminators
         * @return this script
         */
        public Script stderr(String... lines) {
            List<String> copy = List.of(lines);
            return step(playback -> copy.forEach(playback::stderr));
        }

        /**
         * Prints a {@code METRIC name=value} line on standard output, as a job reporting a metric does.
         *
         * @param name the metric name
         * @param value the value
         * @return this script
         */
        public Script metric(String name, double value) {
            Objects.requireNonNull(name, "name");
            return step(playback -> playback.stdout("METRIC " + name + "=" + value));
        }

        /**
         * Reports a measurement the way a runtime reports its own (CPU, memory), without a log line.
         *
         * @param name the metric name
         * @param value the value
         * @return this script
         */
        public Script runtimeMetric(String name, double value) {
            Objects.requireNonNull(name, "name");
            return step(playback -> playback.runtimeMetric(name, value));
        }

        /**
         * Waits this long at this point of the script. A stop cuts the wait short (unless the script
         * {@linkplain #ignoresStop() ignores stops}).
         *
         * @param duration how long
         * @return this script
         */
        public Script takes(java.time.Duration duration) {
            Objects.requireNonNull(duration, "duration");
            if (duration.isNegative()) {
                throw new IllegalArgumentException("duration must not be negative, was " + duration);
            }
            return step(playback -> playback.pause(duration));
        }

        /**
         * Runs code of the test's own at this point of the script, such as writing a file into the
         * work directory or printing a variable from the request's environment. An exception it
         * throws ends the execution with exit code 1 and the exception on standard error.
         *
         * @param action the code
         * @return this script
         */
        public Script perform(Action action) {
            Objects.requireNonNull(action, "action");
            return step(action::perform);
        }

        /**
         * Ends the execution with this exit code once its steps have played. Default 0.
         *
         * @param exitCode the exit code
         * @return this script
         */
        public synchronized Script exitsWith(int exitCode) {
            Outcome outcome = current();
            outcome.exitCode = exitCode;
            outcome.reason = Optional.empty();
            outcome.hangs = false;
            return this;
        }

        /**
         * Ends the execution with this status once its steps have played, such as
         * {@code new ExitStatus(137, Optional.of(FailureReason.OOM_KILLED), "out of memory")}.
         *
         * @param status the status
         * @return this script
         */
        public synchronized Script endsWith(dev.runpilot.sdk.spi.ExitStatus status) {
            Objects.requireNonNull(status, "status");
            Outcome outcome = current();
            outcome.exitCode = status.exitCode();
            outcome.reason = status.reason();
            outcome.message = status.message();
            outcome.hangs = false;
            return this;
        }

        /**
         * Keeps the execution running after its steps until it is stopped (cancel, timeout, or the
         * client closing).
         *
         * @return this script
         */
        public synchronized Script hangs() {
            current().hangs = true;
            return this;
        }

        /**
         * Makes the execution ignore the polite stop: it plays on through the grace period and is then
         * killed, ending with exit code 137.
         *
         * @return this script
         */
        public synchronized Script ignoresStop() {
            current().ignoresStop = true;
            return this;
        }

        /**
         * Makes the execution fail to start: {@link ContainerRuntime#start} throws a
         * {@link RunPilotException} with this message, and the attempt fails with reason
         * {@code runtime_error}.
         *
         * @param message why it cannot start, such as {@code "image not found"}
         * @return this script
         */
        public synchronized Script failsToStart(String message) {
            current().startFailure = Objects.requireNonNull(message, "message");
            return this;
        }

        /**
         * Starts the next outcome: the next execution of a matching job plays what follows. The last
         * outcome is played by every later execution.
         *
         * @return this script
         */
        public synchronized Script then() {
            outcomes.add(new Outcome());
            return this;
        }

        /**
         * Returns how many executions this script has played so far.
         *
         * @return the count
         */
        public synchronized int timesPlayed() {
            return played;
        }

        @Override
        public String toString() {
            return "Script{" + description + ", outcomes=" + outcomes.size() + ", played=" + timesPlayed() + '}';
        }
    }

    /**
     * Code a script runs at one point of an execution.
     *
     * @since 0.1.0
     */
    @FunctionalInterface
    public interface Action {
        /**
         * Runs at this point of the execution.
         *
         * @param playback the execution being played
         * @throws Exception to end the execution with exit code 1
         */
        void perform(Playback playback) throws Exception;
    }

    /**
     * An execution being played, as a script's {@link Action} sees it.
     *
     * @since 0.1.0
     */
    public interface Playback {
        /**
         * Returns the request being played: run id, attempt, job, environment, work directory.
         *
         * @return the request
         */
        ExecutionRequest request();

        /**
         * Prints a line on standard output.
         *
         * @param line the line
         */
        void stdout(String line);

        /**
         * Prints a line on standard error.
         *
         * @param line the line
         */
        void stderr(String line);

        /**
         * Reports a runtime metric.
         *
         * @param name the metric name
         * @param value the value
         */
        void runtimeMetric(String name, double value);

        /**
         * Waits, returning early if the execution is stopped.
         *
         * @param duration how long
         * @throws InterruptedException if the playing thread is interrupted
         */
        void pause(java.time.Duration duration) throws InterruptedException;
    }

    /** One step of an outcome. */
    @FunctionalInterface
    interface Step {
        void play(Playback playback) throws Exception;
    }

    /** What one execution does. Mutated only while the script is built. */
    static final class Outcome {
        final List<Step> steps = new CopyOnWriteArrayList<>();
        volatile int exitCode;
        volatile Optional<dev.runpilot.sdk.FailureReason> reason = Optional.empty();
        volatile String message = "";
        volatile boolean hangs;
        volatile boolean ignoresStop;
        volatile String startFailure;
    }
}
