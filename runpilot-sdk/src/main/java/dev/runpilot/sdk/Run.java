package dev.runpilot.sdk;

import java.nio.file.Path;
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

    /**
     * Delivers every event of the run's audit log from the start, then each new one as it happens,
     * and returns once the run has finished and its last event was delivered: the event-stream
     * counterpart of {@link RunLogs#follow(java.util.function.Consumer)}.
     *
     * <p>Blocks the calling thread. If the thread is interrupted, returns early with its interrupt
     * flag set. Events are delivered on the calling thread, in order, each exactly once. A client of a
     * RunPilot server reads the server's event stream and reconnects after the last event it
     * delivered when the connection drops.
     *
     * @param consumer receives each event
     * @throws RunNotFoundException if the run does not exist
     * @throws UnsupportedOperationException if this kind of client cannot follow events (the default)
     * @since 0.2.0
     */
    default void followEvents(java.util.function.Consumer<RunEvent> consumer) {
        throw new UnsupportedOperationException(getClass().getName() + " does not follow events");
    }

    /**
     * Lists the artifacts the run's attempts saved: the files matching {@link Job#artifacts()}, read
     * from the client's storage. Artifacts are uploaded before an attempt's status is reported, so
     * once {@link #await()} returns they are all listed.
     *
     * @return the artifacts, by attempt and then path; empty when the job declares none
     * @throws StorageException if the storage cannot be listed
     * @throws UnsupportedOperationException if this kind of client cannot reach the run's storage
     * @since 0.2.0
     */
    default List<Artifact> artifacts() {
        throw new UnsupportedOperationException(getClass().getName() + " does not list artifacts");
    }

    /**
     * Downloads one artifact to a file. The bytes go to a temporary file beside {@code target} and
     * replace {@code target} only once they have all arrived and their SHA-256 has verified, so a
     * damaged or interrupted download leaves {@code target} as it was.
     *
     * @param artifact an artifact of this run, from {@link #artifacts()}
     * @param target the file to write; its parent directory is created if missing
     * @return {@code target}
     * @throws StorageException if the artifact is missing, cannot be read, or fails its checksum
     * @throws UnsupportedOperationException if this kind of client cannot reach the run's storage
     * @since 0.2.0
     */
    default Path downloadArtifact(Artifact artifact, Path target) {
        throw new UnsupportedOperationException(getClass().getName() + " does not download artifacts");
    }
}
