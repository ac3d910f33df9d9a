package dev.runpilot.sdk.internal.config;

import dev.runpilot.sdk.InvalidJobException;
import dev.runpilot.sdk.Job;
import dev.runpilot.sdk.PullPolicy;
import dev.runpilot.sdk.internal.config.ValueReader.Item;
import dev.runpilot.sdk.internal.config.YamlNode.Entry;
import dev.runpilot.sdk.internal.config.YamlNode.Mapping;
import dev.runpilot.sdk.internal.config.YamlNode.Scalar;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Binds a resolved, interpolated job document to a {@link Job.Builder}. Every value is checked where it
 * is written, including what {@link Job.Builder#build()} would refuse, so that every problem comes out
 * located; the job is built only when there is none.
 */
final class JobBinder {
    private final ValueReader values;
    private final Problems problems;
    private final EnvBinder env;
    private final BlockBinder blocks;

    JobBinder(LoaderSettings settings, Path loadedFile, Problems problems) {
        this.problems = problems;
        this.values = new ValueReader(problems);
        this.env = new EnvBinder(values, settings, loadedFile);
        this.blocks = new BlockBinder(values);
    }

    /** Binds {@code doc}; returns the job when neither this nor an earlier stage recorded a problem. */
    Optional<Job> bind(Mapping doc, Mark rootMark) {
        // extends and environments are gone by now; knowing them here makes 'environment' suggest 'environments'.
        JobFields.checkKeys(doc, "", JobFields.FILE, problems);
        Job.Builder job = Job.builder();
        nonBlank(doc, "name", job::name);
        nonBlank(doc, "image", job::image);
        nonBlank(doc, "user", job::user);
        nonBlank(doc, "network", job::network);
        nonBlank(doc, "resource_class", job::resourceClass);
        doc.get("working_dir").flatMap(node -> workingDir(node)).ifPresent(job::workingDir);
        bindCommand(doc, rootMark, job);
        env.bind(doc, job);
        doc.get("pull_policy").flatMap(this::pullPolicy).ifPresent(job::pullPolicy);
        doc.get("health_check").flatMap(blocks::healthCheck).ifPresent(job::healthCheck);
        doc.get("gpu").flatMap(blocks::gpu).ifPresent(job::gpu);
        doc.get("resources").flatMap(blocks::resources).ifPresent(job::resources);
        blocks.retry(doc).ifPresent(job::retry);
        doc.get("volumes").flatMap(blocks::volumes).ifPresent(volumes -> volumes.forEach(job::volume));
        doc.get("timeout").flatMap(node -> values.duration(node, "timeout").filter(timeout -> {
            if (timeout.isNegative() || timeout.isZero()) {
                problems.wrongValue(node.mark(), "timeout", "a positive duration", node.describe(),
                        "leave timeout out for no limit");
                return false;
            }
            return true;
        })).ifPresent(job::timeout);
        nonBlankList(doc, "depends_on", "run ids").ifPresent(ids -> job.dependsOn(ids.toArray(String[]::new)));
        nonBlankList(doc, "artifacts", "glob patterns").ifPresent(globs -> job.artifacts(globs.toArray(String[]::new)));
        doc.get("ignore").flatMap(node -> values.list(node, "ignore", true))
                .ifPresent(items -> job.ignore(items.stream().map(Item::text).toArray(String[]::new)));
        doc.get("labels").flatMap(node -> values.textMap(node, "labels")).ifPresent(labels -> labels.forEach((key, item) -> {
            if (key.isBlank()) {
                problems.add(item.keyMark(), "labels", "label keys must not be blank");
            } else {
                job.label(key, item.text());
            }
        }));
        doc.get("priority").flatMap(node -> values.integer(node, "priority", Integer.MIN_VALUE, Integer.MAX_VALUE))
                .ifPresent(priority -> job.priority(priority.intValue()));
        doc.get("source").flatMap(node -> values.string(node, "source").flatMap(text -> path(node, text, "source")))
                .ifPresent(job::source);
        if (!problems.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(job.build());
        } catch (InvalidJobException | IllegalArgumentException e) {
            problems.add(rootMark, "", e.getMessage());
            return Optional.empty();
        }
    }

    private void bindCommand(Mapping doc, Mark rootMark, Job.Builder job) {
        Optional<Entry> command = doc.entry("command");
        Optional<Entry> entrypoint = doc.entry("entrypoint");
        if (command.isPresent() && entrypoint.isPresent()) {
            problems.add(entrypoint.get().keyMark(), "entrypoint", "command and entrypoint are both set (command at "
                    + command.get().keyMark() + "); keep one: entrypoint is a shell line, command an argument list");
            return;
        }
        if (command.isEmpty() && entrypoint.isEmpty()) {
            problems.add(rootMark, "command", "no command: set entrypoint (a shell line such as python train.py) or"
                    + " command (an argument list such as [python, train.py])");
            return;
        }
        command.map(Entry::value).flatMap(this::commandList).ifPresent(job::command);
        entrypoint.map(Entry::value).ifPresent(node -> {
            if (node instanceof YamlNode.Sequence) {
                problems.wrongValue(node.mark(), "entrypoint", "a shell command line", node.describe(),
                        "for an argument list use command");
                return;
            }
            nonBlankValue(node, "entrypoint").ifPresent(job::entrypoint);
        });
    }

    private Optional<List<String>> commandList(YamlNode node) {
        if (node instanceof Scalar) {
            problems.wrongValue(node.mark(), "command", "a list of arguments such as [python, train.py]",
                    node.describe(), "for a shell line use entrypoint");
            return Optional.empty();
        }
        return values.list(node, "command", false).flatMap(items -> {
            if (items.isEmpty() || items.get(0).text().isBlank()) {
                problems.wrongValue(node.mark(), "command", "a list starting with a program name", node);
                return Optional.empty();
            }
            return Optional.of(items.stream().map(Item::text).toList());
        });
    }

    private Optional<String> workingDir(YamlNode node) {
        return nonBlankValue(node, "working_dir").filter(dir -> {
            boolean inside;
            try {
                Path path = Path.of(dir);
                inside = !dir.startsWith("/") && !path.isAbsolute() && !path.normalize().startsWith("..");
            } catch (InvalidPathException e) {
                inside = false;
            }
            if (!inside) {
                problems.wrongValue(node.mark(), "working_dir", "a relative path inside the work directory", node);
            }
            return inside;
        });
    }

    private Optional<PullPolicy> pullPolicy(YamlNode node) {
        return values.string(node, "pull_policy").flatMap(text -> {
            String name = text.strip().toUpperCase(Locale.ROOT).replace('-', '_');
            for (PullPolicy policy : PullPolicy.values()) {
                if (policy.name().equals(name)) {
                    return Optional.of(policy);
                }
            }
            problems.wrongValue(node.mark(), "pull_policy", "always, if_not_present or never", node);
            return Optional.empty();
        });
    }

    private void nonBlank(Mapping doc, String field, Consumer<String> setter) {
        doc.get(field).flatMap(node -> nonBlankValue(node, field)).ifPresent(setter);
    }

    private Optional<String> nonBlankValue(YamlNode node, String field) {
        return values.string(node, field).filter(text -> {
            if (text.isBlank()) {
                problems.wrongValue(node.mark(), field, "a non-blank string", node);
                return false;
            }
            return true;
        });
    }

    private Optional<List<String>> nonBlankList(Mapping doc, String field, String what) {
        return doc.get(field).flatMap(node -> values.list(node, field, true)).flatMap(items -> {
            boolean good = true;
            for (int i = 0; i < items.size(); i++) {
                if (items.get(i).text().isBlank()) {
                    problems.wrongValue(items.get(i).node().mark(), field + "[" + i + "]", "non-blank " + what,
                            items.get(i).node());
                    good = false;
                }
            }
            return good ? Optional.of(items.stream().map(Item::text).toList()) : Optional.empty();
        });
    }

    /** Resolves a path written in a file against that file's directory, recording a malformed one. */
    Optional<Path> path(YamlNode node, String text, String field) {
        return relativeTo(node, text, field, problems);
    }

    static Optional<Path> relativeTo(YamlNode node, String text, String field, Problems problems) {
        try {
            return Optional.of(JobFileResolver.directoryOf(node.mark().file()).resolve(text).normalize());
        } catch (InvalidPathException e) {
            problems.wrongValue(node.mark(), field, "a file path", node.describe(), e.getReason());
            return Optional.empty();
        }
    }
}
