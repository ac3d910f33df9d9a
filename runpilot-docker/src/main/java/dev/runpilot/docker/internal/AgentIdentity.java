package dev.runpilot.docker.internal;

import dev.runpilot.docker.DockerRuntime;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Who owns a container: the host and the JVM (pid and its start time) that run the agent. Written as labels on every
 * container; read back to tell whether the agent that left a container is dead: it is when the container was made
 * on this host and no process with that pid and start time lives any more. A reused pid is told apart by its start
 * time, so a live stranger's pid never makes a dead agent's container look owned, and vice versa.
 *
 * @param host the host name
 * @param pid the agent JVM's pid
 * @param pidStartedAt the JVM's start time in epoch milliseconds, if the OS tells it
 */
record AgentIdentity(String host, long pid, OptionalLong pidStartedAt) {
    /** Present on every container this runtime creates; the sweep and the tests look containers up by it. */
    static final String LABEL_MANAGED = "dev.runpilot.managed-by";
    static final String MANAGED_VALUE = "runpilot-docker";
    static final String LABEL_RUN_ID = DockerRuntime.LABEL_RUN_ID;
    static final String LABEL_ATTEMPT = DockerRuntime.LABEL_ATTEMPT;
    static final String LABEL_AGENT_ID = DockerRuntime.LABEL_AGENT_ID;
    static final String LABEL_HOST = "dev.runpilot.host";
    static final String LABEL_PID = "dev.runpilot.agent-pid";
    static final String LABEL_PID_STARTED = "dev.runpilot.agent-pid-started";

    /** This JVM on this host. */
    static AgentIdentity current() {
        ProcessHandle self = ProcessHandle.current();
        OptionalLong started = self.info().startInstant().map(i -> OptionalLong.of(i.toEpochMilli())).orElse(OptionalLong.empty());
        return new AgentIdentity(hostName(), self.pid(), started);
    }

    /** The labels of a container started for this run, attempt and agent. */
    Map<String, String> labels(String runId, int attempt, String agentId) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(LABEL_MANAGED, MANAGED_VALUE);
        labels.put(LABEL_RUN_ID, runId);
        labels.put(LABEL_ATTEMPT, Integer.toString(attempt));
        labels.put(LABEL_AGENT_ID, agentId);
        labels.put(LABEL_HOST, host);
        labels.put(LABEL_PID, Long.toString(pid));
        pidStartedAt.ifPresent(t -> labels.put(LABEL_PID_STARTED, Long.toString(t)));
        return labels;
    }

    /**
     * Reads the owner of a container from its labels.
     *
     * @return the owner, or empty when the labels do not name one (not ours, or damaged)
     */
    static Optional<AgentIdentity> fromLabels(Map<String, String> labels) {
        String host = labels.get(LABEL_HOST);
        String pid = labels.get(LABEL_PID);
        if (host == null || pid == null) {
            return Optional.empty();
        }
        try {
            String started = labels.get(LABEL_PID_STARTED);
            return Optional.of(new AgentIdentity(host, Long.parseLong(pid),
                    started == null ? OptionalLong.empty() : OptionalLong.of(Long.parseLong(started))));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** Whether this owner ran on {@code thisHost} and its JVM is gone. An owner on another host is never judged dead. */
    boolean isDeadOn(String thisHost) {
        if (!host.equals(thisHost)) {
            return false;
        }
        Optional<ProcessHandle> process = ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
        if (process.isEmpty()) {
            return true;
        }
        if (pidStartedAt.isEmpty()) {
            return false;
        }
        Optional<Long> started = process.get().info().startInstant().map(java.time.Instant::toEpochMilli);
        return started.isPresent() && started.get() != pidStartedAt.getAsLong();
    }

    /** The host name as RunPilot's engine records it: $HOSTNAME, else the resolver's, else localhost. */
    static String hostName() {
        String env = System.getenv("HOSTNAME");
        if (env != null && !env.isBlank()) {
            return env;
        }
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "localhost";
        }
    }
}
