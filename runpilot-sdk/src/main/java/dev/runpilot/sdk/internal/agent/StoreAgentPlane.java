package dev.runpilot.sdk.internal.agent;

import dev.runpilot.sdk.LogLine;
import dev.runpilot.sdk.MetricPoint;
import dev.runpilot.sdk.RunStatus;
import dev.runpilot.sdk.internal.store.AttemptEnd;
import dev.runpilot.sdk.internal.store.AttemptStore;
import dev.runpilot.sdk.internal.store.Claim;
import dev.runpilot.sdk.internal.store.ClaimFilter;
import dev.runpilot.sdk.internal.store.LeaseState;
import dev.runpilot.sdk.internal.store.OutputStore;
import dev.runpilot.sdk.internal.store.SourceRef;
import dev.runpilot.sdk.spi.StorageBackend;
import java.io.IOException;
import java.io.InputStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent calls made straight on the store and storage: what agents inside the engine's JVM use,
 * and what the HTTP server runs on behalf of remote agents.
 */
public final class StoreAgentPlane implements AgentPlane {
    private static final Logger log = LoggerFactory.getLogger(StoreAgentPlane.class);

    private final AttemptStore attempts;
    private final OutputStore outputs;
    private final StorageBackend storage;
    private final Path tempDir;
    private final ClaimFilter filter;

    /**
     * @param tempDir where log archives are staged before they go to storage
     * @param filter which runs this plane's claims may take
     */
    public StoreAgentPlane(AttemptStore attempts, OutputStore outputs, StorageBackend storage, Path tempDir, ClaimFilter filter) {
        this.attempts = attempts;
        this.outputs = outputs;
        this.storage = storage;
        this.tempDir = tempDir;
        this.filter = filter;
    }

    /** Returns a plane that claims only runs the filter admits; the rest is shared. */
    public StoreAgentPlane withFilter(ClaimFilter claimFilter) {
        return new StoreAgentPlane(attempts, outputs, storage, tempDir, claimFilter);
    }

    @Override
    public Optional<Claim> claim(String agentId, String host, Duration lease) {
        return attempts.claim(agentId, host, lease, filter);
    }

    @Override
    public List<Claim> claimUpTo(String agentId, String host, Duration lease, int max) {
        return attempts.claimUpTo(agentId, host, lease, filter, max);
    }

    @Override
    public boolean markRunning(String runId, int attempt, String agentId, String description, OptionalLong pid,
                               OptionalLong pidStartedAt) {
        return attempts.markRunning(runId, attempt, agentId, description, pid, pidStartedAt);
    }

    @Override
    public boolean isCancelRequested(String runId) {
        return attempts.isCancelRequested(runId);
    }

    @Override
    public Map<String, LeaseState> heartbeat(String agentId, Map<String, Integer> held, Duration lease) {
        return attempts.heartbeat(agentId, held, lease);
    }

    @Override
    public Set<String> cancelRequested(Collection<String> runIds) {
        return attempts.cancelRequested(runIds);
    }

    @Override
    public Optional<RunStatus> finish(String runId, int attempt, String agentId, AttemptEnd end) {
        return attempts.finish(runId, attempt, agentId, end);
    }

    @Override
    public long lastLogSequence(String runId) {
        return outputs.lastLogSequence(runId);
    }

    @Override
    public void append(String runId, List<LogLine> lines, List<MetricPoint> points) {
        outputs.append(runId, lines, points);
    }

    @Override
    public Optional<InputStream> openSource(String runId, SourceRef source) {
        return storage.get(source.key());
    }

    @Override
    public String sourceLocation() {
        return storage.uri().toString();
    }

    /**
     * Saves the attempt's log to storage, streamed through a temporary file so that a long log is
     * never held in memory. A failure here is logged and does not change the run's outcome.
     */
    @Override
    public int storeArtifacts(String runId, int attempt, Path workDir, List<String> globs,
                              java.util.function.Consumer<String> notes) {
        return new dev.runpilot.sdk.internal.artifact.ArtifactCollector(storage).collect(runId, attempt, workDir, globs, notes);
    }

    @Override
    public void archiveLog(String runId, int attempt) {
        String key = "runs/" + runId + "/logs/attempt-" + attempt + ".log";
        Path temp = null;
        try {
            Files.createDirectories(tempDir);
            temp = Files.createTempFile(tempDir, "log-", ".tmp");
            try (Writer out = Files.newBufferedWriter(temp, StandardCharsets.UTF_8)) {
                long after = 0;
                List<LogLine> page;
                while (!(page = outputs.attemptLogs(runId, attempt, after, 5000)).isEmpty()) {
                    for (LogLine line : page) {
                        out.write(line.time() + " " + line.stream() + " " + line.text() + "\n");
                        after = line.sequence();
                    }
                }
            }
            try (InputStream in = Files.newInputStream(temp)) {
                storage.put(key, in);
            }
        } catch (IOException | RuntimeException e) {
            log.warn("Could not save the log of run {} attempt {} to {}: {}", runId, attempt, storage.uri(), e.getMessage());
        } finally {
            if (temp != null) {
                try {
                    Files.deleteIfExists(temp);
                } catch (IOException e) {
                    log.debug("Could not delete {}: {}", temp, e.toString());
                }
            }
        }
    }

    /** Records key/value data on an attempt, such as the instance an agent runs on; later values for a key win. */
    public void recordData(String runId, int attempt, Map<String, String> data) {
        attempts.recordData(runId, attempt, data);
    }

    /** Returns the data recorded on an attempt, sorted by key; empty if none. */
    public Map<String, String> attemptData(String runId, int attempt) {
        return attempts.data(runId, attempt);
    }
}
