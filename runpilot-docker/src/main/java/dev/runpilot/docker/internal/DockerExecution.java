package dev.runpilot.docker.internal;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.HealthState;
import com.github.dockerjava.api.command.HealthStateLog;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.command.WaitContainerResultCallback;
import com.github.dockerjava.api.exception.ConflictException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.exception.NotModifiedException;
import com.github.dockerjava.api.model.WaitResponse;
import dev.runpilot.sdk.FailureReason;
import dev.runpilot.sdk.spi.Execution;
import dev.runpilot.sdk.spi.ExitStatus;
import java.io.Closeable;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One attempt running in a container. The engine's wait stream tells when it exits; its output arrives through an
 * {@link OutputPump}, its resource use through a {@link StatsSampler}, and a health poll stops it when the engine
 * reports it unhealthy. When it has exited, {@link #finish()} delivers the last output, reads how it ended (exit
 * code, OOM kill, health) and removes the container, or keeps it renamed when it failed and the runtime keeps
 * failures.
 */
final class DockerExecution implements Execution {
    private static final Logger log = LoggerFactory.getLogger(DockerExecution.class);
    /** How long output may keep flowing after the container exited. */
    private static final long DRAIN_MILLIS = 5_000;
    /** How often the health of a container with a health check is read. */
    private static final long HEALTH_POLL_MILLIS = 500;
    /** How an unhealthy container is stopped: as docker stop does by default. */
    private static final int UNHEALTHY_STOP_SECONDS = 10;
    /** How long to wait for the engine to report the exit after a stop or kill returned. */
    private static final long EXIT_AFTER_STOP_SECONDS = 30;

    private final DockerClient client;
    private final String id;
    private final String name;
    private final String image;
    private final OutputPump output;
    private final StatsSampler stats;
    private final boolean keepOnFailure;
    private final Consumer<DockerExecution> onFinished;
    private final CompletableFuture<Integer> exit = new CompletableFuture<>();
    private volatile Closeable statsStream;
    private volatile Closeable waitStream;
    private volatile ScheduledFuture<?> healthPoll;
    private volatile String unhealthy;
    private ExitStatus status;

    DockerExecution(DockerClient client, String id, String name, String image, OutputPump output, StatsSampler stats,
                    boolean keepOnFailure, Consumer<DockerExecution> onFinished) {
        this.client = client;
        this.id = id;
        this.name = name;
        this.image = image;
        this.output = output;
        this.stats = stats;
        this.keepOnFailure = keepOnFailure;
        this.onFinished = onFinished;
    }

    /** Starts watching the started container: its exit, its stats, and its health when it has a check. */
    void watch(boolean healthChecked, ScheduledExecutorService scheduler) {
        waitStream = client.waitContainerCmd(id).exec(new WaitContainerResultCallback() {
            @Override
            public void onNext(WaitResponse response) {
                exit.complete(response.getStatusCode());
            }

            @Override
            public void onError(Throwable error) {
                exit.completeExceptionally(error);
            }

            @Override
            public void onComplete() {
                exit.completeExceptionally(new IllegalStateException("the wait stream ended without a status"));
            }
        });
        if (stats != null) {
            statsStream = client.statsCmd(id).exec(stats);
        }
        if (healthChecked) {
            healthPoll = scheduler.scheduleWithFixedDelay(this::checkHealth, HEALTH_POLL_MILLIS, HEALTH_POLL_MILLIS,
                    TimeUnit.MILLISECONDS);
        }
    }

    String id() {
        return id;
    }

    @Override
    public Optional<ExitStatus> waitFor(Duration timeout) throws InterruptedException {
        synchronized (this) {
            if (status != null) {
                return Optional.of(status);
            }
        }
        try {
            exit.get(Math.max(0, timeout.toNanos()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            return Optional.empty();
        } catch (ExecutionException e) {
            log.debug("Waiting for container {} failed: {}; reading its state instead", name, e.getCause().toString());
            if (isRunning()) {
                return Optional.empty();
            }
        }
        return Optional.of(finish());
    }

    @Override
    public void stop(Duration grace) throws InterruptedException {
        synchronized (this) {
            if (status != null) {
                return;
            }
        }
        stopContainer(grace);
        try {
            exit.get(EXIT_AFTER_STOP_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            log.debug("No exit status from the wait stream of {} after stopping it: {}", name, e.toString());
        }
        finish();
    }

    /** Asks the container to stop (its stop signal, SIGTERM unless the image says otherwise), then kills it after {@code grace}. */
    private void stopContainer(Duration grace) {
        try {
            if (grace.isZero() || grace.isNegative()) {
                client.killContainerCmd(id).exec();
            } else {
                long seconds = Math.max(1, (grace.toMillis() + 999) / 1000);
                client.stopContainerCmd(id).withTimeout((int) Math.min(Integer.MAX_VALUE, seconds)).exec();
            }
        } catch (NotModifiedException | NotFoundException | ConflictException e) {
            log.debug("Container {} had already stopped: {}", name, e.getMessage());
        }
    }

    @Override
    public String describe() {
        return "container " + id.substring(0, Math.min(12, id.length())) + " (" + name + ", image " + image + ")";
    }

    /** Reads the health of the container; when the engine says unhealthy, records why and stops the container. */
    private void checkHealth() {
        try {
            if (exit.isDone() || unhealthy != null) {
                cancelHealthPoll();
                return;
            }
            InspectContainerResponse.ContainerState state = client.inspectContainerCmd(id).exec().getState();
            HealthState health = state.getHealth();
            // The engine also marks a container unhealthy when it stops; only a running one failed its checks.
            if (health == null || !"unhealthy".equals(health.getStatus()) || !Boolean.TRUE.equals(state.getRunning())) {
                return;
            }
            unhealthy = "health check failed " + health.getFailingStreak() + " time(s) in a row" + lastCheckOutput(health);
            cancelHealthPoll();
            Thread stopper = new Thread(() -> stopContainer(Duration.ofSeconds(UNHEALTHY_STOP_SECONDS)),
                    "runpilot-docker-unhealthy-" + name);
            stopper.setDaemon(true);
            stopper.start();
        } catch (NotFoundException e) {
            cancelHealthPoll();
        } catch (RuntimeException e) {
            log.debug("Reading the health of {} failed: {}", name, e.toString());
        }
    }

    private static String lastCheckOutput(HealthState health) {
        List<HealthStateLog> checks = health.getLog();
        if (checks == null || checks.isEmpty()) {
            return "";
        }
        HealthStateLog last = checks.get(checks.size() - 1);
        String text = last.getOutput() == null ? "" : last.getOutput().strip();
        return "; the last check exited " + last.getExitCode() + (text.isEmpty() ? "" : " saying: " + abbreviate(text));
    }

    private void cancelHealthPoll() {
        ScheduledFuture<?> poll = healthPoll;
        if (poll != null) {
            poll.cancel(false);
        }
    }

    private boolean isRunning() {
        try {
            return Boolean.TRUE.equals(client.inspectContainerCmd(id).exec().getState().getRunning());
        } catch (NotFoundException e) {
            return false;
        }
    }

    /** Delivers the last output, reads how the container ended, and removes (or keeps) it. Runs once. */
    synchronized ExitStatus finish() throws InterruptedException {
        if (status != null) {
            return status;
        }
        cancelHealthPoll();
        if (!output.drain(DRAIN_MILLIS)) {
            log.debug("Output of {} was still open {} ms after it exited", name, DRAIN_MILLIS);
        }
        if (stats != null) {
            stats.finish();
        }
        closeQuietly(statsStream);
        closeQuietly(waitStream);
        closeQuietly(output);
        status = readExit();
        boolean failed = status.exitCode() != 0 || status.reason().isPresent();
        if (failed && keepOnFailure) {
            keep();
        } else {
            remove();
        }
        onFinished.accept(this);
        return status;
    }

    private ExitStatus readExit() {
        InspectContainerResponse.ContainerState state;
        try {
            state = client.inspectContainerCmd(id).exec().getState();
        } catch (NotFoundException e) {
            Integer code = exit.getNow(null);
            return new ExitStatus(code == null ? 255 : code, Optional.of(FailureReason.RUNTIME_ERROR),
                    "container " + name + " was removed by someone else while it ran");
        }
        int code = state.getExitCodeLong() != null ? state.getExitCodeLong().intValue() : exit.getNow(255);
        if (unhealthy != null) {
            return new ExitStatus(code, Optional.of(FailureReason.UNHEALTHY), "container became unhealthy: " + unhealthy);
        }
        if (code != 0 && Boolean.TRUE.equals(state.getOOMKilled())) {
            return new ExitStatus(code, Optional.of(FailureReason.OOM_KILLED),
                    "container was killed for running out of memory (exit code " + code + ")");
        }
        String error = state.getError();
        if (error != null && !error.isBlank()) {
            return new ExitStatus(code, Optional.of(FailureReason.RUNTIME_ERROR), "the engine reports: " + error);
        }
        return ExitStatus.of(code);
    }

    private void remove() {
        try {
            client.removeContainerCmd(id).withForce(true).withRemoveVolumes(true).exec();
        } catch (NotFoundException e) {
            log.debug("Container {} was already removed", name);
        } catch (RuntimeException e) {
            log.warn("Could not remove container {} ({}): {}; remove it with docker rm -f {}", name, id, e.getMessage(), id);
        }
    }

    private void keep() {
        String kept = ContainerNames.kept(name);
        try {
            client.renameContainerCmd(id).withName(kept).exec();
            log.info("Kept failed container {} ({}) for inspection; remove it with docker rm {}", kept, id, kept);
        } catch (RuntimeException e) {
            log.warn("Could not rename failed container {} to {}: {}; it is kept as {}", name, kept, e.getMessage(), name);
        }
    }

    private void closeQuietly(Closeable stream) {
        if (stream == null) {
            return;
        }
        try {
            stream.close();
        } catch (IOException | RuntimeException e) {
            log.debug("Closing a stream of {} failed: {}", name, e.toString());
        }
    }

    private static String abbreviate(String text) {
        String oneLine = text.replaceAll("\\s+", " ");
        return oneLine.length() <= 200 ? oneLine : oneLine.substring(0, 200) + "...";
    }
}
