package dev.runpilot.sdk.spi;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class ChecksumVerifyingInputStreamTest {
    private static final byte[] CONTENT = "verified content".getBytes(UTF_8);
    private static final String SHA = HexFormat.of().formatHex(ChecksumVerifyingInputStream.newSha256().digest(CONTENT));

    @Test
    void matchingBytesEndCleanly() throws Exception {
        try (InputStream in = new ChecksumVerifyingInputStream(new ByteArrayInputStream(CONTENT), SHA.toUpperCase(), "x")) {
            assertThat(in.readAllBytes()).isEqualTo(CONTENT);
            assertThat(in.read()).isEqualTo(-1);
        }
    }

    @Test
    void differentBytesThrowInsteadOfEndOfStreamAndKeepThrowing() throws Exception {
        byte[] damaged = CONTENT.clone();
        damaged[3] ^= 1;
        try (InputStream in = new ChecksumVerifyingInputStream(new ByteArrayInputStream(damaged), SHA, "'k' in mem:/")) {
            byte[] buffer = new byte[damaged.length];
            assertThat(in.readNBytes(buffer, 0, buffer.length)).isEqualTo(damaged.length);
            assertThatThrownBy(in::read).isInstanceOf(ChecksumMismatchException.class)
                    .hasMessageContaining("'k' in mem:/").hasMessageContaining(SHA);
            assertThatThrownBy(() -> in.read(buffer)).isInstanceOf(ChecksumMismatchException.class);
        }
    }

    @Test
    void skippedBytesCountTowardsTheDigest() throws Exception {
        try (InputStream in = new ChecksumVerifyingInputStream(new ByteArrayInputStream(CONTENT), SHA, "x")) {
            assertThat(in.skip(5)).isEqualTo(5);
            assertThat(in.readAllBytes()).hasSize(CONTENT.length - 5);
        }
    }

    @Test
    void aMalformedDigestIsRejectedUpFront() {
        assertThatThrownBy(() -> new ChecksumVerifyingInputStream(InputStream.nullInputStream(), "abc", "'k'"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'k'");
    }
}
