package dev.runpilot.sdk.internal.config;

import dev.runpilot.sdk.ConfigException;
import dev.runpilot.sdk.Job;
import dev.runpilot.sdk.config.ConfigProblem;
import dev.runpilot.sdk.internal.config.YamlNode.Mapping;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Loads one job file: read and parse it and the files it names ({@link JobFileResolver}), substitute
 * variables ({@link Interpolation}), then check and bind every field ({@link JobBinder}). Problems from
 * every stage that could run are reported together in one {@link ConfigException}.
 */
public final class JobFileLoader {
    private final LoaderSettings settings;

    /**
     * Creates a loader.
     *
     * @param settings what to load with
     */
    public JobFileLoader(LoaderSettings settings) {
        this.settings = settings;
    }

    /**
     * Loads {@code file} into a job.
     *
     * @param file the job file
     * @return the job
     * @throws ConfigException with every problem found; nothing else, whatever the file holds
     */
    public Job load(Path file) {
        Problems problems = new Problems();
        try {
            Optional<JobFileResolver.Resolved> resolved = new JobFileResolver(settings, problems).resolve(file);
            if (resolved.isPresent()) {
                Interpolation interpolation = new Interpolation(new Interpolator(settings.variables()), problems);
                Mapping document = (Mapping) interpolation.apply(resolved.get().document(), "");
                Optional<Job> job = new JobBinder(settings, file, problems).bind(document, resolved.get().rootMark());
                if (job.isPresent() && problems.isEmpty()) {
                    return job.get();
                }
            }
        } catch (RuntimeException e) {
            // A bug of ours must still come out as the one exception the loader promises, with its cause.
            List<ConfigProblem> found = problems.sorted();
            Mark at = Mark.startOf(file);
            ConfigProblem internal = new ConfigProblem(at.file(), 1, 1, "", Optional.empty(), Optional.empty(),
                    "could not be loaded (" + e + "); please report this with the file");
            ConfigException failure = new ConfigException(file.toString(),
                    found.isEmpty() ? List.of(internal) : found);
            failure.initCause(e);
            throw failure;
        }
        problems.throwIfAny(file);
        throw new IllegalStateException("no job and no problem for " + file);
    }
}
