package dev.runpilot.docker.internal;

import com.github.dockerjava.api.command.CreateContainerCmd;
import com.github.dockerjava.api.model.DeviceRequest;
import com.github.dockerjava.api.model.HealthCheck;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.LogConfig;
import com.github.dockerjava.api.model.Mount;
import com.github.dockerjava.api.model.MountType;
import dev.runpilot.sdk.Job;
import dev.runpilot.sdk.Resources;
import dev.runpilot.sdk.Volume;
import dev.runpilot.sdk.spi.ExecutionRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * How an attempt becomes a container: command and entrypoint, environment, mounts, user, network, limits, GPUs,
 * health check, labels and the engine's log rotation. Also says up front what in a job cannot become one.
 */
final class ContainerDefinition {
    private final RuntimeSettings settings;
    private final AgentIdentity owner;

    ContainerDefinition(RuntimeSettings settings, AgentIdentity owner) {
        this.settings = settings;
        this.owner = owner;
    }

    /** Lists what in a job this runtime cannot honour, one sentence per problem. */
    List<String> unsupported(Job job) {
        List<String> problems = new ArrayList<>();
        if (job.image().isEmpty()) {
            problems.add("image: runtime 'docker' runs every job in a container and this job names no image; set image(...),"
                    + " or choose runtime(\"process\") to run it directly on the host");
        } else if (job.image().get().isBlank() || job.image().get().chars().anyMatch(Character::isWhitespace)) {
            problems.add("image '" + job.image().get() + "' is not an image reference such as python:3.11");
        }
        job.gpu().flatMap(g -> g.type()).ifPresent(type -> problems.add("gpu type '" + type + "': runtime 'docker' requests"
                + " GPUs by count from the nvidia driver and cannot pick a type; drop the type, or route the job to agents"
                + " that have it"));
        for (Volume volume : job.volumes()) {
            String source = volume.source();
            boolean hostPath = source.startsWith("/");
            if (!hostPath && !source.matches("[A-Za-z0-9][A-Za-z0-9_.-]+")) {
                problems.add("volume source '" + source + "' is neither an absolute host path nor a volume name;"
                        + " write /absolute/path or a name such as data-cache");
            }
            if (!volume.target().startsWith("/")) {
                problems.add("volume target '" + volume.target() + "' must be an absolute path inside the container");
            } else if (normalize(volume.target()).equals(settings.workDirMount())) {
                problems.add("volume target '" + volume.target() + "' is where the work directory is mounted;"
                        + " choose another target, or another workDirMount on the runtime");
            }
        }
        return problems;
    }

    /** The container's working directory: the mount point, or the job's workingDir below it. */
    String workingDir(Job job) {
        return job.workingDir().map(dir -> settings.workDirMount() + "/" + Path.of(dir).normalize()).orElse(settings.workDirMount());
    }

    /** Fills a create command for this attempt, with the image already resolved. */
    CreateContainerCmd apply(CreateContainerCmd create, ExecutionRequest request, String name) {
        Job job = request.job();
        if (job.entrypoint().isPresent()) {
            // The job's shell line replaces the image's ENTRYPOINT, and with it the image's CMD.
            create.withEntrypoint(request.command());
        } else {
            // The job's command replaces the image's CMD and runs through its ENTRYPOINT, as docker run does.
            create.withCmd(request.command());
        }
        create.withName(name)
                .withEnv(environment(request))
                .withWorkingDir(workingDir(job))
                .withLabels(owner.labels(request.runId(), request.attempt(), request.agentId()))
                .withAttachStdout(true)
                .withAttachStderr(true)
                .withAttachStdin(false)
                .withStdinOpen(false)
                .withTty(false)
                .withHostConfig(hostConfig(request));
        job.user().ifPresent(create::withUser);
        job.healthCheck().ifPresent(check -> create.withHealthcheck(new HealthCheck()
                .withTest(prepend("CMD", check.command()))
                .withInterval(nanos(check.interval()))
                .withTimeout(nanos(check.timeout()))
                .withRetries(check.retries())
                .withStartPeriod(nanos(check.startPeriod()))));
        return create;
    }

    private List<String> environment(ExecutionRequest request) {
        Map<String, String> env = new TreeMap<>(request.environment());
        // Registry credentials are for pulling the image; the job itself never sees them.
        if (request.job().secrets().containsKey(RegistryCredentials.USERNAME_SECRET)) {
            env.remove(RegistryCredentials.USERNAME_SECRET);
        }
        if (request.job().secrets().containsKey(RegistryCredentials.PASSWORD_SECRET)) {
            env.remove(RegistryCredentials.PASSWORD_SECRET);
        }
        env.put("RUNPILOT_RUN_ID", request.runId());
        env.put("RUNPILOT_ATTEMPT", Integer.toString(request.attempt()));
        env.put("RUNPILOT_WORK_DIR", settings.workDirMount());
        List<String> list = new ArrayList<>();
        env.forEach((key, value) -> list.add(key + "=" + value));
        return list;
    }

    private HostConfig hostConfig(ExecutionRequest request) {
        Job job = request.job();
        List<Mount> mounts = new ArrayList<>();
        mounts.add(new Mount().withType(MountType.BIND).withSource(request.workDir().toAbsolutePath().toString())
                .withTarget(settings.workDirMount()));
        for (Volume volume : job.volumes()) {
            mounts.add(new Mount().withType(volume.source().startsWith("/") ? MountType.BIND : MountType.VOLUME)
                    .withSource(volume.source()).withTarget(volume.target()).withReadOnly(volume.readOnly()));
        }
        HostConfig host = HostConfig.newHostConfig().withMounts(mounts);
        job.network().ifPresent(host::withNetworkMode);
        job.resources().ifPresent(r -> limits(host, r));
        job.gpu().ifPresent(gpu -> host.withDeviceRequests(List.of(new DeviceRequest()
                .withDriver("nvidia")
                .withCount(gpu.count())
                .withCapabilities(List.of(List.of("gpu"))))));
        if (settings.engineLogMaxFiles() > 0) {
            host.withLogConfig(new LogConfig(LogConfig.LoggingType.JSON_FILE, Map.of(
                    "max-size", Long.toString(settings.engineLogMaxFileBytes()),
                    "max-file", Integer.toString(settings.engineLogMaxFiles()))));
        }
        return host;
    }

    private static void limits(HostConfig host, Resources resources) {
        if (resources.cpus() > 0) {
            host.withNanoCPUs(Math.round(resources.cpus() * 1_000_000_000d));
        }
        if (resources.memoryBytes() > 0) {
            // Swap equal to memory means no swap: a job over its limit is OOM-killed rather than slowed down.
            host.withMemory(resources.memoryBytes()).withMemorySwap(resources.memoryBytes());
        }
        if (resources.pids() > 0) {
            host.withPidsLimit(resources.pids());
        }
    }

    private static List<String> prepend(String first, List<String> rest) {
        List<String> all = new ArrayList<>();
        all.add(first);
        all.addAll(rest);
        return all;
    }

    private static Long nanos(Duration duration) {
        return duration.toNanos();
    }

    private static String normalize(String path) {
        String normalized = Path.of(path).normalize().toString();
        return normalized.length() > 1 && normalized.endsWith("/") ? normalized.substring(0, normalized.length() - 1) : normalized;
    }
}
