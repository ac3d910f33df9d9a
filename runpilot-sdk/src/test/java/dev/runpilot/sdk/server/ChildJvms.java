package dev.runpilot.sdk.server;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Servers and agents started as separate JVMs on the test class path, each stopped by its own process handle. */
final class ChildJvms implements AutoCloseable {
    private final Path dir;
    private final List<Process> started = new ArrayList<>();
    private int count;

    ChildJvms(Path dir) {
        this.dir = dir;
    }

    /** A server JVM on a home, listening on {@code port} (0: any), with a short lease; returns once it listens. */
    Server server(Path home, int port, Duration lease) throws IOException {
        Path portFile = dir.resolve("port-" + (++count));
        Process process = start("server-" + count, List.of("dev.runpilot.sdk.server.RunPilotServer", "--home", home.toString(),
                "--port", Integer.toString(port), "--lease", Double.toString(lease.toMillis() / 1000.0), "--port-file",
                portFile.toString()));
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50))
                .until(() -> Files.exists(portFile) || !process.isAlive());
        if (!process.isAlive()) {
            throw new IllegalStateException("Server JVM exited with " + process.exitValue() + "; see " + dir);
        }
        return new Server(process, URI.create("http://127.0.0.1:" + Files.readString(portFile).trim()));
    }

    /** An agent JVM working for a server. */
    Process agent(URI endpoint, String token, int workers, Path workDir) throws IOException {
        return start("agent-" + (++count), List.of("dev.runpilot.sdk.agent.Agent", "--endpoint", endpoint.toString(), "--token", token,
                "--workers", Integer.toString(workers), "--runtime", "process", "--work-dir", workDir.toString(), "--grace", "1"));
    }

    private Process start(String name, List<String> mainAndArgs) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>(List.of(java, "-Xmx256m", "-XX:TieredStopAtLevel=1", "-Xshare:auto",
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=info", "-cp", System.getProperty("java.class.path")));
        command.addAll(mainAndArgs);
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(dir.resolve(name + ".log").toFile())
                .start();
        started.add(process);
        return process;
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /** Kills with SIGKILL: no shutdown hook, no goodbye. */
    static void kill(Process process) throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        for (Process process : started) {
            process.destroy();
        }
        for (Process process : started) {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    /** A server JVM and its base URI. */
    record Server(Process process, URI uri) {
    }
}
