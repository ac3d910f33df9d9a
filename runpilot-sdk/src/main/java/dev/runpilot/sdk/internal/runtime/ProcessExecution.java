package dev.runpilot.sdk.internal.runtime;

import dev.runpilot.sdk.LogStream;
import dev.runpilot.sdk.spi.Execution;
import dev.runpilot.sdk.spi.ExitStatus;
import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A job running as a host process, with its output read by two named threads. */
final class ProcessExecution implements Execution {
    private static final Logger log = LoggerFactory.getLogger(ProcessExecution.class);
    /** How long output may keep flowing after the process exited (a background child may hold the pipe). */
    private static final Duration DRAIN = Duration.ofSeconds(2);
    /** How often descendants are looked up while the process runs. */
    private static final long REFRESH_NANOS = Duration.ofMillis(500).toNanos();
    /** How long leftover background processes get after the job's process exited. */
    private static final Duration LEFTOVER_GRACE = Duration.ofSeconds(2);

    private final Process process;
    private final ProcessTree tree;
    private final Thread stdout;
    private final Thread stderr;
    private long lastRefresh = System.nanoTime();
    private volatile ExitStatus status;

    ProcessExecution(Process process, String threadName, dev.runpilot.sdk.spi.OutputListener output) {
        this.process = process;
        this.tree = new ProcessTree(process.toHandle());
        this.stdout = new Thread(new LineReader(process.getInputStream(), LogStream.STDOUT, output), threadName + "-stdout");
        this.stderr = new Thread(new LineReader(process.getErrorStream(), LogStream.STDERR, output), threadName + "-stderr");
        stdout.setDaemon(true);
        stderr.setDaemon(true);
        stdout.start();
        stderr.start();
        try {
            process.getOutputStream().close();
        } catch (IOException e) {
            log.debug("Closing stdin of pid {} failed: {}", process.pid(), e.toString());
        }
    }

    @Override
    public Optional<ProcessHandle> process() {
        return Optional.of(process.toHandle());
    }

    @Override
    public Optional<ExitStatus> waitFor(Duration timeout) throws InterruptedException {
        if (status != null) {
            return Optional.of(status);
        }
        if (System.nanoTime() - lastRefresh > REFRESH_NANOS) {
            tree.refresh();
            lastRefresh = System.nanoTime();
        }
        if (!process.waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
            return Optional.empty();
        }
        if (!tree.alive().isEmpty()) {
            log.debug("pid {} exited and left background processes; stopping them", process.pid());
            tree.terminate(LEFTOVER_GRACE);
        }
        stdout.join(DRAIN.toMillis());
        stderr.join(DRAIN.toMillis());
        status = ExitStatus.of(process.exitValue());
        return Optional.of(status);
    }

    @Override
    public void stop(Duration grace) throws InterruptedException {
        boolean killed = tree.terminate(grace);
        if (killed) {
            log.debug("pid {} outlived its {} grace period and was killed", process.pid(), grace);
        }
        process.waitFor(5, TimeUnit.SECONDS);
    }

    @Override
    public String describe() {
        return "pid " + process.pid();
    }
}
