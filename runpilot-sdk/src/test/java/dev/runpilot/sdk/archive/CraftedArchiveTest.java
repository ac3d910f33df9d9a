package dev.runpilot.sdk.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.runpilot.sdk.ArchiveException;
import dev.runpilot.sdk.ArchiveException.Reason;
import dev.runpilot.sdk.internal.archive.Hex;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile and damaged archives: each is refused with its reason, and the directory around the
 * target is exactly as it was before (no target, no temporary directory, nothing outside).
 */
class CraftedArchiveTest {
    @TempDir
    Path temp;
    private Path parent;
    private Path target;
    private Map<String, String> before;

    @BeforeEach
    void prepare() throws IOException {
        parent = Files.createDirectories(temp.resolve("work"));
        Trees.write(parent, "neighbour.txt", "keep me");
        target = parent.resolve("run-1/attempt-1/src");
        before = Trees.snapshot(temp);
    }

    private ArchiveException refusal(byte[] archive, BundleExtractor extractor) {
        ArchiveException e = catchThrowableOfType(ArchiveException.class,
                () -> extractor.extract(new ByteArrayInputStream(archive), target));
        assertThat(e).as("the archive must be refused").isNotNull();
        assertThat(Trees.snapshot(temp)).as("nothing written or left behind").isEqualTo(before);
        assertThat(Path.of("/tmp/x-escaped")).doesNotExist();
        return e;
    }

    private Reason refused(byte[] archive) {
        return refusal(archive, BundleExtractor.builder().build()).reason();
    }

    @Test
    void traversalIsRefused() {
        assertThat(refused(new CraftedArchive().file("ok.txt", "ok").file("../escaped.txt", "x").build()))
                .isEqualTo(Reason.PATH_TRAVERSAL);
        assertThat(refused(new CraftedArchive().file("a/../../escaped.txt", "x").build()))
                .isEqualTo(Reason.PATH_TRAVERSAL);
        assertThat(parent.getParent().resolve("escaped.txt")).doesNotExist();
    }

    @Test
    void traversalInATarEntryIsRefusedEvenWhenTheManifestLooksClean() {
        byte[] archive = new CraftedArchive().file("../escaped.txt", "x")
                .manifest(ManifestEntry.file("escaped.txt", false, 1, Hex.sha256Hex("x".getBytes()))).build();
        assertThat(refused(archive)).isEqualTo(Reason.PATH_TRAVERSAL);
    }

    @Test
    void absolutePathIsRefused() {
        assertThat(refused(new CraftedArchive().file("/tmp/x-escaped", "x").build())).isEqualTo(Reason.ABSOLUTE_PATH);
    }

    @Test
    void symlinkEscapingTheRootIsRefused() {
        assertThat(refused(new CraftedArchive().symlink("passwd", "/etc/passwd").build()))
                .isEqualTo(Reason.LINK_ESCAPE);
        assertThat(refused(new CraftedArchive().symlink("a/up", "../../outside").build()))
                .isEqualTo(Reason.LINK_ESCAPE);
    }

    @Test
    void fileBeneathASymlinkIsRefused() {
        byte[] archive = new CraftedArchive().symlink("dir", ".").file("dir/x.txt", "through the link").build();
        assertThat(refused(archive)).isEqualTo(Reason.LINK_ESCAPE);
    }

    @Test
    void hardLinkIsRefused() {
        assertThat(refused(new CraftedArchive().raw("hard", TarConstants.LF_LINK, "/etc/passwd").build()))
                .isEqualTo(Reason.HARD_LINK);
    }

    @Test
    void deviceNodeAndFifoAreRefused() {
        assertThat(refused(new CraftedArchive().raw("null", TarConstants.LF_CHR, "").build()))
                .isEqualTo(Reason.SPECIAL_FILE);
        assertThat(refused(new CraftedArchive().raw("disk", TarConstants.LF_BLK, "").build()))
                .isEqualTo(Reason.SPECIAL_FILE);
        assertThat(refused(new CraftedArchive().raw("pipe", TarConstants.LF_FIFO, "").build()))
                .isEqualTo(Reason.SPECIAL_FILE);
    }

    @Test
    void bombWithHugeCompressionRatioIsRefused() {
        byte[] archive = new CraftedArchive().file("zeros.bin", new byte[20 * 1024 * 1024]).build();
        assertThat(archive.length).isLessThan(100_000);
        assertThat(refused(archive)).isEqualTo(Reason.COMPRESSION_RATIO);
    }

    @Test
    void tooManyEntriesAreRefusedBeforeAnyIsWritten() {
        CraftedArchive crafted = new CraftedArchive();
        for (int i = 0; i < 50; i++) {
            crafted.file("f" + i, "x");
        }
        ArchiveException e = refusal(crafted.build(), BundleExtractor.builder().maxEntries(49).build());
        assertThat(e.reason()).isEqualTo(Reason.TOO_MANY_ENTRIES);
    }

    @Test
    void tooLargeInTotalOrPerFileIsRefused() {
        byte[] archive = new CraftedArchive().file("a", new byte[600]).file("b", new byte[600]).build();
        assertThat(refusal(archive, BundleExtractor.builder().maxTotalBytes(1000).build()).reason())
                .isEqualTo(Reason.TOO_LARGE);
        assertThat(refusal(archive, BundleExtractor.builder().maxFileBytes(500).build()).reason())
                .isEqualTo(Reason.FILE_TOO_LARGE);
    }

    @Test
    void contentNotMatchingTheManifestIsRefused() {
        byte[] archive = new CraftedArchive().file("a.txt", "evil")
                .manifest(ManifestEntry.file("a.txt", false, 4, Hex.sha256Hex("good".getBytes()))).build();
        assertThat(refused(archive)).isEqualTo(Reason.CHECKSUM_MISMATCH);
    }

    @Test
    void entryMissingFromTheManifestIsRefused() {
        byte[] archive = new CraftedArchive().file("a.txt", "a").file("smuggled.txt", "b")
                .manifest(ManifestEntry.file("a.txt", false, 1, Hex.sha256Hex("a".getBytes()))).build();
        assertThat(refused(archive)).isEqualTo(Reason.CORRUPT);
    }

    @Test
    void archiveWithoutManifestIsRefused() throws IOException {
        Path src = Files.createDirectories(temp.resolve("src"));
        Process tar = new ProcessBuilder("tar", "czf", temp.resolve("plain.tar.gz").toString(), "-C", src.toString(), ".")
                .start();
        assertThat(tarExit(tar)).isZero();
        before = Trees.snapshot(temp);
        assertThat(refused(Files.readAllBytes(temp.resolve("plain.tar.gz")))).isEqualTo(Reason.CORRUPT);
        assertThat(refused("not an archive at all".getBytes())).isEqualTo(Reason.CORRUPT);
    }

    private static int tarExit(Process tar) {
        try {
            return tar.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    @Test
    void flippedByteInTheMiddleIsRefused() throws IOException {
        byte[] archive = realBundle(Bundler.builder().build());
        for (int offset : new int[] {archive.length / 3, archive.length / 2, archive.length * 2 / 3}) {
            byte[] damaged = archive.clone();
            damaged[offset] ^= 0x40;
            assertThat(refused(damaged)).as("flip at %d", offset)
                    .isIn(Reason.CORRUPT, Reason.CHECKSUM_MISMATCH, Reason.TRUNCATED);
        }
    }

    @Test
    void garbageAfterTheGzipStreamIsRefused() throws IOException {
        byte[] archive = realBundle(Bundler.builder().build());
        byte[] extended = Arrays.copyOf(archive, archive.length + 16);
        Arrays.fill(extended, archive.length, extended.length, (byte) 'x');
        assertThat(refused(extended)).isEqualTo(Reason.CORRUPT);
    }

    @Test
    void truncatedArchiveIsRefused() throws IOException {
        byte[] archive = realBundle(Bundler.builder().build());
        for (int length : new int[] {archive.length - 1, archive.length - 8, archive.length / 2, 30}) {
            assertThat(refused(Arrays.copyOf(archive, length))).as("cut at %d", length).isEqualTo(Reason.TRUNCATED);
        }
    }

    @Test
    void unsignedArchiveIsRefusedWhenSignaturesAreRequired() throws IOException {
        SigningKey key = SigningKey.generate();
        byte[] archive = realBundle(Bundler.builder().build());
        BundleExtractor strict = BundleExtractor.builder().trustedKeys(TrustedKeys.of(key.verificationKey()))
                .requireSignature(true).build();
        ArchiveException e = refusal(archive, strict);
        assertThat(e.reason()).isEqualTo(Reason.SIGNATURE_REJECTED);
        assertThat(e).hasMessageContaining("unsigned");
    }

    @Test
    void wrongSignerIsRefusedWhenSignaturesAreRequired() throws IOException {
        SigningKey trusted = SigningKey.generate();
        SigningKey stranger = SigningKey.generate();
        byte[] archive = realBundle(Bundler.builder().signer(stranger).build());
        BundleExtractor strict = BundleExtractor.builder().trustedKeys(TrustedKeys.of(trusted.verificationKey()))
                .requireSignature(true).build();
        ArchiveException e = refusal(archive, strict);
        assertThat(e.reason()).isEqualTo(Reason.SIGNATURE_REJECTED);
        assertThat(e).hasMessageContaining(stranger.keyId()).hasMessageContaining("not trusted");
    }

    @Test
    void signatureClaimingATrustedKeyIdButMadeByAnotherKeyIsRefused() {
        SigningKey trusted = SigningKey.generate();
        SigningKey forger = SigningKey.generate();
        byte[] archive = new CraftedArchive().file("a", "a").signedBy(forger, trusted.keyId()).build();
        ArchiveException e = refusal(archive, BundleExtractor.builder()
                .trustedKeys(TrustedKeys.of(trusted.verificationKey())).build());
        assertThat(e.reason()).isEqualTo(Reason.SIGNATURE_REJECTED);
        assertThat(e).hasMessageContaining("does not verify");
    }

    @Test
    void manifestEditedAfterSigningIsRefused() throws IOException {
        SigningKey key = SigningKey.generate();
        byte[] signedManifestFor = new CraftedArchive().file("a.txt", "good").signedBy(key).build();
        // same signature entry, different manifest: re-sign a different manifest with a lie about the key
        byte[] archive = new CraftedArchive().file("a.txt", "evil").signedBy(key).withSignatureOf(
                new CraftedArchive().file("a.txt", "good")).build();
        BundleExtractor strict = BundleExtractor.builder().trustedKeys(TrustedKeys.of(key.verificationKey()))
                .requireSignature(true).build();
        assertThat(refusal(archive, strict).reason()).isEqualTo(Reason.SIGNATURE_REJECTED);
        assertThat(signedManifestFor).isNotEmpty();
    }

    @Test
    void tamperedContentOfASignedArchiveIsASignatureRejection() {
        SigningKey key = SigningKey.generate();
        byte[] archive = new CraftedArchive().file("a.txt", "evil")
                .manifest(ManifestEntry.file("a.txt", false, 4, Hex.sha256Hex("good".getBytes())))
                .signedBy(key).build();
        BundleExtractor strict = BundleExtractor.builder().trustedKeys(TrustedKeys.of(key.verificationKey()))
                .requireSignature(true).build();
        assertThat(refusal(archive, strict).reason()).isEqualTo(Reason.SIGNATURE_REJECTED);
    }

    @Test
    void encryptedArchiveWithWrongKeyOrNoKeyIsRefused() throws IOException {
        byte[] archive = realBundle(Bundler.builder().encryption(EncryptionKey.generate()).build());
        ArchiveException wrong = refusal(archive, BundleExtractor.builder().decryptionKey(EncryptionKey.generate())
                .build());
        assertThat(wrong.reason()).isEqualTo(Reason.WRONG_KEY);
        assertThat(wrong).hasMessageContaining("wrong decryption key");
        assertThat(refused(archive)).isEqualTo(Reason.KEY_REQUIRED);
    }

    @Test
    void archiveNotMatchingItsContentAddressIsRefused() throws IOException {
        byte[] archive = realBundle(Bundler.builder().build());
        ArchiveException e = catchThrowableOfType(ArchiveException.class, () -> BundleExtractor.builder().build()
                .extract(new ByteArrayInputStream(archive), target, "0".repeat(64)));
        assertThat(e.reason()).isEqualTo(Reason.CHECKSUM_MISMATCH);
        assertThat(Trees.snapshot(temp)).isEqualTo(before);
    }

    @Test
    void nonEmptyTargetIsRefusedAndLeftAlone() throws IOException {
        byte[] archive = realBundle(Bundler.builder().build());
        Trees.write(target, "mine.txt", "mine");
        before = Trees.snapshot(temp);
        assertThat(refused(archive)).isEqualTo(Reason.TARGET_EXISTS);
        assertThat(target.resolve("mine.txt")).hasContent("mine");
    }

    @Test
    void emptyTargetDirectoryIsReplaced() throws IOException {
        byte[] archive = realBundle(Bundler.builder().build());
        Files.createDirectories(target);
        BundleExtractor.builder().build().extract(new ByteArrayInputStream(archive), target);
        assertThat(target.resolve("main.py")).exists();
    }

    private byte[] realBundle(Bundler bundler) throws IOException {
        Path src = temp.resolve("bundle-src");
        java.util.Random random = new java.util.Random(7);
        for (int i = 0; i < 40; i++) {
            Trees.write(src, "pkg/m" + i + ".py", ("print(" + i + ")\n").repeat(200));
        }
        byte[] noise = new byte[200_000];
        random.nextBytes(noise);
        Trees.write(src, "weights.bin", noise);
        Trees.write(src, "main.py", "print('main')\n");
        Path file = bundler.bundle(src, temp.resolve("bundle-out/b.tar.gz")).file();
        byte[] bytes = Files.readAllBytes(file);
        deleteTree(temp.resolve("bundle-src"));
        deleteTree(temp.resolve("bundle-out"));
        before = Trees.snapshot(temp);
        return bytes;
    }

    private static void deleteTree(Path root) throws IOException {
        try (var paths = Files.walk(root)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
