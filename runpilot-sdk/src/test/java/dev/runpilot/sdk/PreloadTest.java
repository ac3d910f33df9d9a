package dev.runpilot.sdk;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link RunPilot#preload()}: warms up on one daemon thread, touches no home, and a client opens after it. */
class PreloadTest {
    @TempDir
    Path dir;

    @Test
    void preloadRunsOnOneDaemonThreadTouchesNoHomeAndAClientOpensAfterIt() throws Exception {
        Path userHome = Files.createDirectories(dir.resolve("user-home"));
        String previousUserHome = System.getProperty("user.home");
        System.setProperty("user.home", userHome.toString());
        try {
            RunPilot.preload();
            RunPilot.preload();

            List<Thread> threads = preloadThreads();
            assertThat(threads).hasSizeLessThanOrEqualTo(1).allSatisfy(thread -> assertThat(thread.isDaemon()).isTrue());
            for (Thread thread : threads) {
                thread.join(TimeUnit.MINUTES.toMillis(1));
                assertThat(thread.isAlive()).as("the preload thread finishes on its own").isFalse();
            }
            try (var entries = Files.list(userHome)) {
                assertThat(entries).as("nothing under user.home, so no default RunPilot home").isEmpty();
            }
        } finally {
            System.setProperty("user.home", previousUserHome);
        }

        Path home = dir.resolve("home");
        try (RunPilotClient client = RunPilot.client().home(home).workers(1).build()) {
            Run run = client.submit(Job.builder().name("after-preload").command("sh", "-c", "echo preloaded").build());
            assertThat(run.await().status()).isEqualTo(RunStatus.SUCCEEDED);
        }
        assertThat(home.resolve("runpilot.db")).isRegularFile();
    }

    private static List<Thread> preloadThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals("runpilot-preload")).toList();
    }
}
