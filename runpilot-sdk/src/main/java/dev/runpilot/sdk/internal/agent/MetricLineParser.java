package dev.runpilot.sdk.internal.agent;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.runpilot.sdk.MetricPoint;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Parses the {@code METRIC} lines jobs print, in both forms RunPilot jobs use:
 * {@code METRIC {"step": 3, "loss": 0.81}} and {@code METRIC loss=0.81 accuracy=0.64}. A value without
 * a step gets the next step of its metric (from 0, per attempt). Not thread-safe: one per attempt.
 */
public final class MetricLineParser {
    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private static final String PREFIX = "METRIC ";
    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_.:/-]*");
    private static final Pattern SEPARATORS = Pattern.compile("[\\s,]+");

    private final int attempt;
    private final Map<String, Long> nextStep = new HashMap<>();

    public MetricLineParser(int attempt) {
        this.attempt = attempt;
    }

    /** Returns the points a line holds; empty if it is not a well-formed METRIC line. */
    public List<MetricPoint> parse(String line, Instant time) {
        if (!line.startsWith(PREFIX)) {
            return List.of();
        }
        String body = line.substring(PREFIX.length()).trim();
        Map<String, Double> values = new java.util.LinkedHashMap<>();
        Long step = body.startsWith("{") ? parseJson(body, values) : parsePairs(body, values);
        if (values.isEmpty()) {
            return List.of();
        }
        List<MetricPoint> points = new ArrayList<>(values.size());
        for (Map.Entry<String, Double> value : values.entrySet()) {
            long s = step != null ? step : nextStep.getOrDefault(value.getKey(), 0L);
            nextStep.put(value.getKey(), s + 1);
            points.add(new MetricPoint(value.getKey(), s, value.getValue(), time, attempt));
        }
        return points;
    }

    /** Returns one value as the next step of its series. */
    public MetricPoint next(String name, double value, Instant time) {
        long step = nextStep.getOrDefault(name, 0L);
        nextStep.put(name, step + 1);
        return new MetricPoint(name, step, value, time, attempt);
    }

    private static Long parseJson(String body, Map<String, Double> values) {
        JsonNode node;
        try {
            node = JSON.readTree(body);
        } catch (JsonProcessingException e) {
            return null;
        }
        if (node == null || !node.isObject()) {
            return null;
        }
        Long step = null;
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            if (field.getKey().equals("step")) {
                step = field.getValue().canConvertToLong() ? field.getValue().asLong() : null;
            } else if (field.getValue().isNumber() && Double.isFinite(field.getValue().asDouble())
                    && NAME.matcher(field.getKey()).matches()) {
                values.put(field.getKey(), field.getValue().asDouble());
            }
        }
        return step;
    }

    private static Long parsePairs(String body, Map<String, Double> values) {
        Long step = null;
        for (String pair : SEPARATORS.split(body)) {
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                values.clear();
                return null;
            }
            String name = pair.substring(0, eq);
            String text = pair.substring(eq + 1);
            try {
                if (name.equals("step")) {
                    step = Long.parseLong(text);
                } else if (NAME.matcher(name).matches()) {
                    double value = Double.parseDouble(text);
                    if (Double.isFinite(value)) {
                        values.put(name, value);
                    }
                } else {
                    values.clear();
                    return null;
                }
            } catch (NumberFormatException e) {
                values.clear();
                return null;
            }
        }
        return step;
    }
}
