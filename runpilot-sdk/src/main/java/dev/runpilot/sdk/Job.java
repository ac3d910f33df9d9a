package dev.runpilot.sdk;

import dev.runpilot.sdk.config.JobFile;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * An immutable description of work to run: what to execute, with which environment, under which
 * limits.
 *
 * <pre>{@code
 * Job job = Job.builder()
 *         .name("train")
 *         .command("python", "train.py")
 *         .env("EPOCHS", "10")
 *         .timeout(Duration.ofHours(2))
 *         .retry(RetryPolicy.maxAttempts(3))
 *         .build();
 * }</pre>
 *
 * <p>A job runs either a {@linkplain Builder#command(String...) command} (an argument list, run as
 * is) or an {@linkplain Builder#entrypoint(String) entrypoint} (one line, run by {@code sh -c}).
 * Secrets are passed to the job's environment like {@link #env()} but never appear in
 * {@link #toString()}, logs, events or error messages.
 *
 * <p>Some fields belong to features that a given client may not support (an image needs a container
 * runtime; GPUs, volumes, source bundles and artifacts need their modules). Submitting a job that uses
 * one the client cannot honour fails with an {@link InvalidJobException} naming the field; nothing is
 * silently ignored.
 */
public final class Job {
    private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private final String name;
    private final Optional<String> image;
    private final List<String> command;
    private final Optional<String> entrypoint;
    private final Map<String, String> env;
    private final Map<String, String> secrets;
    private final Optional<String> workingDir;
    private final Optional<String> user;
    private final Optional<String> network;
    private final Optional<PullPolicy> pullPolicy;
    private final Optional<HealthCheck> healthCheck;
    private final Optional<GpuRequest> gpu;
    private final Optional<Resources> resources;
    private final Optional<String> resourceClass;
    private final Optional<Duration> timeout;
    private final RetryPolicy retry;
    private final List<String> dependsOn;
    private final Map<String, String> labels;
    private final int priority;
    private final List<Volume> volumes;
    private final List<String> artifacts;
    private final Optional<Path> source;
    private final List<String> ignore;

    private Job(Builder b) {
        this.name = b.name;
        this.image = Optional.ofNullable(b.image);
        this.command = List.copyOf(b.command);
        this.entrypoint = Optional.ofNullable(b.entrypoint);
        this.env = Collections.unmodifiableMap(new TreeMap<>(b.env));
        this.secrets = Collections.unmodifiableMap(new TreeMap<>(b.secrets));
        this.workingDir = Optional.ofNullable(b.workingDir);
        this.user = Optional.ofNullable(b.user);
        this.network = Optional.ofNullable(b.network);
        this.pullPolicy = Optional.ofNullable(b.pullPolicy);
        this.healthCheck = Optional.ofNullable(b.healthCheck);
        this.gpu = Optional.ofNullable(b.gpu);
        this.resources = Optional.ofNullable(b.resources);
        this.resourceClass = Optional.ofNullable(b.resourceClass);
        this.timeout = Optional.ofNullable(b.timeout);
        this.retry = b.retry;
        this.dependsOn = List.copyOf(b.dependsOn);
        this.labels = Collections.unmodifiableMap(new TreeMap<>(b.labels));
        this.priority = b.priority;
        this.volumes = List.copyOf(b.volumes);
        this.artifacts = List.copyOf(b.artifacts);
        this.source = Optional.ofNullable(b.source);
        this.ignore = List.copyOf(b.ignore);
    }

    /**
     * Returns a builder for a new job.
     *
     * @return a new, empty builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Loads a job from a job file ({@code runpilot.yaml}): the same immutable job {@link #builder()} makes.
     * The format is described in {@code docs/job-files.md}; {@link JobFile#loader()} has the options.
     *
     * @param file the job file
     * @return the job
     * @throws ConfigException listing every problem in the file, each with its line and column
     */
    public static Job fromYaml(Path file) {
        return JobFile.loader().load(file);
    }

    /**
     * Loads a job from a job file with an environment's overlay applied (its {@code environments:} entry).
     *
     * @param file the job file
     * @param environment the environment, such as {@code prod}; an unknown one is a problem
     * @return the job
     * @throws ConfigException listing every problem in the file, each with its line and column
     */
    public static Job fromYaml(Path file, String environment) {
        return JobFile.loader().environment(environment).load(file);
    }

    /**
     * Returns a builder holding this job's fields, to derive a changed copy.
     *
     * @return a new builder
     */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.name = name;
        b.image = image.orElse(null);
        b.command = new ArrayList<>(command);
        b.entrypoint = entrypoint.orElse(null);
        b.env = new LinkedHashMap<>(env);
        b.secrets = new LinkedHashMap<>(secrets);
        b.workingDir = workingDir.orElse(null);
        b.user = user.orElse(null);
        b.network = network.orElse(null);
        b.pullPolicy = pullPolicy.orElse(null);
        b.healthCheck = healthCheck.orElse(null);
        b.gpu = gpu.orElse(null);
        b.resources = resources.orElse(null);
        b.resourceClass = resourceClass.orElse(null);
        b.timeout = timeout.orElse(null);
        b.retry = retry;
        b.dependsOn = new ArrayList<>(dependsOn);
        b.labels = new LinkedHashMap<>(labels);
        b.priority = priority;
        b.volumes = new ArrayList<>(volumes);
        b.artifacts = new ArrayList<>(artifacts);
        b.source = source.orElse(null);
        b.ignore = new ArrayList<>(ignore);
        return b;
    }

    /** @return the job's name, shown in listings; {@code "job"} when not set */
    public String name() {
        return name;
    }

    /** @return the container image to run in, if any */
    public Optional<String> image() {
        return image;
    }

    /** @return the command as an argument list; empty when the job uses an {@link #entrypoint()} */
    public List<String> command() {
        return command;
    }

    /** @return the shell command line run by {@code sh -c}, if the job uses one */
    public Optional<String> entrypoint() {
        return entrypoint;
    }

    /** @return the environment variables, sorted by name */
    public Map<String, String> env() {
        return env;
    }

    /** @return the secret environment variables, sorted by name; kept out of logs and {@code toString()} */
    public Map<String, String> secrets() {
        return secrets;
    }

    /** @return the working directory, relative to the attempt's work directory, if set */
    public Optional<String> workingDir() {
        return workingDir;
    }

    /** @return the user the job's container runs as (such as {@code 1000:1000}), if set */
    public Optional<String> user() {
        return user;
    }

    /** @return the network the job's container joins ({@code none}, {@code host}, {@code bridge} or a network name), if set */
    public Optional<String> network() {
        return network;
    }

    /** @return when the job's image is pulled; empty leaves it to the runtime ({@link PullPolicy#IF_NOT_PRESENT}) */
    public Optional<PullPolicy> pullPolicy() {
        return pullPolicy;
    }

    /** @return the health check run inside the job's container, if set (else the image's own, if any) */
    public Optional<HealthCheck> healthCheck() {
        return healthCheck;
    }

    /** @return the GPUs requested, if any */
    public Optional<GpuRequest> gpu() {
        return gpu;
    }

    /** @return the CPUs and memory requested, if set */
    public Optional<Resources> resources() {
        return resources;
    }

    /** @return the named resource class (such as {@code gpu-large}) used to route the job, if set */
    public Optional<String> resourceClass() {
        return resourceClass;
    }

    /** @return how long one attempt may run before it is stopped with {@link RunStatus#TIMED_OUT}, if limited */
    public Optional<Duration> timeout() {
        return timeout;
    }

    /** @return the retry policy; {@link RetryPolicy#none()} by default */
    public RetryPolicy retry() {
        return retry;
    }

    /** @return the ids of the runs that must succeed before this one is queued */
    public List<String> dependsOn() {
        return dependsOn;
    }

    /** @return the labels, sorted by key; used to find runs */
    public Map<String, String> labels() {
        return labels;
    }

    /** @return the priority; higher runs first, equal priorities in submission order. Default 0 */
    public int priority() {
        return priority;
    }

    /** @return the volumes mounted into the job's container */
    public List<Volume> volumes() {
        return volumes;
    }

    /** @return glob patterns of files, relative to the work directory, saved as artifacts after the run */
    public List<String> artifacts() {
        return artifacts;
    }

    /** @return the source tree bundled and shipped with the job, if any */
    public Optional<Path> source() {
        return source;
    }

    /** @return extra ignore patterns (gitignore syntax) applied when bundling {@link #source()} */
    public List<String> ignore() {
        return ignore;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Job that
                && priority == that.priority
                && name.equals(that.name)
                && image.equals(that.image)
                && command.equals(that.command)
                && entrypoint.equals(that.entrypoint)
                && env.equals(that.env)
                && secrets.equals(that.secrets)
                && workingDir.equals(that.workingDir)
                && user.equals(that.user)
                && network.equals(that.network)
                && pullPolicy.equals(that.pullPolicy)
                && healthCheck.equals(that.healthCheck)
                && gpu.equals(that.gpu)
                && resources.equals(that.resources)
                && resourceClass.equals(that.resourceClass)
                && timeout.equals(that.timeout)
                && retry.equals(that.retry)
                && dependsOn.equals(that.dependsOn)
                && labels.equals(that.labels)
                && volumes.equals(that.volumes)
                && artifacts.equals(that.artifacts)
                && source.equals(that.source)
                && ignore.equals(that.ignore);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, image, command, entrypoint, env, secrets, workingDir, user, network, pullPolicy, healthCheck,
                gpu, resources,
                resourceClass, timeout, retry, dependsOn, labels, priority, volumes, artifacts, source, ignore);
    }

    /** Describes the job; secret values are replaced by {@code ***}. */
    @Override
    public String toString() {
        StringBuilder text = new StringBuilder("Job{name=").append(name);
        image.ifPresent(v -> text.append(", image=").append(v));
        if (!command.isEmpty()) {
            text.append(", command=").append(command);
        }
        entrypoint.ifPresent(v -> text.append(", entrypoint=").append(v));
        if (!env.isEmpty()) {
            text.append(", env=").append(env);
        }
        if (!secrets.isEmpty()) {
            text.append(", secrets=").append(secrets.keySet()).append("=***");
        }
        workingDir.ifPresent(v -> text.append(", workingDir=").append(v));
        user.ifPresent(v -> text.append(", user=").append(v));
        network.ifPresent(v -> text.append(", network=").append(v));
        pullPolicy.ifPresent(v -> text.append(", pullPolicy=").append(v));
        healthCheck.ifPresent(v -> text.append(", healthCheck=").append(v));
        gpu.ifPresent(v -> text.append(", gpu=").append(v));
        resources.ifPresent(v -> text.append(", resources=").append(v));
        resourceClass.ifPresent(v -> text.append(", resourceClass=").append(v));
        timeout.ifPresent(v -> text.append(", timeout=").append(v));
        if (retry.maxAttempts() > 1) {
            text.append(", retry=").append(retry);
        }
        if (!dependsOn.isEmpty()) {
            text.append(", dependsOn=").append(dependsOn);
        }
        if (!labels.isEmpty()) {
            text.append(", labels=").append(labels);
        }
        if (priority != 0) {
            text.append(", priority=").append(priority);
        }
        if (!volumes.isEmpty()) {
            text.append(", volumes=").append(volumes);
        }
        if (!artifacts.isEmpty()) {
            text.append(", artifacts=").append(artifacts);
        }
        source.ifPresent(v -> text.append(", source=").append(v));
        if (!ignore.isEmpty()) {
            text.append(", ignore=").append(ignore);
        }
        return text.append('}').toString();
    }

    /**
     * Builds a {@link Job}. Not thread-safe; {@link #build()} checks every field at once and reports
     * all problems in one {@link InvalidJobException}.
     */
    public static final class Builder {
        private String name = "job";
        private String image;
        private List<String> command = new ArrayList<>();
        private String entrypoint;
        private Map<String, String> env = new LinkedHashMap<>();
        private Map<String, String> secrets = new LinkedHashMap<>();
        private String workingDir;
        private String user;
        private String network;
        private PullPolicy pullPolicy;
        private HealthCheck healthCheck;
        private GpuRequest gpu;
        private Resources resources;
        private String resourceClass;
        private Duration timeout;
        private RetryPolicy retry = RetryPolicy.none();
        private List<String> dependsOn = new ArrayList<>();
        private Map<String, String> labels = new LinkedHashMap<>();
        private int priority;
        private List<Volume> volumes = new ArrayList<>();
        private List<String> artifacts = new ArrayList<>();
        private Path source;
        private List<String> ignore = new ArrayList<>();

        private Builder() {
        }

        /**
         * Sets the name shown in listings. Default {@code "job"}.
         *
         * @param name a non-blank name
         * @return this builder
         */
        public Builder name(String name) {
            this.name = Objects.requireNonNull(name, "name");
            return this;
        }

        /**
         * Sets the container image the job runs in. Needs a container runtime such as {@code docker}.
         *
         * @param image an image reference such as {@code python:3.11}
         * @return this builder
         */
        public Builder image(String image) {
            this.image = Objects.requireNonNull(image, "image");
            return this;
        }

        /**
         * Sets the command to run, as an argument list executed without a shell.
         *
         * @param command the program and its arguments
         * @return this builder
         */
        public Builder command(String... command) {
            return command(Arrays.asList(command));
        }

        /**
         * Sets the command to run, as an argument list executed without a shell.
         *
         * @param command the program and its arguments
         * @return this builder
         */
        public Builder command(List<String> command) {
            this.command = new ArrayList<>(Objects.requireNonNull(command, "command"));
            return this;
        }

        /**
         * Sets a shell command line, run with {@code sh -c}, in place of {@link #command(String...)}.
         *
         * @param entrypoint a command line such as {@code python train.py --epochs 100}
         * @return this builder
         */
        public Builder entrypoint(String entrypoint) {
            this.entrypoint = Objects.requireNonNull(entrypoint, "entrypoint");
            return this;
        }

        /**
         * Adds one environment variable.
         *
         * @param key the variable name
         * @param value its value
         * @return this builder
         */
        public Builder env(String key, String value) {
            this.env.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value of " + key));
            return this;
        }

        /**
         * Adds environment variables.
         *
         * @param env variables by name
         * @return this builder
         */
        public Builder env(Map<String, String> env) {
            env.forEach(this::env);
            return this;
        }

        /**
         * Adds one secret environment variable: passed to the job, masked everywhere RunPilot writes text.
         *
         * @param key the variable name
         * @param value the secret value
         * @return this builder
         */
        public Builder secret(String key, String value) {
            this.secrets.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "secret " + key));
            return this;
        }

        /**
         * Adds secret environment variables.
         *
         * @param secrets secrets by name
         * @return this builder
         */
        public Builder secrets(Map<String, String> secrets) {
            secrets.forEach(this::secret);
            return this;
        }

        /**
         * Sets the working directory, relative to the attempt's work directory. Default: the work directory.
         *
         * @param workingDir a relative path
         * @return this builder
         */
        public Builder workingDir(String workingDir) {
            this.workingDir = Objects.requireNonNull(workingDir, "workingDir");
            return this;
        }

        /**
         * Sets the user the job's container runs as. Needs a container runtime.
         *
         * @param user a name or {@code uid[:gid]}
         * @return this builder
         */
        public Builder user(String user) {
            this.user = Objects.requireNonNull(user, "user");
            return this;
        }

        /**
         * Sets the network the job's container joins. Needs a container runtime.
         *
         * @param network {@code none}, {@code host}, {@code bridge} or a network name
         * @return this builder
         */
        public Builder network(String network) {
            this.network = Objects.requireNonNull(network, "network");
            return this;
        }

        /**
         * Sets when the job's image is pulled. Default: the runtime's ({@link PullPolicy#IF_NOT_PRESENT}).
         *
         * @param pullPolicy the policy
         * @return this builder
         */
        public Builder pullPolicy(PullPolicy pullPolicy) {
            this.pullPolicy = Objects.requireNonNull(pullPolicy, "pullPolicy");
            return this;
        }

        /**
         * Sets a health check run inside the job's container. Needs a container runtime.
         *
         * @param healthCheck the check
         * @return this builder
         */
        public Builder healthCheck(HealthCheck healthCheck) {
            this.healthCheck = Objects.requireNonNull(healthCheck, "healthCheck");
            return this;
        }

        /**
         * Requests GPUs.
         *
         * @param gpu the request
         * @return this builder
         */
        public Builder gpu(GpuRequest gpu) {
            this.gpu = Objects.requireNonNull(gpu, "gpu");
            return this;
        }

        /**
         * Requests CPUs and memory.
         *
         * @param resources the request
         * @return this builder
         */
        public Builder resources(Resources resources) {
            this.resources = Objects.requireNonNull(resources, "resources");
            return this;
        }

        /**
         * Names the resource class agents are matched against.
         *
         * @param resourceClass a class name such as {@code gpu-large}
         * @return this builder
         */
        public Builder resourceClass(String resourceClass) {
            this.resourceClass = Objects.requireNonNull(resourceClass, "resourceClass");
            return this;
        }

        /**
         * Limits how long one attempt may run. Default: no limit.
         *
         * @param timeout a positive duration
         * @return this builder
         */
        public Builder timeout(Duration timeout) {
            this.timeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        /**
         * Sets the retry policy. Default {@link RetryPolicy#none()}.
         *
         * @param retry the policy
         * @return this builder
         */
        public Builder retry(RetryPolicy retry) {
            this.retry = Objects.requireNonNull(retry, "retry");
            return this;
        }

        /**
         * Makes the job wait until these runs have succeeded; if one fails or is cancelled, this run
         * fails with reason {@code dependency_failed}.
         *
         * @param runIds ids of runs submitted earlier
         * @return this builder
         */
        public Builder dependsOn(String... runIds) {
            for (String id : runIds) {
                this.dependsOn.add(Objects.requireNonNull(id, "run id"));
            }
            return this;
        }

        /**
         * Makes the job wait until these runs have succeeded.
         *
         * @param runs handles of runs submitted earlier
         * @return this builder
         */
        public Builder dependsOn(Run... runs) {
            for (Run run : runs) {
                this.dependsOn.add(run.id());
            }
            return this;
        }

        /**
         * Adds a label, used to find runs ({@link RunQuery.Builder#label(String, String)}).
         *
         * @param key the label key
         * @param value the label value
         * @return this builder
         */
        public Builder label(String key, String value) {
            this.labels.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value of " + key));
            return this;
        }

        /**
         * Adds labels.
         *
         * @param labels labels by key
         * @return this builder
         */
        public Builder labels(Map<String, String> labels) {
            labels.forEach(this::label);
            return this;
        }

        /**
         * Sets the priority: higher runs first; equal priorities run in submission order. Default 0.
         *
         * @param priority any integer
         * @return this builder
         */
        public Builder priority(int priority) {
            this.priority = priority;
            return this;
        }

        /**
         * Adds a volume mounted into the job's container.
         *
         * @param volume the volume
         * @return this builder
         */
        public Builder volume(Volume volume) {
            this.volumes.add(Objects.requireNonNull(volume, "volume"));
            return this;
        }

        /**
         * Adds glob patterns of files saved as artifacts after the run.
         *
         * @param globs patterns relative to the work directory, such as {@code out/*.pt}
         * @return this builder
         */
        public Builder artifacts(String... globs) {
            this.artifacts.addAll(Arrays.asList(globs));
            return this;
        }

        /**
         * Sets the source tree bundled and shipped with the job.
         *
         * @param source a directory
         * @return this builder
         */
        public Builder source(Path source) {
            this.source = Objects.requireNonNull(source, "source");
            return this;
        }

        /**
         * Adds ignore patterns (gitignore syntax) applied when bundling the source.
         *
         * @param patterns the patterns
         * @return this builder
         */
        public Builder ignore(String... patterns) {
            this.ignore.addAll(Arrays.asList(patterns));
            return this;
        }

        /**
         * Checks every field and builds the job.
         *
         * @return the immutable job
         * @throws InvalidJobException listing every problem found
         */
        public Job build() {
            List<String> problems = new ArrayList<>();
            if (name.isBlank()) {
                problems.add("name must not be blank");
            }
            boolean hasCommand = !command.isEmpty();
            boolean hasEntrypoint = entrypoint != null;
            if (!hasCommand && !hasEntrypoint) {
                problems.add("no command: set command(\"program\", \"arg\", ...) or entrypoint(\"shell command line\")");
            } else if (hasCommand && hasEntrypoint) {
                problems.add("both command and entrypoint are set: keep one (command runs an argument list, entrypoint a shell line)");
            } else if (hasCommand && (command.get(0) == null || command.get(0).isBlank())) {
                problems.add("command must start with a program name, was " + command);
            } else if (hasCommand && command.contains(null)) {
                problems.add("command must not contain null arguments, was " + command);
            } else if (hasEntrypoint && entrypoint.isBlank()) {
                problems.add("entrypoint must not be blank");
            }
            if (timeout != null && (timeout.isNegative() || timeout.isZero())) {
                problems.add("timeout must be positive, was " + timeout + "; leave it unset for no limit");
            }
            checkEnvNames(env.keySet(), "env", problems);
            checkEnvNames(secrets.keySet(), "secret", problems);
            env.keySet().stream().filter(secrets::containsKey).forEach(key ->
                    problems.add("'" + key + "' is set both as env and as secret; keep one"));
            labels.keySet().stream().filter(String::isBlank).findAny().ifPresent(key ->
                    problems.add("label keys must not be blank"));
            dependsOn.stream().filter(String::isBlank).findAny().ifPresent(id ->
                    problems.add("dependsOn must name run ids, found a blank one"));
            if (workingDir != null && (workingDir.isBlank() || Path.of(workingDir).isAbsolute()
                    || Path.of(workingDir).normalize().startsWith(".."))) {
                problems.add("workingDir must be a relative path inside the work directory, was '" + workingDir + "'");
            }
            artifacts.stream().filter(g -> g == null || g.isBlank()).findAny().ifPresent(g ->
                    problems.add("artifact patterns must not be blank"));
            if (!problems.isEmpty()) {
                throw new InvalidJobException("Invalid job '" + name + "': " + String.join("; ", problems) + ".");
            }
            return new Job(this);
        }

        private static void checkEnvNames(Iterable<String> names, String kind, List<String> problems) {
            for (String key : names) {
                if (!ENV_NAME.matcher(key).matches()) {
                    problems.add(kind + " name '" + key + "' is not a valid variable name (letters, digits, _; not starting with a digit)");
                }
            }
        }
    }
}
