package dev.runpilot.aws.ec2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.runpilot.sdk.internal.storage.FileStorageBackend;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/** Connects to moto before each test, and checks after each that no RunPilot instance is left running. */
abstract class Ec2TestSupport {
    @TempDir
    Path home;
    @TempDir
    Path storageDir;
    MotoEc2 moto;
    FileStorageBackend storage;

    @BeforeEach
    void connectToMoto() {
        moto = MotoEc2.connect();
        storage = new FileStorageBackend(storageDir);
    }

    @AfterEach
    void noRunPilotInstanceIsLeftRunning() {
        if (moto == null) {
            return;
        }
        try {
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                    assertThat(moto.liveRunPilotInstances()).as("pending or running RunPilot-tagged instances in moto").isEmpty());
        } finally {
            moto.close();
        }
    }
}
