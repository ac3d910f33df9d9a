package dev.runpilot.cli;

import dev.runpilot.sdk.Attempt;
import dev.runpilot.sdk.Job;
import dev.runpilot.sdk.LogLine;
import dev.runpilot.sdk.MetricPoint;
import dev.runpilot.sdk.RunEvent;
import dev.runpilot.sdk.RunInfo;
import dev.runpilot.sdk.RunResult;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The JSON and YAML shape of what the CLI prints: plain maps with stable, camelCase keys, ISO-8601 times and
 * {@code null} for absent values. docs/cli.md shows examples; tests parse them.
 */
final class Views {
    private static final DateTimeFormatter LOCAL_TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneId.systemDefault());

    private Views() {
    }

    static Map<String, Object> run(RunInfo info) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", info.id());
        view.put("name", info.name());
        view.put("status", info.status().name());
        view.put("priority", info.priority());
        view.put("labels", info.labels());
        view.put("createdAt", info.createdAt().toString());
        view.put("startedAt", time(info.startedAt()));
        view.put("finishedAt", time(info.finishedAt()));
        view.put("attempts", info.attempts());
        view.put("exitCode", exitCode(info.exitCode()));
        view.put("reason", info.reason().map(r -> r.wireName()).orElse(null));
        view.put("message", info.message());
        return view;
    }

    static Map<String, Object> attempt(Attempt attempt) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("number", attempt.number());
        view.put("agentId", attempt.agentId());
        view.put("startedAt", attempt.startedAt().toString());
        view.put("endedAt", time(attempt.endedAt()));
        view.put("exitCode", exitCode(attempt.exitCode()));
        view.put("reason", attempt.reason().map(r -> r.wireName()).orElse(null));
        view.put("message", attempt.message());
        return view;
    }

    static Map<String, Object> event(RunEvent event) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("sequence", event.sequence());
        view.put("time", event.time().toString());
        view.put("from", event.from().map(Enum::name).orElse(null));
        view.put("to", event.to().name());
        view.put("attempt", event.attempt());
        view.put("message", event.message());
        return view;
    }

    static Map<String, Object> agent(dev.runpilot.sdk.agent.AgentInfo agent) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", agent.id());
        view.put("host", agent.host());
        view.put("online", agent.online());
        view.put("resourceClass", agent.resourceClass().orElse(null));
        view.put("labels", agent.labels());
        view.put("slots", agent.slots());
        view.put("cpus", agent.cpus());
        view.put("memoryBytes", agent.memoryBytes());
        view.put("gpus", agent.gpus().stream().map(g -> Map.of("name", g.name(), "memoryMiB", g.memoryMiB())).toList());
        view.put("registeredAt", agent.registeredAt().toString());
        view.put("lastSeenAt", agent.lastSeenAt().toString());
        view.put("runIds", agent.runIds());
        return view;
    }

    static Map<String, Object> logLine(LogLine line) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("sequence", line.sequence());
        view.put("attempt", line.attempt());
        view.put("time", line.time().toString());
        view.put("stream", line.stream().name().toLowerCase(java.util.Locale.ROOT));
        view.put("text", line.text());
        return view;
    }

    static Map<String, Object> metricPoint(MetricPoint point) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("step", point.step());
        view.put("value", point.value());
        view.put("time", point.time().toString());
        view.put("attempt", point.attempt());
        return view;
    }

    static Map<String, Object> job(Job job) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("name", job.name());
        view.put("image", job.image().orElse(null));
        view.put("command", job.command().isEmpty() ? null : job.command());
        view.put("entrypoint", job.entrypoint().orElse(null));
        view.put("env", job.env());
        view.put("secrets", job.secrets().keySet());
        view.put("timeout", job.timeout().map(Duration::toString).orElse(null));
        view.put("labels", job.labels());
        view.put("priority", job.priority());
        view.put("dependsOn", job.dependsOn());
        view.put("source", job.source().map(Object::toString).orElse(null));
        return view;
    }

    static Map<String, Object> result(RunResult result) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", result.runId());
        view.put("status", result.status().name());
        view.put("exitCode", exitCode(result.exitCode()));
        view.put("reason", result.reason().map(r -> r.wireName()).orElse(null));
        view.put("message", result.message());
        view.put("attempts", result.attempts().size());
        view.put("durationMillis", result.duration().toMillis());
        view.put("metrics", result.metrics());
        return view;
    }

    /** A time for people: local date and time to the second. */
    static String localTime(Instant instant) {
        return LOCAL_TIME.format(instant);
    }

    /** A duration for people: 850ms, 12s, 3m05s, 2h01m. */
    static String duration(Duration duration) {
        long millis = duration.toMillis();
        if (millis < 1000) {
            return millis + "ms";
        }
        long seconds = duration.toSeconds();
        if (seconds < 60) {
            return seconds + "s";
        }
        if (seconds < 3600) {
            return String.format("%dm%02ds", seconds / 60, seconds % 60);
        }
        return String.format("%dh%02dm", seconds / 3600, (seconds % 3600) / 60);
    }

    /** How long a run has taken so far, or took. */
    static Optional<Duration> elapsed(RunInfo info) {
        return info.startedAt().map(start -> Duration.between(start, info.finishedAt().orElseGet(Instant::now)));
    }

    private static String time(Optional<Instant> instant) {
        return instant.map(Instant::toString).orElse(null);
    }

    private static Integer exitCode(OptionalInt code) {
        return code.isPresent() ? code.getAsInt() : null;
    }
}
