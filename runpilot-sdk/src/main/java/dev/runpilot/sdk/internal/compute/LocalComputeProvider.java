package dev.runpilot.sdk.internal.compute;

import dev.runpilot.sdk.spi.AgentHandle;
import dev.runpilot.sdk.spi.ComputeContext;
import dev.runpilot.sdk.spi.ComputeProvider;

/** Runs jobs on this machine: one in-process agent with as many slots as the client has workers. */
public final class LocalComputeProvider implements ComputeProvider {
    public static final String NAME = "local";

    private AgentHandle agent;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public synchronized void start(ComputeContext context) {
        if (agent == null && context.workers() > 0) {
            agent = context.startLocalAgent(context.workers());
        }
    }

    @Override
    public synchronized void close() {
        if (agent != null) {
            agent.close();
            agent = null;
        }
    }
}
