package dev.runpilot.sdk.internal.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.runpilot.sdk.server.ImdsStub;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The IMDSv2 client against a stub on 127.0.0.1 that answers only with a session token. */
class InstanceMetadataTest {
    @Test
    void readsTheIdentityWithASessionToken() throws IOException {
        try (ImdsStub stub = new ImdsStub("i-1", "m7i.xlarge", "us-east-1a", "on-demand")) {
            InstanceMetadata.Identity identity = new InstanceMetadata(stub.endpoint(), Duration.ofSeconds(1)).identity();
            assertThat(identity).isEqualTo(new InstanceMetadata.Identity("i-1", "m7i.xlarge", "us-east-1a", "on-demand"));
            assertThat(identity.labels()).containsEntry("ec2.lifecycle", "on-demand").hasSize(4);
        }
    }

    @Test
    void reportsNoInterruptionUntilTheServiceHasANotice() throws Exception {
        try (ImdsStub stub = new ImdsStub("i-2", "c7g.large", "eu-west-1b", "spot")) {
            InstanceMetadata metadata = new InstanceMetadata(stub.endpoint(), Duration.ofSeconds(1));
            assertThat(metadata.interruptionNotice()).isEmpty();
            AtomicReference<String> seen = new AtomicReference<>();
            Thread watch = metadata.watchForInterruption(Duration.ofMillis(50), seen::set);
            await().atMost(10, TimeUnit.SECONDS).until(() -> stub.noticeChecks() >= 3);
            assertThat(seen.get()).isNull();
            stub.interrupt("2026-11-29T18:00:00Z");
            await().atMost(10, TimeUnit.SECONDS).until(() -> seen.get() != null);
            assertThat(seen.get()).contains("\"terminate\"").contains("2026-11-29T18:00:00Z");
            watch.join(10_000);
            assertThat(watch.isAlive()).as("the watcher ends after the first notice").isFalse();
        }
    }

    @Test
    void anUnreachableServiceIsNamedInTheError() throws IOException {
        URI gone;
        try (ImdsStub stub = new ImdsStub("i-3", "t3.micro", "us-east-1a", "on-demand")) {
            gone = stub.endpoint();
        }
        assertThatThrownBy(() -> new InstanceMetadata(gone, Duration.ofSeconds(1)).identity())
                .isInstanceOf(IOException.class).hasMessageContaining(gone.toString());
    }
}
