package dev.runpilot.sdk.internal.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.runpilot.sdk.FailureReason;
import dev.runpilot.sdk.GpuRequest;
import dev.runpilot.sdk.HealthCheck;
import dev.runpilot.sdk.Job;
import dev.runpilot.sdk.PullPolicy;
import dev.runpilot.sdk.Resources;
import dev.runpilot.sdk.RetryPolicy;
import dev.runpilot.sdk.Volume;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * Turns a {@link Job} into the JSON kept in the database and back. Secret values are never
 * written: only their names, so that a job read back lists them with the value {@code ***} unless
 * the caller supplies the real values.
 */
public final class JobCodec {
    /** The value secret names map to in a job read back without its secrets. */
    public static final String MASK = "***";

    private static final ObjectMapper JSON = new ObjectMapper();

    private JobCodec() {
    }

    public static String toJson(Job job) {
        ObjectNode node = JSON.createObjectNode();
        node.put("name", job.name());
        job.image().ifPresent(v -> node.put("image", v));
        strings(node, "command", job.command());
        job.entrypoint().ifPresent(v -> node.put("entrypoint", v));
        node.set("env", JSON.valueToTree(job.env()));
        strings(node, "secretNames", job.secrets().keySet());
        job.workingDir().ifPresent(v -> node.put("workingDir", v));
        job.user().ifPresent(v -> node.put("user", v));
        job.network().ifPresent(v -> node.put("network", v));
        job.pullPolicy().ifPresent(v -> node.put("pullPolicy", v.name()));
        job.healthCheck().ifPresent(h -> {
            ObjectNode check = node.putObject("healthCheck");
            strings(check, "command", h.command());
            check.put("interval", h.interval().toString()).put("timeout", h.timeout().toString())
                    .put("retries", h.retries()).put("startPeriod", h.startPeriod().toString());
        });
        job.gpu().ifPresent(g -> {
            ObjectNode gpu = node.putObject("gpu").put("count", g.count());
            g.type().ifPresent(t -> gpu.put("type", t));
        });
        job.resources().ifPresent(r -> node.putObject("resources").put("cpus", r.cpus()).put("memoryBytes", r.memoryBytes())
                .put("pids", r.pids()));
        job.resourceClass().ifPresent(v -> node.put("resourceClass", v));
        job.timeout().ifPresent(t -> node.put("timeout", t.toString()));
        node.set("retry", retryToJson(job.retry()));
        strings(node, "dependsOn", job.dependsOn());
        node.set("labels", JSON.valueToTree(job.labels()));
        node.put("priority", job.priority());
        ArrayNode volumes = node.putArray("volumes");
        job.volumes().forEach(v -> volumes.addObject().put("source", v.source()).put("target", v.target()).put("readOnly", v.readOnly()));
        strings(node, "artifacts", job.artifacts());
        job.source().ifPresent(v -> node.put("source", v.toString()));
        strings(node, "ignore", job.ignore());
        return node.toString();
    }

    /** Reads a job back; {@code secrets} supplies the values (names without a value read as {@link #MASK}). */
    public static Job fromJson(String json, Map<String, String> secrets) {
        JsonNode node;
        try {
            node = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Stored job is not valid JSON: " + e.getOriginalMessage(), e);
        }
        Job.Builder b = Job.builder().name(node.path("name").asText("job"));
        text(node, "image", b::image);
        List<String> command = strings(node.path("command"));
        if (!command.isEmpty()) {
            b.command(command);
        }
        text(node, "entrypoint", b::entrypoint);
        node.path("env").fields().forEachRemaining(e -> b.env(e.getKey(), e.getValue().asText()));
        for (String name : strings(node.path("secretNames"))) {
            b.secret(name, secrets.getOrDefault(name, MASK));
        }
        text(node, "workingDir", b::workingDir);
        text(node, "user", b::user);
        text(node, "network", b::network);
        text(node, "pullPolicy", v -> b.pullPolicy(PullPolicy.valueOf(v)));
        JsonNode check = node.path("healthCheck");
        if (check.isObject()) {
            b.healthCheck(new HealthCheck(strings(check.path("command")), Duration.parse(check.path("interval").asText("PT30S")),
                    Duration.parse(check.path("timeout").asText("PT30S")), check.path("retries").asInt(3),
                    Duration.parse(check.path("startPeriod").asText("PT0S"))));
        }
        JsonNode gpu = node.path("gpu");
        if (gpu.isObject()) {
            b.gpu(new GpuRequest(gpu.path("count").asInt(1), Optional.ofNullable(gpu.path("type").textValue())));
        }
        JsonNode resources = node.path("resources");
        if (resources.isObject()) {
            b.resources(new Resources(resources.path("cpus").asDouble(), resources.path("memoryBytes").asLong(),
                    resources.path("pids").asLong()));
        }
        text(node, "resourceClass", b::resourceClass);
        text(node, "timeout", v -> b.timeout(Duration.parse(v)));
        b.retry(retryFromJson(node.path("retry")));
        b.dependsOn(strings(node.path("dependsOn")).toArray(String[]::new));
        node.path("labels").fields().forEachRemaining(e -> b.label(e.getKey(), e.getValue().asText()));
        b.priority(node.path("priority").asInt(0));
        for (JsonNode v : node.path("volumes")) {
            b.volume(new Volume(v.path("source").asText(), v.path("target").asText(), v.path("readOnly").asBoolean()));
        }
        b.artifacts(strings(node.path("artifacts")).toArray(String[]::new));
        text(node, "source", v -> b.source(Path.of(v)));
        b.ignore(strings(node.path("ignore")).toArray(String[]::new));
        return b.build();
    }

    public static String secretsToJson(Map<String, String> secrets) {
        return JSON.valueToTree(new TreeMap<>(secrets)).toString();
    }

    public static Map<String, String> secretsFromJson(String json) {
        Map<String, String> result = new TreeMap<>();
        try {
            JSON.readTree(json).fields().forEachRemaining(e -> result.put(e.getKey(), e.getValue().asText()));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Stored secrets are not valid JSON", e);
        }
        return result;
    }

    private static ObjectNode retryToJson(RetryPolicy retry) {
        ObjectNode node = JSON.createObjectNode()
                .put("maxAttempts", retry.maxAttempts())
                .put("initialBackoff", retry.initialBackoff().toString())
                .put("multiplier", retry.multiplier())
                .put("maxBackoff", retry.maxBackoff().toString())
                .put("jitter", retry.jitter());
        ArrayNode reasons = node.putArray("retryOn");
        retry.retryOn().stream().map(FailureReason::wireName).sorted().forEach(reasons::add);
        ArrayNode codes = node.putArray("retryOnExitCodes");
        retry.retryOnExitCodes().stream().sorted().forEach(codes::add);
        return node;
    }

    private static RetryPolicy retryFromJson(JsonNode node) {
        if (!node.isObject()) {
            return RetryPolicy.none();
        }
        List<FailureReason> reasons = new ArrayList<>();
        node.path("retryOn").forEach(r -> FailureReason.fromWireName(r.asText()).ifPresent(reasons::add));
        int[] codes = new int[node.path("retryOnExitCodes").size()];
        for (int i = 0; i < codes.length; i++) {
            codes[i] = node.path("retryOnExitCodes").get(i).asInt();
        }
        return RetryPolicy.builder()
                .maxAttempts(node.path("maxAttempts").asInt(1))
                .initialBackoff(Duration.parse(node.path("initialBackoff").asText("PT1S")))
                .multiplier(node.path("multiplier").asDouble(2.0))
                .maxBackoff(Duration.parse(node.path("maxBackoff").asText("PT5M")))
                .jitter(node.path("jitter").asDouble(0.2))
                .retryOn(reasons.toArray(FailureReason[]::new))
                .retryOnExitCodes(codes)
                .build();
    }

    private static void strings(ObjectNode node, String field, Collection<String> values) {
        ArrayNode array = node.putArray(field);
        values.forEach(array::add);
    }

    private static List<String> strings(JsonNode array) {
        List<String> result = new ArrayList<>();
        array.forEach(v -> result.add(v.asText()));
        return result;
    }

    private static void text(JsonNode node, String field, Consumer<String> setter) {
        JsonNode value = node.get(field);
        if (value != null && value.isTextual()) {
            setter.accept(value.asText());
        }
    }
}
