package dev.runpilot.sdk.internal.config;

import dev.runpilot.sdk.Job;
import dev.runpilot.sdk.internal.config.ValueReader.Item;
import dev.runpilot.sdk.internal.config.YamlNode.Mapping;
import dev.runpilot.sdk.internal.config.YamlNode.Sequence;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Binds {@code env}, {@code env_file} and {@code secrets}.
 *
 * <p>Every variable of the env files becomes a secret (that is what {@code .env} files have always held
 * for RunPilot jobs). Without an {@code env_file} key, a {@code .env} file beside the loaded job file is
 * read when it exists; {@code env_file: []} turns that off. {@code secrets} is either a list of names, each
 * taken from the env files or else from the loader's variables, or a mapping of names to values, which
 * win over the env files. A secret name with no value anywhere is a problem.
 */
final class EnvBinder {
    static final String DEFAULT_ENV_FILE = ".env";
    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final Logger LOG = LoggerFactory.getLogger(EnvBinder.class);

    private final ValueReader values;
    private final Problems problems;
    private final LoaderSettings settings;
    private final Path loadedFile;
    private final ConfigFileReader files;

    EnvBinder(ValueReader values, LoaderSettings settings, Path loadedFile) {
        this.values = values;
        this.problems = values.problems();
        this.settings = settings;
        this.loadedFile = loadedFile;
        this.files = new ConfigFileReader(settings.maxFileSize());
    }

    /** A secret's value and where it was set, for messages that name the place but never the value. */
    private record Secret(String value, Mark mark) {
    }

    void bind(Mapping doc, Job.Builder job) {
        Map<String, Secret> secrets = new LinkedHashMap<>();
        envFiles(doc).forEach(variable -> secrets.put(variable.name(), new Secret(variable.value(), variable.mark())));
        Map<String, Secret> fromFiles = Map.copyOf(secrets);
        doc.get("secrets").ifPresent(node -> declaredSecrets(node, fromFiles, secrets));
        doc.get("env").flatMap(node -> values.textMap(node, "env")).ifPresent(env -> env.forEach((name, item) -> {
            if (!isName(name)) {
                problems.add(item.keyMark(), "env." + name, invalidName(name));
            } else if (secrets.containsKey(name)) {
                problems.add(item.keyMark(), "env." + name, name + " is set both in env and as a secret (at "
                        + secrets.get(name).mark() + "); keep one");
            } else {
                job.env(name, item.text());
            }
        }));
        secrets.forEach((name, secret) -> job.secret(name, secret.value()));
    }

    private List<DotEnvFile.Variable> envFiles(Mapping doc) {
        Optional<YamlNode> node = doc.get("env_file");
        if (node.isEmpty()) {
            Path implicit = JobFileResolver.directoryOf(loadedFile).resolve(DEFAULT_ENV_FILE);
            return Files.isRegularFile(implicit) ? read(implicit, Optional.empty()) : List.of();
        }
        Map<String, DotEnvFile.Variable> variables = new LinkedHashMap<>();
        values.list(node.get(), "env_file", true).ifPresent(items -> items.forEach(item ->
                JobBinder.relativeTo(item.node(), item.text(), "env_file", problems).ifPresent(path ->
                        read(path, Optional.of(item.node().mark())).forEach(v -> variables.put(v.name(), v)))));
        return List.copyOf(variables.values());
    }

    private List<DotEnvFile.Variable> read(Path file, Optional<Mark> referencedFrom) {
        LOG.debug("Reading secrets from the env file {}", file);
        return files.read(file, referencedFrom, "env_file", problems)
                .map(text -> List.copyOf(DotEnvFile.parse(file, text, problems).values()))
                .orElse(List.of());
    }

    private void declaredSecrets(YamlNode node, Map<String, Secret> fromFiles, Map<String, Secret> secrets) {
        if (node instanceof Sequence) {
            values.list(node, "secrets", false).ifPresent(names -> names.forEach(item -> {
                String name = item.text();
                if (!isName(name)) {
                    problems.add(item.node().mark(), "secrets", invalidName(name));
                } else if (!fromFiles.containsKey(name)) {
                    String value = settings.variables().get(name);
                    if (value == null) {
                        problems.add(item.node().mark(), "secrets", "secret " + name + " has no value: expected it in"
                                + " the env file (" + DEFAULT_ENV_FILE + " or env_file) or in the environment");
                    } else {
                        secrets.put(name, new Secret(value, item.node().mark()));
                    }
                }
            }));
        } else if (node instanceof Mapping) {
            values.textMap(node, "secrets").ifPresent(map -> map.forEach((name, item) -> {
                if (!isName(name)) {
                    problems.add(item.keyMark(), "secrets." + name, invalidName(name));
                } else {
                    secrets.put(name, new Secret(item.text(), item.keyMark()));
                }
            }));
        } else {
            problems.wrongValue(node.mark(), "secrets", "a list of secret names or a mapping of names to values",
                    node instanceof YamlNode.Scalar ? "a single value" : node.describe(), "");
        }
    }

    private static boolean isName(String name) {
        return NAME.matcher(name).matches();
    }

    private static String invalidName(String name) {
        return "'" + name + "' is not a valid variable name (letters, digits and _, not starting with a digit)";
    }
}
