package dev.runpilot.sdk.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runpilot.sdk.ArchiveException;
import dev.runpilot.sdk.ArchiveException.Reason;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeysTest {
    @TempDir
    Path temp;

    @Test
    void privateKeyIsSavedWithMode0600AndLoadsBackToTheSameKey() throws IOException {
        SigningKey key = SigningKey.generate();
        Path file = temp.resolve("keys/runpilot.key");
        Files.createDirectories(file.getParent());
        key.save(file);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(Files.readString(file)).startsWith("-----BEGIN PRIVATE KEY-----\n");

        SigningKey loaded = SigningKey.load(file);
        assertThat(loaded.keyId()).isEqualTo(key.keyId());
        assertThat(loaded.verificationKey()).isEqualTo(key.verificationKey());
        byte[] message = "hello".getBytes(StandardCharsets.US_ASCII);
        assertThat(key.verificationKey().verify(message, loaded.sign(message))).isTrue();
    }

    @Test
    void privateKeyReadableByOthersIsRefused() throws IOException {
        Path file = temp.resolve("runpilot.key");
        SigningKey.generate().save(file);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        assertThatThrownBy(() -> SigningKey.load(file))
                .isInstanceOfSatisfying(ArchiveException.class, e -> assertThat(e.reason()).isEqualTo(Reason.INVALID_KEY))
                .hasMessageContaining("chmod 600");
    }

    @Test
    void existingKeyFileIsNeverOverwritten() throws IOException {
        Path file = Files.writeString(temp.resolve("runpilot.key"), "precious");
        assertThatThrownBy(() -> SigningKey.generate().save(file)).isInstanceOf(ArchiveException.class)
                .hasMessageContaining("already exists");
        assertThat(file).hasContent("precious");
    }

    @Test
    void publicKeyRoundTripsThroughPemAndTrustedKeysLoadsADirectory() throws IOException {
        SigningKey alice = SigningKey.generate();
        SigningKey bob = SigningKey.generate();
        Path dir = Files.createDirectories(temp.resolve("trusted"));
        alice.verificationKey().save(dir.resolve("alice.pub"));
        bob.verificationKey().save(dir.resolve("bob.pub"));
        alice.save(dir.resolve("alice.key"));
        Files.writeString(dir.resolve("README"), "not a key");

        TrustedKeys trusted = TrustedKeys.load(dir);
        assertThat(trusted.keys()).containsExactlyInAnyOrder(alice.verificationKey(), bob.verificationKey());
        assertThat(trusted.find(alice.keyId())).contains(alice.verificationKey());
        assertThat(trusted.find("0000000000000000")).isEmpty();
        assertThat(VerificationKey.fromPem(alice.verificationKey().toPem())).isEqualTo(alice.verificationKey());
    }

    @Test
    void keysWrittenByOpensslLoad() throws Exception {
        Path privateKey = temp.resolve("openssl.key");
        Process generate = new ProcessBuilder("openssl", "genpkey", "-algorithm", "ed25519", "-out",
                privateKey.toString()).redirectErrorStream(true).start();
        org.junit.jupiter.api.Assumptions.assumeTrue(generate.waitFor() == 0, "openssl with Ed25519 is available");
        Files.setPosixFilePermissions(privateKey, PosixFilePermissions.fromString("rw-------"));
        Path publicKey = temp.resolve("openssl.pub");
        Process extract = new ProcessBuilder("openssl", "pkey", "-in", privateKey.toString(), "-pubout", "-out",
                publicKey.toString()).redirectErrorStream(true).start();
        assertThat(extract.waitFor()).isZero();

        SigningKey key = SigningKey.load(privateKey);
        assertThat(key.verificationKey()).isEqualTo(VerificationKey.load(publicKey));
    }

    @Test
    void malformedKeysAreClearErrors() throws IOException {
        Path garbage = Files.writeString(temp.resolve("garbage.pub"), "hello");
        assertThatThrownBy(() -> VerificationKey.load(garbage)).isInstanceOf(ArchiveException.class)
                .hasMessageContaining("garbage.pub").hasMessageContaining("BEGIN PUBLIC KEY");
        assertThatThrownBy(() -> VerificationKey.load(temp.resolve("missing.pub"))).isInstanceOf(ArchiveException.class)
                .hasMessageContaining("does not exist");
    }

    @Test
    void encryptionKeyComesFromBase64FileOrEnvironmentAndHidesItself() throws IOException {
        EncryptionKey key = EncryptionKey.generate();
        assertThat(EncryptionKey.fromBase64(key.toBase64())).isEqualTo(key);
        Path file = temp.resolve("bundle.key");
        key.save(file);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(EncryptionKey.load(file)).isEqualTo(key);
        assertThat(EncryptionKey.fromEnvironment("RP_KEY", Map.of("RP_KEY", " " + key.toBase64() + "\n")))
                .isEqualTo(key);
        assertThat(key.toString()).doesNotContain(key.toBase64()).contains(key.keyId());
    }

    @Test
    void badEncryptionKeysAreClearErrors() {
        assertThatThrownBy(() -> EncryptionKey.fromEnvironment("RP_KEY", Map.of()))
                .isInstanceOf(ArchiveException.class).hasMessageContaining("RP_KEY is not set");
        assertThatThrownBy(() -> EncryptionKey.fromBase64("c2hvcnQ="))
                .isInstanceOf(ArchiveException.class).hasMessageContaining("holds 5 bytes");
        assertThatThrownBy(() -> EncryptionKey.fromBase64("not base64!"))
                .isInstanceOf(ArchiveException.class).hasMessageContaining("not valid base64");
    }
}
