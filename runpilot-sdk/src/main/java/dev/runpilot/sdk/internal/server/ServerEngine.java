package dev.runpilot.sdk.internal.server;

import dev.runpilot.sdk.internal.agent.StoreAgentPlane;
import dev.runpilot.sdk.internal.engine.ChangeSignal;
import dev.runpilot.sdk.internal.store.OutputStore;
import dev.runpilot.sdk.internal.store.RunStore;
import dev.runpilot.sdk.spi.ComputeProvider;
import dev.runpilot.sdk.spi.StorageBackend;
import java.time.Duration;
import java.util.concurrent.ExecutorService;

/**
 * What the API handlers work on: the engine's stores, the server's own tables, storage and compute.
 *
 * @param plane the agent calls made on behalf of remote agents
 * @param lease how long a claim made over HTTP lasts without a heartbeat
 * @param background runs work off the request threads (log archives)
 * @param sources takes in source bundles uploaded with submissions
 */
public record ServerEngine(RunStore runs, OutputStore outputs, ServerRuns serverRuns, TokenStore tokens, AgentRegistry agents,
                           StoreAgentPlane plane, StorageBackend storage, ComputeProvider compute, ChangeSignal signal,
                           Duration lease, ExecutorService background, String location,
                           SourceIntake sources) {
}
