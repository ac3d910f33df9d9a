package dev.runpilot.sdk.internal.config;

import dev.runpilot.sdk.FailureReason;
import dev.runpilot.sdk.HealthCheck;
import dev.runpilot.sdk.Job;
import dev.runpilot.sdk.RetryPolicy;
import dev.runpilot.sdk.Volume;
import java.math.BigDecimal;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Writes a {@link Job} as a job file that loads back into an equal job. Every string is double-quoted and
 * escaped (including <code>${</code>, written <code>$${</code>), so no value is read as something else.
 *
 * <p>Secret values are written only when asked for: otherwise {@code secrets} lists the names, whose
 * values then come from the env file or the environment when the file is loaded.
 */
final class JobYamlWriter {
    private final StringBuilder out = new StringBuilder();

    private JobYamlWriter() {
    }

    /**
     * Writes {@code job} as YAML.
     *
     * @param job the job
     * @param withSecretValues whether secret values are written (else only their names)
     * @return the YAML text
     */
    static String write(Job job, boolean withSecretValues) {
        return new JobYamlWriter().job(job, withSecretValues).out.toString();
    }

    private JobYamlWriter job(Job job, boolean withSecretValues) {
        line("name: " + quote(job.name()));
        job.image().ifPresent(image -> line("image: " + quote(image)));
        if (!job.command().isEmpty()) {
            line("command: " + list(job.command()));
        }
        job.entrypoint().ifPresent(entrypoint -> line("entrypoint: " + quote(entrypoint)));
        map("env", job.env());
        if (!job.secrets().isEmpty()) {
            if (withSecretValues) {
                map("secrets", job.secrets());
            } else {
                line("secrets: " + list(List.copyOf(job.secrets().keySet())));
            }
        }
        job.workingDir().ifPresent(dir -> line("working_dir: " + quote(dir)));
        job.user().ifPresent(user -> line("user: " + quote(user)));
        job.network().ifPresent(network -> line("network: " + quote(network)));
        job.pullPolicy().ifPresent(policy -> line("pull_policy: " + policy.name().toLowerCase(Locale.ROOT)));
        job.healthCheck().ifPresent(this::healthCheck);
        job.gpu().ifPresent(gpu -> line("gpu: {count: " + gpu.count()
                + gpu.type().map(type -> ", type: " + quote(type)).orElse("") + "}"));
        job.resources().ifPresent(r -> line("resources: {cpus: " + decimal(r.cpus()) + ", memory: "
                + ByteSize.format(r.memoryBytes()) + ", pids: " + r.pids() + "}"));
        job.resourceClass().ifPresent(c -> line("resource_class: " + quote(c)));
        job.timeout().ifPresent(timeout -> line("timeout: " + DurationText.format(timeout)));
        if (!job.retry().equals(RetryPolicy.none())) {
            retry(job.retry());
        }
        if (!job.dependsOn().isEmpty()) {
            line("depends_on: " + list(job.dependsOn()));
        }
        map("labels", job.labels());
        if (job.priority() != 0) {
            line("priority: " + job.priority());
        }
        if (!job.volumes().isEmpty()) {
            line("volumes:");
            for (Volume volume : job.volumes()) {
                line("  - {source: " + quote(volume.source()) + ", target: " + quote(volume.target())
                        + ", read_only: " + volume.readOnly() + "}");
            }
        }
        if (!job.artifacts().isEmpty()) {
            line("artifacts: " + list(job.artifacts()));
        }
        job.source().ifPresent(source -> line("source: " + quote(source.toAbsolutePath().toString())));
        if (!job.ignore().isEmpty()) {
            line("ignore: " + list(job.ignore()));
        }
        return this;
    }

    private void healthCheck(HealthCheck check) {
        line("health_check:");
        line("  command: " + list(check.command()));
        line("  interval: " + DurationText.format(check.interval()));
        line("  timeout: " + DurationText.format(check.timeout()));
        line("  retries: " + check.retries());
        line("  start_period: " + DurationText.format(check.startPeriod()));
    }

    private void retry(RetryPolicy retry) {
        line("retry:");
        line("  attempts: " + retry.maxAttempts());
        line("  backoff: {initial: " + DurationText.format(retry.initialBackoff()) + ", multiplier: "
                + decimal(retry.multiplier()) + ", max: " + DurationText.format(retry.maxBackoff()) + ", jitter: "
                + decimal(retry.jitter()) + "}");
        line("  on_exit_codes: " + new TreeSet<>(retry.retryOnExitCodes()));
        line("  on: [" + new TreeSet<>(retry.retryOn()).stream().map(FailureReason::wireName)
                .collect(Collectors.joining(", ")) + "]");
    }

    private void map(String field, Map<String, String> values) {
        if (values.isEmpty()) {
            return;
        }
        line(field + ":");
        values.forEach((key, value) -> line("  " + quote(key, false) + ": " + quote(value)));
    }

    private void line(String text) {
        out.append(text).append('\n');
    }

    private static String list(List<String> items) {
        return items.stream().map(JobYamlWriter::quote).collect(Collectors.joining(", ", "[", "]"));
    }

    private static String decimal(double value) {
        return BigDecimal.valueOf(value).toPlainString();
    }

    /** Quotes a value, escaping interpolation so that it loads back as written. */
    static String quote(String text) {
        return quote(text, true);
    }

    private static String quote(String text, boolean escapeInterpolation) {
        String value = escapeInterpolation ? Interpolator.escape(text) : text;
        StringBuilder quoted = new StringBuilder(value.length() + 2).append('"');
        value.codePoints().forEach(c -> {
            switch (c) {
                case '"' -> quoted.append("\\\"");
                case '\\' -> quoted.append("\\\\");
                case '\n' -> quoted.append("\\n");
                case '\t' -> quoted.append("\\t");
                case '\r' -> quoted.append("\\r");
                default -> {
                    if (c < 0x20 || (c >= 0x7F && c <= 0x9F) || c == 0x2028 || c == 0x2029 || c == 0xFEFF
                            || (c >= 0xD800 && c <= 0xDFFF) || c == 0xFFFE || c == 0xFFFF) {
                        quoted.append(String.format(Locale.ROOT, "\\u%04X", c));
                    } else {
                        quoted.appendCodePoint(c);
                    }
                }
            }
        });
        return quoted.append('"').toString();
    }
}
