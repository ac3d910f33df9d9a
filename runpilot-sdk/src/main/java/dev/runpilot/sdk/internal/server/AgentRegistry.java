package dev.runpilot.sdk.internal.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.runpilot.sdk.agent.AgentInfo;
import dev.runpilot.sdk.internal.store.ClaimFilter;
import dev.runpilot.sdk.internal.store.Database;
import java.security.SecureRandom;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.BiPredicate;

/** The agents registered over HTTP: their ids, owners, labels, resources and last heartbeat. */
public final class AgentRegistry {
    /** The agent label naming the resource class it serves. */
    public static final String RESOURCE_CLASS_LABEL = "resource-class";
    /** The agent label that binds an agent to one run (issue 7: an instance per run). */
    public static final String RUN_ID_LABEL = "runpilot.run-id";

    private static final SecureRandom RANDOM = new SecureRandom();
    /**
     * Created on first use: a control plane with no agents, such as {@code runpilot status} on an embedded home,
     * then never pays for setting up Jackson.
     */
    private static final class Json {
        static final ObjectMapper MAPPER = new ObjectMapper();
    }
    /**
     * How stale an agent's stored last-seen time may get: calls within this of the last write change
     * nothing, so that an agent's claims and heartbeats do not each cost a write transaction.
     */
    static final long SEEN_RESOLUTION_MILLIS = 1_000;

    private final Database db;
    private final Clock clock;
    /** When this server last wrote each agent's last-seen time. */
    private final Map<String, Long> lastWritten = new java.util.concurrent.ConcurrentHashMap<>();

    public AgentRegistry(Database db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    /** A registered agent as the API lists it. */
    public record AgentRecord(String id, String tokenId, String host, Map<String, String> labels, JsonNode resources, int slots,
                              long registeredAt, long lastSeenAt) {
    }

    /** Registers an agent under a new unique id and returns the id. */
    public String register(String tokenId, String host, Map<String, String> labels, JsonNode resources, int slots) {
        byte[] random = new byte[6];
        RANDOM.nextBytes(random);
        String safeHost = host.replaceAll("[^A-Za-z0-9.-]", "-");
        String id = "agent-" + safeHost + "-" + HexFormat.of().formatHex(random);
        ObjectNode labelJson = Json.MAPPER.createObjectNode();
        new TreeMap<>(labels).forEach(labelJson::put);
        db.write(c -> {
            long now = clock.millis();
            try (PreparedStatement p = c.prepareStatement("INSERT INTO agents (id, token_id, host, labels_json, resources_json, slots,"
                    + " registered_at, last_seen_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
                p.setString(1, id);
                p.setString(2, tokenId);
                p.setString(3, host);
                p.setString(4, labelJson.toString());
                p.setString(5, resources.toString());
                p.setInt(6, slots);
                p.setLong(7, now);
                p.setLong(8, now);
                p.executeUpdate();
            }
            return null;
        });
        return id;
    }

    /** Records that an agent was heard from, at most once per {@value #SEEN_RESOLUTION_MILLIS} ms per agent. */
    public void seen(String agentId) {
        long now = clock.millis();
        Long last = lastWritten.get(agentId);
        if (last != null && now - last < SEEN_RESOLUTION_MILLIS && now >= last) {
            return;
        }
        if (lastWritten.size() >= 1024) {
            // Entries older than the resolution no longer save a write: drop them, so the map stays small.
            lastWritten.values().removeIf(t -> now - t >= SEEN_RESOLUTION_MILLIS);
        }
        lastWritten.put(agentId, now);
        db.write(c -> {
            try (PreparedStatement p = c.prepareStatement("UPDATE agents SET last_seen_at = ? WHERE id = ?")) {
                p.setLong(1, now);
                p.setString(2, agentId);
                p.executeUpdate();
            }
            return null;
        });
    }

    /** Returns the agent, if registered. */
    public Optional<AgentRecord> find(String agentId) {
        return db.read(c -> {
            try (PreparedStatement p = c.prepareStatement("SELECT * FROM agents WHERE id = ?")) {
                p.setString(1, agentId);
                try (ResultSet rs = p.executeQuery()) {
                    return rs.next() ? Optional.of(record(rs)) : Optional.empty();
                }
            }
        });
    }

    /** Lists the agents heard from since {@code seenAfter} (epoch ms), newest registration first. */
    public List<AgentRecord> list(long seenAfter) {
        return db.read(c -> {
            List<AgentRecord> result = new ArrayList<>();
            try (PreparedStatement p = c.prepareStatement(
                    "SELECT * FROM agents WHERE last_seen_at >= ? ORDER BY registered_at DESC, id LIMIT 1000")) {
                p.setLong(1, seenAfter);
                try (ResultSet rs = p.executeQuery()) {
                    while (rs.next()) {
                        result.add(record(rs));
                    }
                }
            }
            return result;
        });
    }

    /** The runs each agent holds now (assigned, running or cancelling), by agent id, sorted. */
    public Map<String, List<String>> runsHeld() {
        return db.read(c -> {
            Map<String, List<String>> held = new TreeMap<>();
            try (PreparedStatement p = c.prepareStatement("SELECT agent_id, id FROM runs WHERE agent_id IS NOT NULL"
                    + " AND status IN ('ASSIGNED', 'RUNNING', 'CANCELLING') ORDER BY id");
                 ResultSet rs = p.executeQuery()) {
                while (rs.next()) {
                    held.computeIfAbsent(rs.getString(1), k -> new ArrayList<>()).add(rs.getString(2));
                }
            }
            return held;
        });
    }

    /**
     * Lists the agents heard from since {@code seenAfter} (epoch ms) as the public API shows them,
     * newest registration first: what {@code GET /v1/agents} sends and an embedded client's
     * {@code agents()} returns.
     *
     * @param lease the lease of the control plane: an agent heard from within three of them is online
     * @param showRun whether a run an agent holds may be named to the caller (runs of other projects are not)
     */
    public List<AgentInfo> describe(long seenAfter, java.time.Duration lease, BiPredicate<AgentRecord, String> showRun) {
        Map<String, List<String>> held = runsHeld();
        long onlineAfter = clock.millis() - 3 * lease.toMillis();
        List<AgentInfo> result = new ArrayList<>();
        for (AgentRecord agent : list(seenAfter)) {
            List<String> runIds = held.getOrDefault(agent.id(), List.of()).stream().filter(runId -> showRun.test(agent, runId)).toList();
            result.add(info(agent, agent.lastSeenAt() >= onlineAfter, runIds));
        }
        return result;
    }

    /** Maps a registered agent to its public description; resources the agent did not report are 0 or empty. */
    static AgentInfo info(AgentRecord agent, boolean online, List<String> runIds) {
        JsonNode resources = agent.resources();
        List<AgentInfo.Gpu> gpus = new ArrayList<>();
        resources.path("gpus").forEach(g -> gpus.add(new AgentInfo.Gpu(g.path("name").asText(""), g.path("memoryMiB").asLong(0))));
        return new AgentInfo(agent.id(), agent.host(), agent.labels(), agent.slots(), resources.path("cpus").asDouble(0),
                resources.path("memoryBytes").asLong(0), gpus, Instant.ofEpochMilli(agent.registeredAt()),
                Instant.ofEpochMilli(agent.lastSeenAt()), online, runIds);
    }

    /**
     * The claim filter that routes runs to an agent: the run's resource class (if any) must be the
     * agent's {@code resource-class} label, and every run label whose key the agent also has must
     * carry the agent's value.
     */
    public static ClaimFilter routing(Map<String, String> agentLabels) {
        StringBuilder sql = new StringBuilder(
                " AND COALESCE((SELECT o.resource_class FROM run_owners o WHERE o.run_id = runs.id), '') IN ('', ?)");
        List<Object> args = new ArrayList<>();
        args.add(agentLabels.getOrDefault(RESOURCE_CLASS_LABEL, ""));
        // An agent started for one run (the agent of an instance launched for it) claims that run only.
        String boundRun = agentLabels.get(RUN_ID_LABEL);
        if (boundRun != null) {
            sql.append(" AND runs.id = ?");
            args.add(boundRun);
        }
        List<Map.Entry<String, String>> others = agentLabels.entrySet().stream()
                .filter(e -> !e.getKey().equals(RESOURCE_CLASS_LABEL) && !e.getKey().equals(RUN_ID_LABEL))
                .sorted(Map.Entry.comparingByKey()).toList();
        if (!others.isEmpty()) {
            sql.append(" AND NOT EXISTS (SELECT 1 FROM run_labels l WHERE l.run_id = runs.id AND (");
            for (int i = 0; i < others.size(); i++) {
                sql.append(i == 0 ? "" : " OR ").append("(l.key = ? AND l.value <> ?)");
                args.add(others.get(i).getKey());
                args.add(others.get(i).getValue());
            }
            sql.append("))");
        }
        return new ClaimFilter(sql.toString(), args);
    }

    private static AgentRecord record(ResultSet rs) throws java.sql.SQLException {
        try {
            Map<String, String> labels = new TreeMap<>();
            Json.MAPPER.readTree(rs.getString("labels_json")).fields().forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
            return new AgentRecord(rs.getString("id"), rs.getString("token_id"), rs.getString("host"), labels,
                    Json.MAPPER.readTree(rs.getString("resources_json")), rs.getInt("slots"), rs.getLong("registered_at"),
                    rs.getLong("last_seen_at"));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("Stored agent " + rs.getString("id") + " has invalid JSON: " + e.getOriginalMessage(), e);
        }
    }
}
