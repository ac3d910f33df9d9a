package dev.runpilot.cli;

import dev.runpilot.sdk.Job;
import dev.runpilot.sdk.config.JobFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * How {@code run} and {@code submit} describe a job: a job file ({@code -f runpilot.yaml}), or a command after
 * {@code --}; options given here override the file's values.
 */
final class JobOptions {
    @Option(names = {"-f", "--file"}, paramLabel = "FILE",
            description = "Job file to run, such as runpilot.yaml.")
    Path file;

    @Option(names = {"-e", "--environment"}, paramLabel = "NAME",
            description = "Environment overlay of the job file to apply (environments: NAME).")
    String environment;

    @Option(names = "--name", paramLabel = "NAME", description = "Run name. Default: the file's name, else the command.")
    String name;

    @Option(names = "--image", paramLabel = "IMAGE", description = "Container image (runs on Docker).")
    String image;

    @Option(names = {"-s", "--source"}, paramLabel = "DIR",
            description = "Directory to bundle and run the job in (a progress bar shows on a terminal).")
    Path source;

    @Option(names = {"-l", "--label"}, paramLabel = "KEY=VALUE", description = "Label to find the run by; repeatable.")
    Map<String, String> labels = new LinkedHashMap<>();

    @Option(names = "--env", paramLabel = "KEY=VALUE", description = "Environment variable for the job; repeatable.")
    Map<String, String> env = new LinkedHashMap<>();

    @Option(names = "--timeout", paramLabel = "DURATION", description = "Timeout as ISO-8601 (PT10M) or 90s, 10m, 2h.",
            converter = DurationConverter.class)
    Duration timeout;

    @Option(names = "--priority", paramLabel = "N", description = "Priority: higher runs first.")
    Integer priority;

    @Parameters(paramLabel = "COMMAND", description = "Command and arguments to run, after --.")
    List<String> command = new ArrayList<>();

    /** Builds the job, or says what is missing. */
    Job toJob(CommandLine cli) {
        Job.Builder builder;
        if (file != null) {
            if (!Files.exists(file)) {
                throw new ExitCodes.NotFoundException("Job file " + file + " does not exist");
            }
            JobFile.Loader loader = JobFile.loader();
            if (environment != null) {
                loader.environment(environment);
            }
            builder = loader.load(file).toBuilder();
            if (!command.isEmpty()) {
                builder.command(command);
            }
        } else {
            if (command.isEmpty()) {
                throw new CommandLine.ParameterException(cli,
                        "Give a job file (-f runpilot.yaml) or a command after --, such as: runpilot "
                                + cli.getCommandName() + " -- echo hello");
            }
            if (environment != null) {
                throw new CommandLine.ParameterException(cli, "--environment applies to a job file; add -f FILE");
            }
            builder = Job.builder().name(String.join(" ", command)).command(command);
        }
        if (name != null) {
            builder.name(name);
        }
        if (image != null) {
            builder.image(image);
        }
        if (source != null) {
            if (!Files.isDirectory(source)) {
                throw new ExitCodes.NotFoundException("Source directory " + source + " does not exist");
            }
            builder.source(source.toAbsolutePath());
        }
        labels.forEach(builder::label);
        env.forEach(builder::env);
        if (timeout != null) {
            builder.timeout(timeout);
        }
        if (priority != null) {
            builder.priority(priority);
        }
        return builder.build();
    }

    /** Whether the job has a source directory to bundle, so a progress bar may show. */
    boolean hasSource(Job job) {
        return job.source().isPresent();
    }

    /** Reads 90s, 10m, 2h, 1d or ISO-8601 durations. */
    static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            String text = value.trim().toLowerCase(java.util.Locale.ROOT);
            try {
                if (text.startsWith("p")) {
                    return Duration.parse(text.toUpperCase(java.util.Locale.ROOT));
                }
                long amount = Long.parseLong(text.substring(0, text.length() - 1));
                return switch (text.charAt(text.length() - 1)) {
                    case 's' -> Duration.ofSeconds(amount);
                    case 'm' -> Duration.ofMinutes(amount);
                    case 'h' -> Duration.ofHours(amount);
                    case 'd' -> Duration.ofDays(amount);
                    default -> throw new CommandLine.TypeConversionException(
                            "expected a duration such as 90s, 10m, 2h or PT10M, found '" + value + "'");
                };
            } catch (RuntimeException e) {
                if (e instanceof CommandLine.TypeConversionException conversion) {
                    throw conversion;
                }
                throw new CommandLine.TypeConversionException(
                        "expected a duration such as 90s, 10m, 2h or PT10M, found '" + value + "'");
            }
        }
    }
}
