package dev.runpilot.docker.internal;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.CreateContainerResponse;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.HealthCheck;
import dev.runpilot.docker.DockerRuntime;
import dev.runpilot.sdk.Job;
import dev.runpilot.sdk.RunPilotException;
import dev.runpilot.sdk.spi.Execution;
import dev.runpilot.sdk.spi.ExecutionRequest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code docker} runtime: prepares the image, creates a labelled container for the attempt, attaches to its
 * output before starting it (so no line is missed), and hands back a {@link DockerExecution} that watches it.
 */
final class DockerContainerRuntime implements DockerRuntime {
    private static final Logger log = LoggerFactory.getLogger(DockerContainerRuntime.class);
    /** How long the engine may take to open a container's output stream. */
    private static final long ATTACH_TIMEOUT_SECONDS = 30;

    private final RuntimeSettings settings;
    private final DockerClient client;
    private final ContainerDefinition definition;
    private final ImagePreparer images;
    private final ScheduledExecutorService scheduler;
    private final Set<DockerExecution> live = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    private DockerContainerRuntime(RuntimeSettings settings, DockerClient client, AgentIdentity owner) {
        this.settings = settings;
        this.client = client;
        this.definition = new ContainerDefinition(settings, owner);
        this.images = new ImagePreparer(client, settings.endpoint(), new RegistryCredentials(settings.dockerConfig()));
        this.scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "runpilot-docker-health");
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Connects, checks that the engine answers, and sweeps what dead agents on this host left. */
    static DockerContainerRuntime open(RuntimeSettings settings) {
        DockerClient client;
        try {
            client = EngineConnection.open(settings.endpoint(), settings.tlsCertPath());
        } catch (RuntimeException e) {
            throw EngineConnection.unreachable(settings.endpoint(), e);
        }
        try {
            EngineConnection.ping(client, settings.endpoint());
            AgentIdentity owner = AgentIdentity.current();
            int swept = new OrphanSweeper(client, owner.host()).sweep();
            if (swept > 0) {
                log.info("Removed {} container(s) left on {} by dead agents", swept, settings.endpoint().host());
            }
            log.debug("Docker runtime connected to {}", settings.endpoint().describe());
            return new DockerContainerRuntime(settings, client, owner);
        } catch (RuntimeException e) {
            closeQuietly(client);
            throw e;
        }
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String endpoint() {
        return settings.endpoint().describe();
    }

    @Override
    public List<String> unsupported(Job job) {
        return definition.unsupported(job);
    }

    @Override
    public Execution start(ExecutionRequest request) {
        if (closed) {
            throw new IllegalStateException("This Docker runtime is closed");
        }
        Job job = request.job();
        List<String> problems = definition.unsupported(job);
        if (!problems.isEmpty()) {
            throw new RunPilotException("Runtime 'docker' cannot run job '" + job.name() + "': " + String.join("; ", problems) + ".");
        }
        String image = images.prepare(job.image().orElseThrow(), job.pullPolicy().orElse(settings.defaultPullPolicy()),
                job.secrets(), request.output());
        createWorkingDir(request);
        String name = ContainerNames.forAttempt(request.runId(), request.attempt());
        String id = create(request, image, name);
        try {
            OutputPump output = new OutputPump(new LogBudget(settings.logLimit(), settings.logTailBytes(), request.output()));
            // Attached before start, so the stream sees every byte; asking for past logs too makes the engine replay them
            // when the container exits quickly, delivering its output twice.
            client.attachContainerCmd(id).withStdOut(true).withStdErr(true).withFollowStream(true).withLogs(false).exec(output);
            if (!output.awaitStarted(ATTACH_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                throw new RunPilotException("The engine did not open the output stream of container " + name + " within "
                        + ATTACH_TIMEOUT_SECONDS + " s");
            }
            StatsSampler stats = settings.statsInterval().isZero() ? null : new StatsSampler(request.output(), settings.statsInterval());
            DockerExecution execution = new DockerExecution(client, id, name, image, output, stats, settings.keepOnFailure(),
                    live::remove);
            client.startContainerCmd(id).exec();
            live.add(execution);
            execution.watch(hasHealthCheck(id), scheduler);
            return execution;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            removeQuietly(id);
            throw new RunPilotException("Interrupted while starting container " + name + " for run " + request.runId(), e);
        } catch (RuntimeException e) {
            removeQuietly(id);
            if (e instanceof RunPilotException rp) {
                throw rp;
            }
            throw new RunPilotException("Cannot start container " + name + " from image '" + image + "' for run "
                    + request.runId() + ": " + EngineConnection.rootMessage(e).trim()
                    + (job.gpu().isPresent() ? " (the job requests GPUs: the engine needs the NVIDIA container toolkit)" : ""), e);
        }
    }

    private String create(ExecutionRequest request, String image, String name) {
        try {
            CreateContainerResponse created = definition.apply(client.createContainerCmd(image), request, name).exec();
            return created.getId();
        } catch (NotFoundException e) {
            throw new RunPilotException("Cannot create a container for run " + request.runId() + ": " + e.getMessage().trim()
                    + ". Check the image '" + image + "', the network '" + request.job().network().orElse("(default)")
                    + "' and the volumes of the job.", e);
        } catch (DockerException e) {
            throw new RunPilotException("Cannot create a container for run " + request.runId() + " from image '" + image + "': "
                    + e.getMessage().trim(), e);
        }
    }

    /** Whether the container runs a health check: the job's, or one its image declares. */
    private boolean hasHealthCheck(String id) {
        InspectContainerResponse inspected = client.inspectContainerCmd(id).exec();
        HealthCheck check = inspected.getConfig() == null ? null : inspected.getConfig().getHealthcheck();
        List<String> test = check == null ? null : check.getTest();
        return test != null && !test.isEmpty() && !test.get(0).equals("NONE");
    }

    /** The job's workingDir must exist below the mounted work directory, or the engine would create it as root. */
    private void createWorkingDir(ExecutionRequest request) {
        Path dir = request.job().workingDir().map(request.workDir()::resolve).orElse(request.workDir());
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new RunPilotException("Cannot create working directory " + dir + " for run " + request.runId() + ": "
                    + e.getMessage(), e);
        }
    }

    private void removeQuietly(String id) {
        try {
            client.removeContainerCmd(id).withForce(true).withRemoveVolumes(true).exec();
        } catch (RuntimeException e) {
            log.debug("Removing container {} after a failed start failed: {}", id, e.toString());
        }
    }

    /** Stops (kills) and removes any container still running, then closes the connection. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (DockerExecution execution : List.copyOf(live)) {
            try {
                log.warn("Docker runtime closing while {} still runs; killing it", execution.describe());
                execution.stop(Duration.ZERO);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } catch (RuntimeException e) {
                log.warn("Could not stop {}: {}", execution.describe(), e.getMessage());
            }
        }
        scheduler.shutdownNow();
        closeQuietly(client);
    }

    @Override
    public String toString() {
        return "DockerRuntime{" + settings.endpoint().describe() + ", workDirMount=" + settings.workDirMount()
                + ", keepOnFailure=" + settings.keepOnFailure() + ", defaultPullPolicy=" + settings.defaultPullPolicy() + '}';
    }

    private static void closeQuietly(DockerClient client) {
        try {
            client.close();
        } catch (IOException | RuntimeException e) {
            log.debug("Closing the Docker client failed: {}", e.toString());
        }
    }
}
