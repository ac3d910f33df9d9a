package dev.runpilot.sdk.internal.config;

import dev.runpilot.sdk.FailureReason;
import dev.runpilot.sdk.GpuRequest;
import dev.runpilot.sdk.HealthCheck;
import dev.runpilot.sdk.Resources;
import dev.runpilot.sdk.RetryPolicy;
import dev.runpilot.sdk.Volume;
import dev.runpilot.sdk.internal.config.ValueReader.Item;
import dev.runpilot.sdk.internal.config.YamlNode.Entry;
import dev.runpilot.sdk.internal.config.YamlNode.Kind;
import dev.runpilot.sdk.internal.config.YamlNode.Mapping;
import dev.runpilot.sdk.internal.config.YamlNode.Scalar;
import dev.runpilot.sdk.internal.config.YamlNode.Sequence;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/** Binds the job fields that are blocks of their own: resources, gpu, retry, health_check and volumes. */
final class BlockBinder {
    private static final Set<FailureReason> NEVER_RETRIED =
            Set.of(FailureReason.CANCELLED, FailureReason.SIGNATURE_REJECTED, FailureReason.DEPENDENCY_FAILED,
                    FailureReason.SOURCE_MISSING);
    private static final String GPU = "true, false, a GPU count, a GPU type such as a100, or {count, type}";

    private final ValueReader values;
    private final Problems problems;

    BlockBinder(ValueReader values) {
        this.values = values;
        this.problems = values.problems();
    }

    Optional<Resources> resources(YamlNode node) {
        return values.block(node, "resources", JobFields.RESOURCES).flatMap(block -> {
            int before = problems.size();
            double cpus = block.get("cpus").flatMap(n -> values.decimal(n, "resources.cpus", 0, Double.MAX_VALUE))
                    .orElse(0.0);
            long memory = block.get("memory").flatMap(n -> values.byteSize(n, "resources.memory")).orElse(0L);
            long pids = block.get("pids").flatMap(n -> values.integer(n, "resources.pids", 0, Long.MAX_VALUE))
                    .orElse(0L);
            return problems.size() == before ? Optional.of(new Resources(cpus, memory, pids)) : Optional.empty();
        });
    }

    /** Returns the GPU request; empty for {@code false} or 0 as well as for a wrong value. */
    Optional<GpuRequest> gpu(YamlNode node) {
        if (node instanceof Mapping) {
            return values.block(node, "gpu", JobFields.GPU).flatMap(block -> {
                int before = problems.size();
                long count = block.get("count").flatMap(n -> values.integer(n, "gpu.count", 1, Integer.MAX_VALUE))
                        .orElse(1L);
                Optional<String> type = block.get("type").flatMap(n -> nonBlank(n, "gpu.type"));
                return problems.size() == before ? Optional.of(new GpuRequest((int) count, type)) : Optional.empty();
            });
        }
        if (!(node instanceof Scalar scalar) || scalar.isNull()) {
            problems.wrongValue(node.mark(), "gpu", GPU, node);
            return Optional.empty();
        }
        String text = scalar.text().strip();
        boolean isBoolean = scalar.kind() == Kind.BOOLEAN || (scalar.interpolated() && text.matches("(?i)true|false"));
        if (isBoolean) {
            return text.equalsIgnoreCase("true") ? Optional.of(GpuRequest.of(1)) : Optional.empty();
        }
        boolean isCount = scalar.kind() == Kind.INTEGER || (scalar.interpolated() && text.matches("[0-9]+"));
        if (isCount) {
            return values.integer(node, "gpu", 0, Integer.MAX_VALUE).filter(count -> count > 0)
                    .map(count -> GpuRequest.of(count.intValue()));
        }
        if (scalar.kind() != Kind.STRING || text.isEmpty()) {
            problems.wrongValue(node.mark(), "gpu", GPU, node);
            return Optional.empty();
        }
        return Optional.of(new GpuRequest(1, Optional.of(text)));
    }

    /** Binds {@code retry_count} and the {@code retry} block; empty when neither is set or one is wrong. */
    Optional<RetryPolicy> retry(Mapping doc) {
        Optional<Entry> count = doc.entry("retry_count");
        Optional<YamlNode> block = doc.get("retry");
        if (count.isEmpty() && block.isEmpty()) {
            return Optional.empty();
        }
        int before = problems.size();
        RetryPolicy.Builder policy = RetryPolicy.builder();
        count.flatMap(entry -> values.integer(entry.value(), "retry_count", 0, Integer.MAX_VALUE - 1))
                .ifPresent(retries -> policy.maxAttempts(retries.intValue() + 1));
        Optional<Mapping> retry = block.flatMap(node -> values.block(node, "retry", JobFields.RETRY));
        retry.ifPresent(r -> retryBlock(r, count.isPresent(), policy));
        return problems.size() == before ? Optional.of(policy.build()) : Optional.empty();
    }

    private void retryBlock(Mapping retry, boolean hasCount, RetryPolicy.Builder policy) {
        Optional<Entry> attempts = retry.entry("attempts");
        if (attempts.isPresent() && hasCount) {
            problems.add(attempts.get().keyMark(), "retry.attempts", "retry_count and retry.attempts are both set;"
                    + " keep one (retry_count: N means N + 1 attempts)");
        } else if (attempts.isEmpty() && !hasCount) {
            problems.add(retry.mark(), "retry", "retry does not say how many times to try: add attempts (the total"
                    + " number of attempts) or retry_count (the number of retries)");
        }
        attempts.flatMap(entry -> values.integer(entry.value(), "retry.attempts", 1, Integer.MAX_VALUE))
                .ifPresent(n -> policy.maxAttempts(n.intValue()));
        retry.get("backoff").flatMap(node -> values.block(node, "retry.backoff", JobFields.BACKOFF)).ifPresent(backoff -> {
            backoff.get("initial").flatMap(n -> nonNegative(n, "retry.backoff.initial")).ifPresent(policy::initialBackoff);
            backoff.get("max").flatMap(n -> nonNegative(n, "retry.backoff.max")).ifPresent(policy::maxBackoff);
            backoff.get("multiplier").flatMap(n -> values.decimal(n, "retry.backoff.multiplier", 1, Double.MAX_VALUE))
                    .ifPresent(policy::multiplier);
            backoff.get("jitter").flatMap(n -> values.decimal(n, "retry.backoff.jitter", 0, 1)).ifPresent(policy::jitter);
        });
        retry.get("on_exit_codes").flatMap(this::exitCodes)
                .ifPresent(codes -> policy.retryOnExitCodes(codes.stream().mapToInt(Integer::intValue).toArray()));
        retry.get("on").flatMap(this::reasons).ifPresent(reasons -> policy.retryOn(reasons.toArray(FailureReason[]::new)));
    }

    private Optional<List<Integer>> exitCodes(YamlNode node) {
        List<YamlNode> items = node instanceof Sequence sequence ? sequence.items() : List.of(node);
        List<Integer> codes = new ArrayList<>();
        int before = problems.size();
        for (int i = 0; i < items.size(); i++) {
            values.integer(items.get(i), "retry.on_exit_codes[" + i + "]", 0, 255).ifPresent(code -> codes.add(code.intValue()));
        }
        return problems.size() == before ? Optional.of(codes) : Optional.empty();
    }

    private Optional<List<FailureReason>> reasons(YamlNode node) {
        String retriable = Arrays.stream(FailureReason.values()).filter(r -> !NEVER_RETRIED.contains(r))
                .map(FailureReason::wireName).collect(Collectors.joining(", "));
        return values.list(node, "retry.on", true).flatMap(items -> {
            List<FailureReason> reasons = new ArrayList<>();
            for (int i = 0; i < items.size(); i++) {
                Item item = items.get(i);
                Optional<FailureReason> reason = FailureReason.fromWireName(item.text())
                        .filter(r -> !NEVER_RETRIED.contains(r));
                if (reason.isPresent()) {
                    reasons.add(reason.get());
                } else {
                    problems.wrongValue(item.node().mark(), "retry.on[" + i + "]", "a failure reason that can be"
                            + " retried: " + retriable, item.node());
                }
            }
            return reasons.size() == items.size() ? Optional.of(reasons) : Optional.empty();
        });
    }

    Optional<HealthCheck> healthCheck(YamlNode node) {
        return values.block(node, "health_check", JobFields.HEALTH_CHECK).flatMap(block -> {
            int before = problems.size();
            Optional<List<String>> command = block.get("command").flatMap(this::healthCommand);
            if (block.get("command").isEmpty()) {
                problems.add(block.mark(), "health_check.command", "a health check needs a command, such as"
                        + " [curl, -f, http://localhost:8080/health]");
            }
            HealthCheck defaults = HealthCheck.of("true");
            Duration interval = block.get("interval").flatMap(n -> positive(n, "health_check.interval"))
                    .orElse(defaults.interval());
            Duration timeout = block.get("timeout").flatMap(n -> positive(n, "health_check.timeout"))
                    .orElse(defaults.timeout());
            Duration startPeriod = block.get("start_period").flatMap(n -> nonNegative(n, "health_check.start_period"))
                    .orElse(defaults.startPeriod());
            long retries = block.get("retries").flatMap(n -> values.integer(n, "health_check.retries", 1, Integer.MAX_VALUE))
                    .orElse((long) defaults.retries());
            if (problems.size() != before || command.isEmpty()) {
                return Optional.empty();
            }
            return Optional.of(new HealthCheck(command.get(), interval, timeout, (int) retries, startPeriod));
        });
    }

    /** A list runs as is; a string is a shell line, run as {@code sh -c line}. */
    private Optional<List<String>> healthCommand(YamlNode node) {
        if (node instanceof Scalar) {
            return nonBlank(node, "health_check.command").map(line -> List.of("sh", "-c", line));
        }
        return values.list(node, "health_check.command", false).flatMap(items -> {
            if (items.isEmpty() || items.get(0).text().isBlank()) {
                problems.wrongValue(node.mark(), "health_check.command", "a list starting with a program name", node);
                return Optional.empty();
            }
            return Optional.of(items.stream().map(Item::text).toList());
        });
    }

    Optional<List<Volume>> volumes(YamlNode node) {
        if (!(node instanceof Sequence sequence)) {
            problems.wrongValue(node.mark(), "volumes", "a list of volumes such as ./data:/data:ro", node);
            return Optional.empty();
        }
        int before = problems.size();
        List<Volume> volumes = new ArrayList<>();
        for (int i = 0; i < sequence.items().size(); i++) {
            volume(sequence.items().get(i), "volumes[" + i + "]").ifPresent(volumes::add);
        }
        return problems.size() == before ? Optional.of(volumes) : Optional.empty();
    }

    private Optional<Volume> volume(YamlNode node, String path) {
        if (node instanceof Mapping) {
            return values.block(node, path, JobFields.VOLUME).flatMap(block -> {
                Optional<YamlNode> sourceNode = block.get("source");
                Optional<YamlNode> targetNode = block.get("target");
                if (sourceNode.isEmpty() || targetNode.isEmpty()) {
                    problems.add(block.mark(), path, "a volume needs both source and target");
                    return Optional.empty();
                }
                Optional<String> source = nonBlank(sourceNode.get(), path + ".source")
                        .flatMap(text -> volumeSource(sourceNode.get(), text, path + ".source"));
                Optional<String> target = nonBlank(targetNode.get(), path + ".target")
                        .filter(text -> absoluteTarget(targetNode.get(), text, path + ".target"));
                boolean readOnly = block.get("read_only").flatMap(n -> values.bool(n, path + ".read_only")).orElse(false);
                return source.isPresent() && target.isPresent()
                        ? Optional.of(new Volume(source.get(), target.get(), readOnly)) : Optional.empty();
            });
        }
        return values.string(node, path).flatMap(text -> {
            String[] parts = text.split(":", -1);
            boolean hasMode = parts.length == 3;
            if (parts.length < 2 || parts.length > 3 || parts[0].isBlank() || parts[1].isBlank()
                    || (hasMode && !parts[2].equals("ro") && !parts[2].equals("rw"))) {
                problems.wrongValue(node.mark(), path, "host:container or host:container:ro", node);
                return Optional.empty();
            }
            Optional<String> source = volumeSource(node, parts[0], path);
            if (source.isEmpty() || !absoluteTarget(node, parts[1], path)) {
                return Optional.empty();
            }
            return Optional.of(new Volume(source.get(), parts[1], hasMode && parts[2].equals("ro")));
        });
    }

    /** A source starting with '.' is a host path relative to the file; anything else is kept as written. */
    private Optional<String> volumeSource(YamlNode node, String source, String path) {
        if (source.equals(".") || source.startsWith("./") || source.startsWith("../") || source.equals("..")) {
            return JobBinder.relativeTo(node, source, path, problems).map(Object::toString);
        }
        return Optional.of(source);
    }

    private boolean absoluteTarget(YamlNode node, String target, String path) {
        if (!target.startsWith("/")) {
            problems.wrongValue(node.mark(), path, "an absolute path inside the container for the volume target",
                    node);
            return false;
        }
        return true;
    }

    private Optional<String> nonBlank(YamlNode node, String path) {
        return values.string(node, path).filter(text -> {
            if (text.isBlank()) {
                problems.wrongValue(node.mark(), path, "a non-blank string", node);
                return false;
            }
            return true;
        });
    }

    private Optional<Duration> nonNegative(YamlNode node, String path) {
        return values.duration(node, path).filter(d -> {
            if (d.isNegative()) {
                problems.wrongValue(node.mark(), path, "a duration of zero or more", node);
                return false;
            }
            return true;
        });
    }

    private Optional<Duration> positive(YamlNode node, String path) {
        return values.duration(node, path).filter(d -> {
            if (d.isNegative() || d.isZero()) {
                problems.wrongValue(node.mark(), path, "a positive duration", node);
                return false;
            }
            return true;
        });
    }
}
