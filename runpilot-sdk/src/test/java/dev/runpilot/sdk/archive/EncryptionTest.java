package dev.runpilot.sdk.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.runpilot.sdk.ArchiveException;
import dev.runpilot.sdk.ArchiveException.Reason;
import dev.runpilot.sdk.internal.archive.SegmentedEncryption;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EncryptionTest {
    private static final int HEADER = 69;
    private static final int SEGMENT = SegmentedEncryption.SEGMENT_SIZE + 16;

    @TempDir
    Path temp;
    private Path src;
    private final EncryptionKey key = EncryptionKey.generate();

    @BeforeEach
    void tree() {
        src = temp.resolve("src");
        byte[] noise = new byte[300_000];
        new Random(3).nextBytes(noise);
        Trees.write(src, "weights.bin", noise);
        Trees.write(src, "train.py", "print('train')\n");
    }

    private ArchiveException refusal(byte[] archive) {
        Path target = temp.resolve("out");
        ArchiveException e = catchThrowableOfType(ArchiveException.class, () -> BundleExtractor.builder()
                .decryptionKey(key).build().extract(new ByteArrayInputStream(archive), target));
        assertThat(e).isNotNull();
        assertThat(target).doesNotExist();
        return e;
    }

    @Test
    void encryptedBundleRoundTripsAndHidesItsContent() throws IOException {
        Bundle bundle = Bundler.builder().encryption(key).build().bundle(src, temp.resolve("b.bin"));
        byte[] bytes = Files.readAllBytes(bundle.file());
        assertThat(bundle.isEncrypted()).isTrue();
        assertThat(bundle.encryptionKeyId()).contains(key.keyId());
        assertThat(new String(bytes, java.nio.charset.StandardCharsets.ISO_8859_1)).doesNotContain("train.py");

        ExtractedBundle extracted = BundleExtractor.builder().decryptionKey(key).build()
                .extract(new ByteArrayInputStream(bytes), temp.resolve("out"), bundle.sha256());
        assertThat(extracted.encryptionKeyId()).contains(key.keyId());
        assertThat(temp.resolve("out/train.py")).hasContent("print('train')");
        assertThat(Files.readAllBytes(temp.resolve("out/weights.bin")))
                .isEqualTo(Files.readAllBytes(src.resolve("weights.bin")));
    }

    @Test
    void sameTreeAndKeyGiveSameCiphertextSoTheAddressIsStable() {
        Bundle a = Bundler.builder().encryption(key).build().bundle(src, temp.resolve("a.bin"));
        Bundle b = Bundler.builder().encryption(key).build().bundle(src, temp.resolve("b.bin"));
        Bundle other = Bundler.builder().encryption(EncryptionKey.generate()).build().bundle(src, temp.resolve("c.bin"));
        assertThat(b.sha256()).isEqualTo(a.sha256());
        assertThat(other.sha256()).isNotEqualTo(a.sha256());
    }

    @Test
    void truncationAtASegmentBoundaryIsDetected() throws IOException {
        byte[] bytes = Files.readAllBytes(Bundler.builder().encryption(key).build().bundle(src, temp.resolve("b"))
                .file());
        assertThat(bytes.length).isGreaterThan(HEADER + 2 * SEGMENT);
        assertThat(refusal(Arrays.copyOf(bytes, HEADER + 2 * SEGMENT)).reason()).isEqualTo(Reason.TRUNCATED);
        assertThat(refusal(Arrays.copyOf(bytes, HEADER + SEGMENT + 100)).reason()).isEqualTo(Reason.TRUNCATED);
        assertThat(refusal(Arrays.copyOf(bytes, 20)).reason()).isEqualTo(Reason.TRUNCATED);
    }

    @Test
    void flippedOrReorderedSegmentsFailToAuthenticate() throws IOException {
        byte[] bytes = Files.readAllBytes(Bundler.builder().encryption(key).build().bundle(src, temp.resolve("b"))
                .file());
        byte[] flipped = bytes.clone();
        flipped[HEADER + SEGMENT + 10] ^= 1;
        assertThat(refusal(flipped).reason()).isEqualTo(Reason.CORRUPT);

        byte[] swapped = bytes.clone();
        System.arraycopy(bytes, HEADER, swapped, HEADER + SEGMENT, SEGMENT);
        System.arraycopy(bytes, HEADER + SEGMENT, swapped, HEADER, SEGMENT);
        assertThat(refusal(swapped).reason()).isEqualTo(Reason.CORRUPT);

        byte[] appended = Arrays.copyOf(bytes, bytes.length + 1);
        assertThat(refusal(appended).reason()).isEqualTo(Reason.CORRUPT);
    }

    @Test
    void wrongKeyIsNamedAsSuch() throws IOException {
        byte[] bytes = Files.readAllBytes(Bundler.builder().encryption(EncryptionKey.generate()).build()
                .bundle(src, temp.resolve("b")).file());
        ArchiveException e = refusal(bytes);
        assertThat(e.reason()).isEqualTo(Reason.WRONG_KEY);
        assertThat(e).hasMessageContaining("wrong decryption key");
    }

    @Test
    void unencryptedBundleIsStillAcceptedByAnAgentHoldingAKey() throws IOException {
        byte[] bytes = Files.readAllBytes(Bundler.builder().build().bundle(src, temp.resolve("b")).file());
        ExtractedBundle extracted = BundleExtractor.builder().decryptionKey(key).build()
                .extract(new ByteArrayInputStream(bytes), temp.resolve("out"));
        assertThat(extracted.encryptionKeyId()).isEmpty();
    }
}
