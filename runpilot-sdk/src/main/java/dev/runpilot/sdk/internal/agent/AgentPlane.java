package dev.runpilot.sdk.internal.agent;

import dev.runpilot.sdk.LogLine;
import dev.runpilot.sdk.MetricPoint;
import dev.runpilot.sdk.RunStatus;
import dev.runpilot.sdk.internal.store.AttemptEnd;
import dev.runpilot.sdk.internal.store.Claim;
import dev.runpilot.sdk.internal.store.LeaseState;
import dev.runpilot.sdk.internal.store.SourceRef;
import java.io.InputStream;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * The control-plane calls an agent makes, whatever the transport: over the store directly (an
 * agent inside the client's JVM) or over the v1 HTTP API (an agent on another host). One agent
 * loop ({@link LocalAgent}, {@link AttemptRunner}) runs on either.
 */
public interface AgentPlane {
    /** Claims the next run this agent may take, under a lease, or returns empty if none is ready. */
    Optional<Claim> claim(String agentId, String host, Duration lease);

    /**
     * Claims up to {@code max} runs this agent may take in one call (an agent with {@code max} idle
     * workers), each under its own lease; returns none if none is ready. By default one
     * {@link #claim}: a plane that can do better overrides it.
     */
    default List<Claim> claimUpTo(String agentId, String host, Duration lease, int max) {
        return claim(agentId, host, lease).map(List::of).orElse(List.of());
    }

    /** Records that the attempt's process started; false (nothing changed) if the run was cancelled or taken back. */
    boolean markRunning(String runId, int attempt, String agentId, String description, OptionalLong pid, OptionalLong pidStartedAt);

    /** Returns whether cancel was requested for a run. */
    boolean isCancelRequested(String runId);

    /**
     * Renews the leases of the attempts an agent holds and says, for each, whether to go on. Called
     * with no attempts too, so that a remote control plane sees an idle agent alive.
     */
    Map<String, LeaseState> heartbeat(String agentId, Map<String, Integer> attempts, Duration lease);

    /** Returns which of these runs have had cancel requested. */
    Set<String> cancelRequested(Collection<String> runIds);

    /** Reports how an attempt ended; empty if the agent no longer held the run. */
    Optional<RunStatus> finish(String runId, int attempt, String agentId, AttemptEnd end);

    /** Returns the sequence number of a run's last stored log line, 0 if it has none. */
    long lastLogSequence(String runId);

    /** Stores log lines and metric points of a run, lines in order. */
    void append(String runId, List<LogLine> lines, List<MetricPoint> points);

    /** Opens a run's source bundle, or returns empty if it is missing; {@code where} names it for messages. */
    Optional<InputStream> openSource(String runId, SourceRef source);

    /** Describes where source bundles come from, for messages. */
    String sourceLocation();

    /**
     * Archives an attempt's log to storage after its status was reported. A failure is logged, never
     * thrown: the control plane already holds the lines.
     */
    void archiveLog(String runId, int attempt);

    /**
     * Stores the files of an attempt's work directory that match the job's artifact globs, before the
     * attempt's status is reported. Problems are written through {@code notes}, never thrown.
     *
     * @return how many files were stored
     */
    int storeArtifacts(String runId, int attempt, java.nio.file.Path workDir, List<String> globs,
                       java.util.function.Consumer<String> notes);
}
