package dev.runpilot.sdk.archive;

import dev.runpilot.sdk.internal.archive.Hex;
import dev.runpilot.sdk.internal.archive.ManifestCodec;
import java.util.List;

/**
 * The list of what a source bundle holds: every file, directory and link with its size, mode and
 * SHA-256, sorted by path. It is the first entry of the archive and what a signature signs.
 *
 * <p>Its {@linkplain #digest() digest} is the SHA-256 of its canonical JSON form (see
 * {@code docs/archives.md}); equal manifests have equal digests.
 *
 * @param entries the entries, sorted by path
 */
public record Manifest(List<ManifestEntry> entries) {
    /** Copies the entry list. */
    public Manifest {
        entries = List.copyOf(entries);
    }

    /**
     * Returns the SHA-256 of this manifest's canonical JSON form, in lower-case hex.
     *
     * @return 64 hex characters
     */
    public String digest() {
        return Hex.sha256Hex(toJson());
    }

    /**
     * Returns the canonical JSON form, exactly as stored in the archive.
     *
     * @return UTF-8 JSON bytes
     */
    public byte[] toJson() {
        return ManifestCodec.encode(this);
    }

    /** @return the sum of the sizes of all files */
    public long totalSize() {
        return entries.stream().mapToLong(ManifestEntry::size).sum();
    }

    /** @return the number of regular files */
    public long fileCount() {
        return entries.stream().filter(e -> e.type() == ManifestEntry.Type.FILE).count();
    }
}
