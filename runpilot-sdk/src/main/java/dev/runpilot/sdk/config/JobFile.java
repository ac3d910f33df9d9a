package dev.runpilot.sdk.config;

import dev.runpilot.sdk.ConfigException;
import dev.runpilot.sdk.Job;
import dev.runpilot.sdk.internal.config.JobFileLoader;
import dev.runpilot.sdk.internal.config.LoaderSettings;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Entry point for job files: YAML documents ({@code runpilot.yaml}) that describe a {@link Job}.
 *
 * <pre>{@code
 * Job job = JobFile.loader()
 *         .environment("prod")
 *         .variables(Map.of("DATA_DIR", "/data"))
 *         .load(Path.of("runpilot.yaml"));
 * }</pre>
 *
 * <p>{@link Job#fromYaml(Path)} is the short form with every default. The format (every field,
 * {@code ${VAR}} interpolation, {@code extends}, {@code environments}, the project defaults file and the
 * {@code .env} syntax) is described in {@code docs/job-files.md}; {@code docs/runpilot.schema.json} is its
 * JSON Schema for editors.
 */
public final class JobFile {
    /** The name of the project defaults file looked for beside each job file. */
    public static final String DEFAULTS_FILE_NAME = "runpilot.defaults.yaml";

    /** The default largest job file, {@code .env} file or extended file read: 1 MiB. */
    public static final long DEFAULT_MAX_FILE_SIZE = 1024 * 1024;

    private JobFile() {
    }

    /**
     * Returns a loader with every default.
     *
     * @return a new loader
     */
    public static Loader loader() {
        return new Loader();
    }

    /**
     * Loads job files into {@link Job}s. Not thread-safe while it is being configured; once configured,
     * {@link #load(Path)} may be called any number of times.
     *
     * <p>Defaults: no environment; the variables of the process ({@link System#getenv()}, read at each
     * {@link #load(Path)}); the project defaults file {@value JobFile#DEFAULTS_FILE_NAME} applied when it
     * exists beside the loaded file; files up to {@link JobFile#DEFAULT_MAX_FILE_SIZE} (1 MiB).
     */
    public static final class Loader {
        private String environment;
        private Map<String, String> variables;
        private boolean projectDefaults = true;
        private long maxFileSize = DEFAULT_MAX_FILE_SIZE;

        private Loader() {
        }

        /**
         * Chooses the environment whose overlay (under {@code environments:} in the file) is applied on
         * top of everything else. Default: none, and the {@code environments} block is only checked.
         *
         * @param name an environment name the file defines, such as {@code prod}
         * @return this loader
         */
        public Loader environment(String name) {
            this.environment = Objects.requireNonNull(name, "environment");
            return this;
        }

        /**
         * Sets the variables {@code ${VAR}} references and {@code secrets} names are looked up in,
         * replacing the default, the process environment ({@link System#getenv()}).
         *
         * @param variables values by name; copied
         * @return this loader
         */
        public Loader variables(Map<String, String> variables) {
            this.variables = Map.copyOf(new TreeMap<>(Objects.requireNonNull(variables, "variables")));
            return this;
        }

        /**
         * Sets whether the project defaults file ({@value JobFile#DEFAULTS_FILE_NAME}) beside the loaded
         * file is applied beneath it. Default {@code true}.
         *
         * @param apply false to ignore the defaults file
         * @return this loader
         */
        public Loader projectDefaults(boolean apply) {
            this.projectDefaults = apply;
            return this;
        }

        /**
         * Sets the largest file the loader reads, checked before a file is parsed. Applies to the job
         * file, every file it extends, the defaults file and env files. Default 1 MiB.
         *
         * @param bytes the limit in bytes, at least 1
         * @return this loader
         * @throws IllegalArgumentException if {@code bytes} is below 1
         */
        public Loader maxFileSize(long bytes) {
            if (bytes < 1) {
                throw new IllegalArgumentException("maxFileSize must be at least 1 byte, was " + bytes);
            }
            this.maxFileSize = bytes;
            return this;
        }

        /**
         * Reads a job file and everything it refers to, and builds the job.
         *
         * @param file the job file; relative paths in it are resolved against its directory
         * @return the job, equal to one built with {@link Job#builder()} from the same values
         * @throws ConfigException listing every problem found, each with its file, line and column; no
         *     other exception is thrown for a malformed, unreadable or oversized file
         */
        public Job load(Path file) {
            Objects.requireNonNull(file, "file");
            Map<String, String> values = variables != null ? variables : System.getenv();
            LoaderSettings settings = new LoaderSettings(Optional.ofNullable(environment), values, projectDefaults,
                    maxFileSize);
            return new JobFileLoader(settings).load(file);
        }
    }
}
