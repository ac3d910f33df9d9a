package dev.runpilot.sdk;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * A handle on one submitted run. Cheap to hold; each method reads the control plane afresh, so a
 * handle never goes stale. Thread-safe.
 *
 * <pre>{@code
 * Run run = client.submit(job);
 * run.logs().follow(line -> System.out.println(line.text()));
 * RunResult result = run.await();
 * }</pre>
 */
public interface Run {
    /**
     * Returns the run's id.
     *
     * @return the id, unique within its control plane
     */
    String id();

    /**
     * Returns the job as submitted; secret values read back as {@code ***}.
     *
     * @return the job
     */
    Job job();

    /**
     * Returns a fresh snapshot of the run.
     *
     * @return the snapshot
     */
    RunInfo info();

    /**
     * Returns the run's current status.
     *
     * @return the status
     */
    default RunStatus status() {
        return info().status();
    }

    /**
     * Returns the run's attempts so far.
     *
     * @return the attempts, oldest first
     */
    List<Attempt> attempts();

    /**
     * Returns the data recorded on one attempt by the compute provider and the agent, such as the
     * instance it ran on ({@code ec2.instance-id}, {@code ec2.instance-type},
     * {@code ec2.availability-zone}, {@code ec2.lifecycle}).
     *
     * @param attempt the attempt number, starting at 1
     * @return the data sorted by key; empty if none was recorded (the default)
     * @since 0.2.0
     */
    default java.util.Map<String, String> attemptData(int attempt) {
        return java.util.Map.of();
    }

    /**
     * Waits until the run reaches a terminal status.
     *
     * @return how it ended; use {@link RunResult#requireSuccess()} to turn failure into an exception
     * @throws RunPilotException if the waiting thread is interrupted (its interrupt flag is set again)
     */
    RunResult await();

    /**
     * Waits at most {@code timeout} for the run to reach a terminal status.
     *
     * @param timeout the longest wait
     * @return how it ended, or empty if it had not ended in time
     * @throws RunPilotException if the waiting thread is interrupted (its interrupt flag is set again)
     */
    Optional<RunResult> await(Duration timeout);

    /**
     * Cancels the run at whatever stage it is. A pending or queued run never starts; a running one is
     * sent SIGTERM (its whole process tree), given its grace period, then killed; its log is still
     * saved. Cancelling a finished run changes nothing and says so.
     *
     * @return what the call did
     */
    CancelOutcome cancel();

    /**
     * Returns the run's log.
     *
     * @return the log
     */
    RunLogs logs();

    /**
     * Returns the run's metrics.
     *
     * @return the metrics
     */
    RunMetrics metrics();

    /**
     * Returns the run's audit log: every status change, oldest first.
     *
     * @return the events
     */
    List<RunEvent> events();
}
