package dev.runpilot.sdk.archive;

import dev.runpilot.sdk.internal.archive.BundleFormat;
import dev.runpilot.sdk.internal.archive.Hex;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;

/**
 * Builds hostile archives with commons-compress: any tar entries, any manifest (matching or not),
 * signed by any key.
 */
final class CraftedArchive {
    private record Item(TarArchiveEntry entry, byte[] content) {
    }

    private final List<Item> items = new ArrayList<>();
    private final List<ManifestEntry> manifest = new ArrayList<>();
    private Optional<SigningKey> signer = Optional.empty();
    private Optional<String> claimedKeyId = Optional.empty();
    private Optional<CraftedArchive> signatureOf = Optional.empty();
    private boolean manifestFromEntries = true;

    CraftedArchive file(String name, String content) {
        return file(name, content.getBytes(StandardCharsets.UTF_8));
    }

    CraftedArchive file(String name, byte[] content) {
        TarArchiveEntry entry = new TarArchiveEntry(name, TarConstants.LF_NORMAL, true);
        entry.setSize(content.length);
        entry.setMode(0644);
        manifest.add(ManifestEntry.file(name, false, content.length, Hex.sha256Hex(content)));
        items.add(new Item(entry, content));
        return this;
    }

    CraftedArchive symlink(String name, String target) {
        TarArchiveEntry entry = new TarArchiveEntry(name, TarConstants.LF_SYMLINK, true);
        entry.setLinkName(target);
        manifest.add(ManifestEntry.symlink(name, target));
        items.add(new Item(entry, new byte[0]));
        return this;
    }

    /** Adds an entry of any type; the manifest lists it as an empty file of that name. */
    CraftedArchive raw(String name, byte linkFlag, String linkName) {
        TarArchiveEntry entry = new TarArchiveEntry(name, linkFlag, true);
        entry.setLinkName(linkName);
        entry.setMode(0644);
        manifest.add(ManifestEntry.file(name, false, 0, Hex.sha256Hex(new byte[0])));
        items.add(new Item(entry, new byte[0]));
        return this;
    }

    /** Replaces the manifest built from the entries with another one. */
    CraftedArchive manifest(ManifestEntry... entries) {
        manifest.clear();
        manifest.addAll(List.of(entries));
        manifestFromEntries = false;
        return this;
    }

    CraftedArchive signedBy(SigningKey key) {
        this.signer = Optional.of(key);
        return this;
    }

    /** Signs with one key while naming another key's id in the signature entry. */
    CraftedArchive signedBy(SigningKey key, String keyIdToClaim) {
        this.signer = Optional.of(key);
        this.claimedKeyId = Optional.of(keyIdToClaim);
        return this;
    }

    /** Uses the signature another archive's manifest would get, as if copied from it. */
    CraftedArchive withSignatureOf(CraftedArchive other) {
        this.signatureOf = Optional.of(other);
        return this;
    }

    private byte[] manifestJson() {
        List<ManifestEntry> entries = new ArrayList<>(manifest);
        if (manifestFromEntries) {
            entries.sort(java.util.Comparator.comparing(ManifestEntry::path));
        }
        return new Manifest(entries).toJson();
    }

    byte[] build() {
        byte[] manifestJson = manifestJson();
        byte[] signedJson = signatureOf.map(CraftedArchive::manifestJson).orElse(manifestJson);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(new GzipCompressorOutputStream(bytes))) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            put(tar, BundleFormat.MANIFEST_ENTRY, manifestJson);
            if (signer.isPresent()) {
                put(tar, BundleFormat.SIGNATURE_ENTRY, BundleFormat.encodeSignature(
                        claimedKeyId.orElse(signer.get().keyId()),
                        signer.get().sign(BundleFormat.signedMessage(Hex.sha256Hex(signedJson)))));
            }
            for (Item item : items) {
                tar.putArchiveEntry(item.entry());
                tar.write(item.content());
                tar.closeArchiveEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static void put(TarArchiveOutputStream tar, String name, byte[] content) throws IOException {
        TarArchiveEntry entry = new TarArchiveEntry(name);
        entry.setSize(content.length);
        tar.putArchiveEntry(entry);
        tar.write(content);
        tar.closeArchiveEntry();
    }
}
