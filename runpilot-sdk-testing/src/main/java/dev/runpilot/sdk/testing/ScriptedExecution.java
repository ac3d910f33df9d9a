package dev.runpilot.sdk.testing;

import dev.runpilot.sdk.FailureReason;
import dev.runpilot.sdk.LogStream;
import dev.runpilot.sdk.spi.Execution;
import dev.runpilot.sdk.spi.ExecutionRequest;
import dev.runpilot.sdk.spi.ExitStatus;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * One execution of a {@link ScriptedRuntime} script, played on its own daemon thread. A polite stop
 * (the "SIGTERM") cuts pauses and hangs short; a script that ignores it is "killed" when the grace
 * period ends. Every line has been delivered before {@link #waitFor} reports the end.
 */
final class ScriptedExecution implements Execution, ScriptedRuntime.Playback {
    private static final int EXIT_ON_TERM = 143;
    private static final int EXIT_ON_KILL = 137;

    private final ExecutionRequest request;
    private final ScriptedRuntime.Outcome outcome;
    private final Runnable onStopped;
    private final CountDownLatch term = new CountDownLatch(1);
    private final CountDownLatch kill = new CountDownLatch(1);
    private final CountDownLatch finished = new CountDownLatch(1);
    private final Thread player;
    private volatile ExitStatus status;

    ScriptedExecution(ExecutionRequest request, ScriptedRuntime.Outcome outcome, Runnable onStopped) {
        this.request = request;
        this.outcome = outcome;
        this.onStopped = onStopped;
        this.player = new Thread(this::play, "runpilot-scripted-" + request.runId() + "-" + request.attempt());
        player.setDaemon(true);
    }

    void start() {
        player.start();
    }

    boolean isFinished() {
        return finished.getCount() == 0;
    }

    private void play() {
        ExitStatus end;
        try {
            for (ScriptedRuntime.Step step : outcome.steps) {
                if (isEnded()) {
                    break;
                }
                step.play(this);
            }
            if (outcome.hangs && !isEnded()) {
                stopSignal().await();
            }
            end = stoppedEnd().orElseGet(() -> new ExitStatus(outcome.exitCode, outcome.reason, outcome.message));
        } catch (InterruptedException e) {
            end = stoppedEnd().orElseGet(() -> new ExitStatus(EXIT_ON_KILL, Optional.empty(), "interrupted"));
        } catch (Exception e) {
            stderr("scripted action failed: " + e);
            end = new ExitStatus(1, Optional.of(FailureReason.RUNTIME_ERROR), "scripted action failed: " + e.getMessage());
        }
        status = end;
        finished.countDown();
    }

    /** The end of an execution cut short by a stop, if it was. */
    private Optional<ExitStatus> stoppedEnd() {
        if (kill.getCount() == 0) {
            return Optional.of(new ExitStatus(EXIT_ON_KILL, Optional.empty(), "killed after its grace period"));
        }
        if (term.getCount() == 0 && !outcome.ignoresStop) {
            return Optional.of(new ExitStatus(EXIT_ON_TERM, Optional.empty(), "stopped"));
        }
        return Optional.empty();
    }

    private boolean isEnded() {
        return stopSignal().getCount() == 0;
    }

    /** The signal this execution obeys: the polite stop, or only the kill when it ignores stops. */
    private CountDownLatch stopSignal() {
        return outcome.ignoresStop ? kill : term;
    }

    @Override
    public Optional<ExitStatus> waitFor(Duration timeout) throws InterruptedException {
        if (finished.await(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
            return Optional.of(status);
        }
        return Optional.empty();
    }

    @Override
    public void stop(Duration grace) throws InterruptedException {
        if (isFinished()) {
            return;
        }
        onStopped.run();
        term.countDown();
        if (!finished.await(grace.toNanos(), TimeUnit.NANOSECONDS)) {
            kill.countDown();
            finished.await();
        }
    }

    @Override
    public String describe() {
        return "scripted execution of run " + request.runId() + " attempt " + request.attempt();
    }

    @Override
    public ExecutionRequest request() {
        return request;
    }

    @Override
    public void stdout(String line) {
        request.output().onLine(LogStream.STDOUT, line);
    }

    @Override
    public void stderr(String line) {
        request.output().onLine(LogStream.STDERR, line);
    }

    @Override
    public void runtimeMetric(String name, double value) {
        request.output().onMetric(name, value);
    }

    @Override
    public void pause(Duration duration) throws InterruptedException {
        stopSignal().await(duration.toNanos(), TimeUnit.NANOSECONDS);
    }
}
