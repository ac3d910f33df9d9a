package dev.runpilot.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.BuildImageResultCallback;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The engine the tests run against (the one DOCKER_HOST names, else the default socket), a docker-java client to
 * look at what the engine recorded, and the test images, built locally from the host's static busybox: nothing is
 * ever pulled from the internet.
 */
public final class TestDocker implements ExtensionContext.Store.CloseableResource, AutoCloseable {
    /** A busybox root file system; {@code CMD ["/bin/sh"]}. */
    public static final String BUSYBOX = "runpilot-test/busybox:1";
    /** Busybox with {@code ENTRYPOINT ["/bin/echo", "entrypoint-says"]} and {@code CMD ["default-cmd"]}. */
    public static final String WITH_ENTRYPOINT = "runpilot-test/entrypoint:1";
    /** Busybox whose image HEALTHCHECK always fails, and whose CMD sleeps. */
    public static final String UNHEALTHY = "runpilot-test/unhealthy:1";
    /** The label every container of the runtime carries. */
    public static final String MANAGED_LABEL = "dev.runpilot.managed-by";

    private final String host;
    private final DockerClient client;

    private TestDocker(String host, DockerClient client) {
        this.host = host;
        this.client = client;
    }

    /** The address tests use: DOCKER_HOST, else the default socket. */
    public static String host() {
        String env = System.getenv("DOCKER_HOST");
        return env != null && !env.isBlank() ? env : "unix:///var/run/docker.sock";
    }

    static String unavailableReason() {
        String host = host();
        if (host.startsWith("unix://") && !Files.exists(Path.of(host.substring("unix://".length())))) {
            return "no socket at " + host;
        }
        try (DockerClient probe = open(host)) {
            probe.pingCmd().exec();
            return "";
        } catch (IOException | RuntimeException e) {
            return "no engine answers at " + host + ": " + e;
        }
    }

    static TestDocker connect() {
        String host = host();
        TestDocker docker = new TestDocker(host, open(host));
        docker.buildImages();
        return docker;
    }

    public static DockerClient open(String host) {
        DefaultDockerClientConfig config = DefaultDockerClientConfig.createDefaultConfigBuilder().withDockerHost(host).build();
        return DockerClientImpl.getInstance(config, new ApacheDockerHttpClient.Builder().dockerHost(URI.create(host))
                .connectionTimeout(Duration.ofSeconds(5)).build());
    }

    /** A docker-java client on the test engine, to inspect what the runtime did. */
    public DockerClient client() {
        return client;
    }

    /** A runtime builder on the test engine, with stats sampling off unless a test turns it on. */
    public DockerRuntime.Builder runtime() {
        return DockerRuntime.builder().dockerHost(host).statsInterval(Duration.ZERO);
    }

    /** Every container, running or not, that carries the runtime's labels. */
    public List<Container> runpilotContainers() {
        return client.listContainersCmd().withShowAll(true).withLabelFilter(Map.of(MANAGED_LABEL, "runpilot-docker")).exec();
    }

    /** The RunPilot containers of one run. */
    public List<Container> containersOfRun(String runId) {
        return client.listContainersCmd().withShowAll(true).withLabelFilter(Map.of(DockerRuntime.LABEL_RUN_ID, runId)).exec();
    }

    public boolean hasImage(String image) {
        try {
            client.inspectImageCmd(image).exec();
            return true;
        } catch (NotFoundException e) {
            return false;
        }
    }

    private void buildImages() {
        if (hasImage(BUSYBOX) && hasImage(WITH_ENTRYPOINT) && hasImage(UNHEALTHY)) {
            return;
        }
        Path busybox = List.of(Path.of("/bin/busybox"), Path.of("/usr/bin/busybox")).stream().filter(Files::isExecutable)
                .findFirst().orElseThrow(() -> new AssertionError("The test images need a static busybox on this host:"
                        + " apt-get install busybox-static (scripts/test.sh does)"));
        try {
            Path context = Files.createTempDirectory("runpilot-test-image-");
            try {
                Files.copy(busybox, context.resolve("busybox"));
                Files.writeString(context.resolve("passwd"), "root:x:0:0:root:/root:/bin/sh\n"
                        + "nobody:x:65534:65534:nobody:/nonexistent:/bin/sh\n", StandardCharsets.UTF_8);
                Files.writeString(context.resolve("group"), "root:x:0:\nnogroup:x:65534:\n", StandardCharsets.UTF_8);
                build(context, BUSYBOX, String.join("\n",
                        "FROM scratch",
                        "COPY busybox /bin/busybox",
                        "COPY passwd group /etc/",
                        "RUN [\"/bin/busybox\", \"sh\", \"-c\", \"/bin/busybox --install -s /bin && mkdir -p /tmp /root"
                                + " && chmod 1777 /tmp\"]",
                        "CMD [\"/bin/sh\"]"));
                build(context, WITH_ENTRYPOINT, String.join("\n",
                        "FROM " + BUSYBOX,
                        "ENTRYPOINT [\"/bin/echo\", \"entrypoint-says\"]",
                        "CMD [\"default-cmd\"]"));
                build(context, UNHEALTHY, String.join("\n",
                        "FROM " + BUSYBOX,
                        "HEALTHCHECK --interval=1s --timeout=1s --retries=1 CMD [\"/bin/sh\", \"-c\", \"echo image check fails; exit 1\"]",
                        "CMD [\"/bin/sleep\", \"60\"]"));
            } finally {
                try (var files = Files.walk(context)) {
                    files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void build(Path context, String tag, String dockerfile) throws IOException {
        Path file = context.resolve("Dockerfile");
        Files.writeString(file, dockerfile + "\n", StandardCharsets.UTF_8);
        client.buildImageCmd().withBaseDirectory(context.toFile()).withDockerfile(file.toFile()).withTags(Set.of(tag))
                .withPull(false).withRemove(true).withForcerm(true)
                .exec(new BuildImageResultCallback()).awaitImageId(2, TimeUnit.MINUTES);
    }

    @Override
    public void close() throws IOException {
        client.close();
    }
}
