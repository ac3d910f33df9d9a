package dev.runpilot.sdk.internal.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.runpilot.sdk.Attempt;
import dev.runpilot.sdk.Estimate;
import dev.runpilot.sdk.FailureReason;
import dev.runpilot.sdk.LogLine;
import dev.runpilot.sdk.LogStream;
import dev.runpilot.sdk.MetricPoint;
import dev.runpilot.sdk.RunEvent;
import dev.runpilot.sdk.RunInfo;
import dev.runpilot.sdk.RunPage;
import dev.runpilot.sdk.RunStatus;
import dev.runpilot.sdk.internal.store.AttemptEnd;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeMap;

/**
 * The JSON forms of the v1 API's values, written by the server and read by the client (and the
 * other way round for what agents report). Times are ISO-8601 instants; absent values are omitted.
 */
public final class ApiJson {
    /** The one mapper both sides use. */
    public static final ObjectMapper MAPPER = new ObjectMapper();

    private ApiJson() {
    }

    public static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    /** Parses a JSON document, turning malformed input into an {@link IllegalArgumentException} that names it. */
    public static JsonNode parse(String json, String what) {
        try {
            JsonNode node = MAPPER.readTree(json);
            if (node == null || node.isMissingNode()) {
                throw new IllegalArgumentException(what + " is empty; expected a JSON document");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(what + " is not valid JSON: " + e.getOriginalMessage(), e);
        }
    }

    public static ObjectNode runInfo(RunInfo info) {
        ObjectNode node = object().put("id", info.id()).put("name", info.name()).put("status", info.status().name())
                .put("priority", info.priority());
        ObjectNode labels = node.putObject("labels");
        info.labels().forEach(labels::put);
        node.put("createdAt", info.createdAt().toString());
        info.startedAt().ifPresent(t -> node.put("startedAt", t.toString()));
        info.finishedAt().ifPresent(t -> node.put("finishedAt", t.toString()));
        node.put("attempts", info.attempts());
        info.exitCode().ifPresent(c -> node.put("exitCode", c));
        info.reason().ifPresent(r -> node.put("reason", r.wireName()));
        node.put("message", info.message());
        return node;
    }

    public static RunInfo runInfo(JsonNode node) {
        return new RunInfo(text(node, "id"), text(node, "name"), RunStatus.valueOf(text(node, "status")), node.path("priority").asInt(),
                stringMap(node.path("labels")), Instant.parse(text(node, "createdAt")), instant(node, "startedAt"),
                instant(node, "finishedAt"), node.path("attempts").asInt(), optionalInt(node, "exitCode"), reason(node, "reason"),
                node.path("message").asText(""));
    }

    public static ObjectNode page(RunPage page) {
        ObjectNode node = object();
        ArrayNode runs = node.putArray("runs");
        page.runs().forEach(r -> runs.add(runInfo(r)));
        page.nextPageToken().ifPresent(t -> node.put("nextPageToken", t));
        return node;
    }

    public static RunPage page(JsonNode node) {
        List<RunInfo> runs = new ArrayList<>();
        node.path("runs").forEach(r -> runs.add(runInfo(r)));
        return new RunPage(runs, Optional.ofNullable(node.path("nextPageToken").textValue()));
    }

    public static ObjectNode attempt(Attempt a) {
        ObjectNode node = object().put("number", a.number()).put("agentId", a.agentId()).put("startedAt", a.startedAt().toString());
        a.endedAt().ifPresent(t -> node.put("endedAt", t.toString()));
        a.exitCode().ifPresent(c -> node.put("exitCode", c));
        a.reason().ifPresent(r -> node.put("reason", r.wireName()));
        node.put("message", a.message());
        return node;
    }

    public static Attempt attempt(JsonNode node) {
        return new Attempt(node.path("number").asInt(), text(node, "agentId"), Instant.parse(text(node, "startedAt")),
                instant(node, "endedAt"), optionalInt(node, "exitCode"), reason(node, "reason"), node.path("message").asText(""));
    }

    public static ObjectNode event(RunEvent e) {
        ObjectNode node = object().put("sequence", e.sequence()).put("runId", e.runId()).put("time", e.time().toString());
        e.from().ifPresent(s -> node.put("from", s.name()));
        node.put("to", e.to().name()).put("attempt", e.attempt()).put("message", e.message());
        return node;
    }

    public static RunEvent event(JsonNode node) {
        return new RunEvent(node.path("sequence").asLong(), text(node, "runId"), Instant.parse(text(node, "time")),
                Optional.ofNullable(node.path("from").textValue()).map(RunStatus::valueOf), RunStatus.valueOf(text(node, "to")),
                node.path("attempt").asInt(), node.path("message").asText(""));
    }

    /** An estimate: {@code {"provider", "total", "items": [{"name", "usd", "basis"}]}}, amounts as decimal strings. */
    public static ObjectNode estimate(Estimate estimate) {
        ObjectNode node = object().put("provider", estimate.provider()).put("total", estimate.total().toPlainString());
        ArrayNode items = node.putArray("items");
        estimate.items().forEach(i -> items.addObject().put("name", i.name()).put("usd", i.usd().toPlainString()).put("basis", i.basis()));
        return node;
    }

    public static Estimate estimate(JsonNode node) {
        List<Estimate.Item> items = list(node.path("items"), i -> new Estimate.Item(text(i, "name"), new BigDecimal(text(i, "usd")),
                i.path("basis").asText("")));
        return new Estimate(text(node, "provider"), items);
    }

    public static ObjectNode logLine(LogLine line) {
        return object().put("sequence", line.sequence()).put("attempt", line.attempt()).put("time", line.time().toString())
                .put("stream", line.stream().name()).put("text", line.text());
    }

    public static LogLine logLine(JsonNode node) {
        return new LogLine(node.path("sequence").asLong(), node.path("attempt").asInt(), Instant.parse(text(node, "time")),
                LogStream.valueOf(text(node, "stream")), node.path("text").asText(""));
    }

    public static ObjectNode metricPoint(MetricPoint point) {
        return object().put("name", point.name()).put("step", point.step()).put("value", point.value())
                .put("time", point.time().toString()).put("attempt", point.attempt());
    }

    public static MetricPoint metricPoint(JsonNode node) {
        return new MetricPoint(text(node, "name"), node.path("step").asLong(), node.path("value").asDouble(),
                Instant.parse(text(node, "time")), node.path("attempt").asInt());
    }

    public static ObjectNode attemptEnd(AttemptEnd end) {
        ObjectNode node = object();
        end.exitCode().ifPresent(c -> node.put("exitCode", c));
        end.reason().ifPresent(r -> node.put("reason", r.wireName()));
        node.put("message", end.message());
        return node;
    }

    public static AttemptEnd attemptEnd(JsonNode node) {
        return new AttemptEnd(optionalInt(node, "exitCode"), reason(node, "reason"), node.path("message").asText(""));
    }

    public static Map<String, String> stringMap(JsonNode node) {
        Map<String, String> map = new TreeMap<>();
        if (node != null && node.isObject()) {
            node.fields().forEachRemaining(e -> map.put(e.getKey(), e.getValue().asText()));
        }
        return map;
    }

    public static <T> List<T> list(JsonNode array, java.util.function.Function<JsonNode, T> reader) {
        List<T> result = new ArrayList<>();
        array.forEach(n -> result.add(reader.apply(n)));
        return result;
    }

    /** Returns a required text field, or throws {@link IllegalArgumentException} naming it. */
    public static String text(JsonNode node, String field) {
        JsonNode value = node.path(field);
        if (!value.isTextual()) {
            throw new IllegalArgumentException("field '" + field + "' is missing or not a string");
        }
        return value.asText();
    }

    private static Optional<Instant> instant(JsonNode node, String field) {
        return Optional.ofNullable(node.path(field).textValue()).map(Instant::parse);
    }

    private static OptionalInt optionalInt(JsonNode node, String field) {
        JsonNode value = node.path(field);
        return value.isNumber() ? OptionalInt.of(value.asInt()) : OptionalInt.empty();
    }

    private static Optional<FailureReason> reason(JsonNode node, String field) {
        return Optional.ofNullable(node.path(field).textValue()).flatMap(FailureReason::fromWireName);
    }
}
