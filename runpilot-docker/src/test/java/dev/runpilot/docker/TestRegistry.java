package dev.runpilot.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.model.AuthConfig;
import com.github.dockerjava.api.model.PushResponseItem;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/**
 * A private registry on 127.0.0.1: Debian's docker-registry (distribution 2.8) with htpasswd authentication, started
 * by the tests that need it and stopped by its PID. The engine treats 127.0.0.0/8 registries as insecure, so plain
 * HTTP works without configuring it.
 */
public final class TestRegistry implements AutoCloseable {
    public static final String USER = "puller";
    public static final String PASSWORD = "pull-secret-42";

    private final Process process;
    private final Path dir;
    private final int port;

    private TestRegistry(Process process, Path dir, int port) {
        this.process = process;
        this.dir = dir;
        this.port = port;
    }

    public static TestRegistry start() {
        DockerEngineExtension.requireTool("docker-registry", "apt-get install docker-registry; scripts/test.sh does");
        DockerEngineExtension.requireTool("htpasswd", "apt-get install apache2-utils; scripts/test.sh does");
        try {
            Path dir = Files.createTempDirectory("runpilot-registry-");
            Process htpasswd = new ProcessBuilder("htpasswd", "-Bbc", dir.resolve("htpasswd").toString(), USER, PASSWORD)
                    .redirectErrorStream(true).start();
            String htpasswdOutput = new String(htpasswd.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (htpasswd.waitFor() != 0) {
                throw new AssertionError("htpasswd failed: " + htpasswdOutput);
            }
            int port = freePort();
            Files.writeString(dir.resolve("config.yml"), String.join("\n",
                    "version: 0.1",
                    "log:",
                    "  level: warn",
                    "storage:",
                    "  filesystem:",
                    "    rootdirectory: " + dir.resolve("data"),
                    "http:",
                    "  addr: 127.0.0.1:" + port,
                    "auth:",
                    "  htpasswd:",
                    "    realm: runpilot-test",
                    "    path: " + dir.resolve("htpasswd"),
                    ""), StandardCharsets.UTF_8);
            Process process = new ProcessBuilder("docker-registry", "serve", dir.resolve("config.yml").toString())
                    .redirectErrorStream(true).redirectOutput(dir.resolve("registry.log").toFile()).start();
            TestRegistry registry = new TestRegistry(process, dir, port);
            registry.awaitReady();
            return registry;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** The registry's address, such as {@code 127.0.0.1:41234}. */
    public String address() {
        return "127.0.0.1:" + port;
    }

    public AuthConfig auth() {
        return new AuthConfig().withRegistryAddress(address()).withUsername(USER).withPassword(PASSWORD);
    }

    /** Pushes a local image under {@code repository:tag} in this registry, then removes that local tag. */
    public String push(DockerClient client, String localImage, String repository, String tag) {
        String remote = address() + "/" + repository;
        client.tagImageCmd(localImage, remote, tag).exec();
        try {
            client.pushImageCmd(remote).withTag(tag).withAuthConfig(auth())
                    .exec(new ResultCallback.Adapter<PushResponseItem>() {
                        @Override
                        public void onNext(PushResponseItem item) {
                            if (item.getErrorDetail() != null) {
                                onError(new IllegalStateException(item.getErrorDetail().getMessage()));
                            }
                        }
                    }).awaitCompletion(2, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        } finally {
            client.removeImageCmd(remote + ":" + tag).withNoPrune(true).exec();
        }
        return remote + ":" + tag;
    }

    private void awaitReady() throws IOException {
        try {
            Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50)).until(() -> {
                if (!process.isAlive()) {
                    throw new AssertionError("docker-registry exited: " + Files.readString(dir.resolve("registry.log")));
                }
                return answers();
            });
        } catch (ConditionTimeoutException e) {
            close();
            throw new AssertionError("docker-registry did not answer on " + address() + " within 20 s", e);
        }
    }

    private boolean answers() {
        try {
            HttpURLConnection connection = (HttpURLConnection) URI.create("http://" + address() + "/v2/").toURL().openConnection();
            connection.setConnectTimeout(500);
            connection.setReadTimeout(1000);
            int status = connection.getResponseCode();
            connection.disconnect();
            return status == 401 || status == 200;
        } catch (IOException notYet) {
            return false;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /** Stops the registry by its PID (TERM, then KILL) and deletes its storage. */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temp dir left behind is harmless
        }
    }
}
