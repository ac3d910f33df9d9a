package dev.runpilot.sdk.internal.agent;

import dev.runpilot.sdk.FailureReason;
import dev.runpilot.sdk.Job;
import dev.runpilot.sdk.RunStatus;
import dev.runpilot.sdk.internal.store.AttemptEnd;
import dev.runpilot.sdk.internal.store.Claim;
import dev.runpilot.sdk.spi.ContainerRuntime;
import dev.runpilot.sdk.spi.Execution;
import dev.runpilot.sdk.spi.ExecutionRequest;
import dev.runpilot.sdk.spi.ExitStatus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one claimed attempt from start to report: work directory, process, output, timeout,
 * cancellation, the saved log, and the final status.
 */
final class AttemptRunner {
    private static final Logger log = LoggerFactory.getLogger(AttemptRunner.class);
    private static final Duration SLICE = Duration.ofMillis(100);

    private final AgentSettings settings;
    private final ContainerRuntime runtime;
    private final AgentPlane plane;
    private final SourceFetcher sources;
    private final Clock clock;
    private final Runnable reported;

    AttemptRunner(AgentSettings settings, ContainerRuntime runtime, AgentPlane plane, SourceFetcher sources, Clock clock,
                  Runnable reported) {
        this.settings = settings;
        this.runtime = runtime;
        this.plane = plane;
        this.sources = sources;
        this.clock = clock;
        this.reported = reported;
    }

    void run(Claim claim, ActiveAttempt active) throws InterruptedException {
        Job job = claim.job();
        AttemptOutput output = new AttemptOutput(claim.runId(), claim.attempt(), plane,
                new SecretMasker(job.secrets().values()), clock);
        output.system("attempt " + claim.attempt() + " claimed by agent " + settings.agentId());
        AttemptEnd end;
        try {
            end = execute(claim, active, output);
        } catch (RuntimeException e) {
            log.warn("Run {} attempt {} failed in the runtime: {}", claim.runId(), claim.attempt(), e.getMessage());
            end = AttemptEnd.failed(FailureReason.RUNTIME_ERROR, OptionalInt.empty(), e.getMessage());
        }
        if (end == null) {
            output.system("the lease on this run was lost; another agent may run it");
            output.flush();
            reported.run();
            return;
        }
        // Artifacts are stored before the status is reported, so whoever sees the run end sees them.
        plane.storeArtifacts(claim.runId(), claim.attempt(), workDir(claim), job.artifacts(), output::system);
        output.system("attempt " + claim.attempt() + " ended: " + end.message());
        // The lines are in the control plane before the status: readers who see the end see the whole log.
        output.flush();
        removeIfEmpty(workDir(claim));
        Optional<RunStatus> status = plane.finish(claim.runId(), claim.attempt(), settings.agentId(), end);
        reported.run();
        log.debug("Run {} attempt {} reported: {}", claim.runId(), claim.attempt(), status.map(Enum::name).orElse("lease lost"));
        // The storage copy is an archive of what the control plane already holds, so it comes off the critical path.
        plane.archiveLog(claim.runId(), claim.attempt());
    }

    private Path workDir(Claim claim) {
        return settings.workRoot().resolve(claim.runId()).resolve(Integer.toString(claim.attempt()));
    }

    /**
     * Removes an attempt's work directory, and its run's, when the job left nothing in them. A
     * directory holding outputs stays. Called while the lease is held, so no later attempt of the
     * run is creating its own directory meanwhile.
     */
    private static void removeIfEmpty(Path workDir) {
        try {
            Files.deleteIfExists(workDir);
            Files.deleteIfExists(workDir.getParent());
        } catch (IOException notEmpty) {
            log.trace("Keeping {}: {}", workDir, notEmpty.toString());
        }
    }

    /** Returns how the attempt ended, or null if the lease was lost and nothing may be reported. */
    private AttemptEnd execute(Claim claim, ActiveAttempt active, AttemptOutput output) throws InterruptedException {
        Job job = claim.job();
        List<String> unsupported = runtime.unsupported(job);
        if (!unsupported.isEmpty()) {
            return AttemptEnd.failed(FailureReason.RUNTIME_ERROR, OptionalInt.empty(),
                    "runtime '" + runtime.name() + "' cannot run this job: " + String.join("; ", unsupported));
        }
        Path workDir = workDir(claim);
        try {
            Files.createDirectories(workDir);
        } catch (IOException e) {
            return AttemptEnd.failed(FailureReason.RUNTIME_ERROR, OptionalInt.empty(),
                    "cannot create work directory " + workDir + ": " + e.getMessage());
        }
        if (claim.source().isPresent()) {
            Optional<AttemptEnd> refused = sources.fetch(claim.runId(), claim.source().get(), workDir, output);
            if (refused.isPresent()) {
                return refused.get();
            }
        }
        Map<String, String> environment = new HashMap<>(job.env());
        environment.putAll(job.secrets());
        List<String> command = job.entrypoint().map(line -> List.of("sh", "-c", line)).orElse(job.command());
        output.system("starting in " + workDir + (job.timeout().map(t -> " with a timeout of " + t).orElse("")));
        Execution execution = runtime.start(new ExecutionRequest(claim.runId(), claim.attempt(), settings.agentId(), job, command,
                environment, workDir, output));
        Optional<ProcessHandle> process = execution.process();
        boolean running = plane.markRunning(claim.runId(), claim.attempt(), settings.agentId(), execution.describe(),
                process.map(p -> OptionalLong.of(p.pid())).orElse(OptionalLong.empty()),
                process.flatMap(p -> p.info().startInstant()).map(i -> OptionalLong.of(i.toEpochMilli())).orElse(OptionalLong.empty()));
        if (!running) {
            execution.stop(Duration.ZERO);
            return plane.isCancelRequested(claim.runId())
                    ? AttemptEnd.failed(FailureReason.CANCELLED, OptionalInt.empty(), "cancelled before it started")
                    : null;
        }
        Instant deadline = job.timeout().map(clock.instant()::plus).orElse(Instant.MAX);
        while (true) {
            Optional<ExitStatus> exit = execution.waitFor(SLICE);
            output.flush();
            if (exit.isPresent()) {
                return toEnd(exit.get());
            }
            ActiveAttempt.StopReason stop = active.stopRequested();
            if (stop != null) {
                return stop(execution, output, stop);
            }
            if (!clock.instant().isBefore(deadline)) {
                output.system("timed out after " + job.timeout().orElseThrow() + "; sending SIGTERM, SIGKILL after "
                        + settings.grace());
                output.flush();
                execution.stop(settings.grace());
                OptionalInt code = execution.waitFor(Duration.ZERO).map(s -> OptionalInt.of(s.exitCode())).orElse(OptionalInt.empty());
                return AttemptEnd.failed(FailureReason.TIMEOUT, code, "timed out after " + job.timeout().orElseThrow());
            }
        }
    }

    private AttemptEnd stop(Execution execution, AttemptOutput output, ActiveAttempt.StopReason stop) throws InterruptedException {
        String why = switch (stop) {
            case CANCEL -> "cancel requested";
            case LEASE_LOST -> "lease lost";
            case AGENT_STOPPING -> "agent " + settings.agentId() + " is stopping";
            case INSTANCE_INTERRUPTED -> "this instance is about to be interrupted (spot interruption notice)";
        };
        output.system(why + "; sending SIGTERM, SIGKILL after " + settings.grace());
        output.flush();
        execution.stop(settings.grace());
        OptionalInt code = execution.waitFor(Duration.ZERO).map(s -> OptionalInt.of(s.exitCode())).orElse(OptionalInt.empty());
        return switch (stop) {
            case CANCEL -> AttemptEnd.failed(FailureReason.CANCELLED, code, "stopped on cancel");
            case LEASE_LOST -> null;
            case AGENT_STOPPING -> AttemptEnd.failed(FailureReason.LEASE_LOST, code,
                    "stopped because agent " + settings.agentId() + " shut down (client closed)");
            // lease_lost, as if the instance had vanished: the default retry policy queues the run again.
            case INSTANCE_INTERRUPTED -> AttemptEnd.failed(FailureReason.LEASE_LOST, code,
                    "stopped because the instance of agent " + settings.agentId() + " received a spot interruption notice");
        };
    }

    private static AttemptEnd toEnd(ExitStatus exit) {
        if (exit.reason().isPresent()) {
            return AttemptEnd.failed(exit.reason().get(), OptionalInt.of(exit.exitCode()),
                    exit.message().isEmpty() ? exit.reason().get().wireName() : exit.message());
        }
        return AttemptEnd.exited(exit.exitCode());
    }
}
