package dev.runpilot.docker;

import dev.runpilot.docker.internal.DockerRuntimeBuilder;
import dev.runpilot.sdk.PullPolicy;
import dev.runpilot.sdk.spi.ContainerRuntime;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A {@link ContainerRuntime} that runs each attempt of a job in its own container on a Docker engine (or
 * Podman's Docker-compatible socket).
 *
 * <pre>{@code
 * DockerRuntime docker = DockerRuntime.builder()
 *         .workDirMount("/work")
 *         .keepOnFailure(true)
 *         .build();                                   // connects, and removes what dead agents left
 * try (RunPilotClient client = RunPilot.client().runtime(docker).build()) {
 *     client.submit(Job.builder().image("python:3.11").command("python", "train.py").build()).await();
 * }
 * docker.close();                                     // a runtime given to the client is closed by its owner
 * }</pre>
 *
 * <p>With {@code dev.runpilot:runpilot-docker} on the class path, {@code RunPilot.client().runtime("docker")}
 * builds one with the defaults below, and a client that names no runtime (or {@code "auto"}) uses it whenever an
 * engine answers.
 *
 * <p>What a job becomes: its image (pulled according to its {@link PullPolicy}); its {@code command} replaces the
 * image's {@code CMD} and runs through the image's {@code ENTRYPOINT}, if any, as {@code docker run IMAGE COMMAND}
 * would; its {@code entrypoint} line replaces both, run as {@code sh -c LINE}. The attempt's work directory is
 * mounted at {@link Builder#workDirMount(String)} and is the container's working directory. Containers carry the
 * labels {@value #LABEL_RUN_ID}, {@value #LABEL_ATTEMPT} and {@value #LABEL_AGENT_ID}, and are removed when the
 * attempt ends. The full account is in {@code docs/docker.md}.
 *
 * <p>A runtime is thread-safe and meant to be shared; {@link #close()} releases its connection to the engine.
 *
 * @since 0.1.0
 */
public interface DockerRuntime extends ContainerRuntime {
    /** The runtime's name, as given to {@code RunPilot.client().runtime(String)}. */
    String NAME = "docker";
    /** Label carrying the run id on every container this runtime creates. */
    String LABEL_RUN_ID = "dev.runpilot.run-id";
    /** Label carrying the attempt number. */
    String LABEL_ATTEMPT = "dev.runpilot.attempt";
    /** Label carrying the id of the agent that ran the attempt. */
    String LABEL_AGENT_ID = "dev.runpilot.agent-id";

    /**
     * Returns a builder with every option at its default.
     *
     * @return a new builder
     */
    static Builder builder() {
        return new DockerRuntimeBuilder();
    }

    /**
     * Returns the engine this runtime talks to and where that choice came from, such as
     * {@code unix:///var/run/docker.sock (the default socket)}.
     *
     * @return a one-line description of the engine endpoint
     */
    String endpoint();

    /**
     * Configures and builds a {@link DockerRuntime}. Not thread-safe; the built runtime is immutable.
     *
     * @since 0.1.0
     */
    interface Builder {
        /**
         * Sets the engine to talk to, as {@code DOCKER_HOST} would: {@code unix:///path/to/socket},
         * {@code tcp://host:port} or {@code npipe:////./pipe/docker_engine}. Default: {@code DOCKER_HOST}, else the
         * current docker context ({@code DOCKER_CONTEXT}, else {@code currentContext} in the docker config
         * directory), else {@code unix:///var/run/docker.sock}. TLS follows {@code DOCKER_TLS_VERIFY} and
         * {@code DOCKER_CERT_PATH}.
         *
         * @param dockerHost the engine's address; a Podman socket such as {@code unix:///run/podman/podman.sock} works too
         * @return this builder
         */
        Builder dockerHost(String dockerHost);

        /**
         * Sets the docker configuration directory, which holds {@code config.json} (registry credentials, the
         * current context) and {@code contexts/}. Default: {@code DOCKER_CONFIG}, else {@code ~/.docker}.
         *
         * @param directory the directory
         * @return this builder
         */
        Builder dockerConfig(Path directory);

        /**
         * Sets where the attempt's work directory appears inside the container; it is also the container's working
         * directory and {@code RUNPILOT_WORK_DIR}. Default {@code /workspace}.
         *
         * @param containerPath an absolute path inside the container
         * @return this builder
         */
        Builder workDirMount(String containerPath);

        /**
         * Keeps the container of an attempt that failed (non-zero exit, OOM kill, unhealthy, stopped) instead of
         * removing it, renamed {@code runpilot-kept-<run>-<attempt>-<suffix>}, for {@code docker logs} and
         * {@code docker inspect}. Removing it is then up to you. Default {@code false}.
         *
         * @param keep whether to keep failed containers
         * @return this builder
         */
        Builder keepOnFailure(boolean keep);

        /**
         * Sets the pull policy of jobs that set none. Default {@link PullPolicy#IF_NOT_PRESENT}.
         *
         * @param policy the policy
         * @return this builder
         */
        Builder defaultPullPolicy(PullPolicy policy);

        /**
         * Caps how much of an attempt's output is streamed into RunPilot's log. Past the cap, output is held back
         * except {@code METRIC} lines, which always pass; the newest {@code min(1 MiB, bytes)} of what was held back
         * is added when the container ends, after a line saying how much was dropped. Default 64 MiB.
         *
         * @param bytes the most bytes of output (counting one byte per line terminator) streamed live
         * @return this builder
         */
        Builder logLimit(long bytes);

        /**
         * Sets the rotation of the engine's own copy of each container's output ({@code json-file} log driver):
         * at most {@code maxFiles} files of {@code maxFileBytes} each, so that a long-running job cannot fill the
         * engine's disk. Default 10 MiB and 3 files. {@code maxFiles} 0 leaves the engine's configured log driver
         * and options alone.
         *
         * @param maxFileBytes the size at which a log file is rotated, at least 1 KiB
         * @param maxFiles how many files to keep, or 0 for the engine's own settings
         * @return this builder
         */
        Builder engineLogRotation(long maxFileBytes, int maxFiles);

        /**
         * Sets how often resource use sampled from the engine's stats API is recorded as the run metrics
         * {@code cpu_percent} (average over the interval, 100 = one full CPU) and {@code memory_peak_bytes}
         * (highest so far). A last sample is recorded when the container ends. Default 10 s;
         * {@link Duration#ZERO} turns sampling off.
         *
         * @param interval the time between recorded samples
         * @return this builder
         */
        Builder statsInterval(Duration interval);

        /**
         * Connects to the engine, checks that it answers, and removes the RunPilot containers that agents which
         * died on this host left behind.
         *
         * @return the runtime
         * @throws dev.runpilot.sdk.RunPilotException if no engine answers; the message names the socket or host tried
         */
        DockerRuntime build();
    }
}
