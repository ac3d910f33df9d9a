package dev.runpilot.sdk.archive;

import dev.runpilot.sdk.ArchiveException;
import dev.runpilot.sdk.ArchiveException.Reason;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The public keys an agent accepts bundle signatures from.
 *
 * <pre>{@code
 * TrustedKeys trusted = TrustedKeys.load(Path.of("/etc/runpilot/trusted"));   // every *.pub inside
 * }</pre>
 *
 * <p>Immutable and thread-safe. Two keys with the same key id are refused.
 */
public final class TrustedKeys {
    private static final TrustedKeys NONE = new TrustedKeys(List.of());

    private final Map<String, VerificationKey> byId;

    private TrustedKeys(Collection<VerificationKey> keys) {
        Map<String, VerificationKey> map = new LinkedHashMap<>();
        for (VerificationKey key : keys) {
            VerificationKey previous = map.putIfAbsent(key.keyId(), key);
            if (previous != null && !previous.equals(key)) {
                throw new ArchiveException(Reason.INVALID_KEY, "two different trusted keys share the key id "
                        + key.keyId() + "; remove one of them");
            }
        }
        this.byId = Map.copyOf(map);
    }

    /**
     * Returns the empty set: no signature is trusted.
     *
     * @return the empty set
     */
    public static TrustedKeys none() {
        return NONE;
    }

    /**
     * Returns a set of keys.
     *
     * @param keys the keys
     * @return the set
     */
    public static TrustedKeys of(VerificationKey... keys) {
        return new TrustedKeys(Arrays.asList(keys));
    }

    /**
     * Returns a set of keys.
     *
     * @param keys the keys
     * @return the set
     */
    public static TrustedKeys of(Collection<VerificationKey> keys) {
        return new TrustedKeys(List.copyOf(keys));
    }

    /**
     * Loads keys from PEM files and directories. A file must hold a public key; a directory
     * contributes every regular file in it whose name ends with {@code .pub} (not recursively).
     *
     * @param paths files and directories
     * @return the set
     * @throws ArchiveException with {@link Reason#INVALID_KEY} if a path is missing or a file holds no public key
     */
    public static TrustedKeys load(Path... paths) {
        List<VerificationKey> keys = new ArrayList<>();
        for (Path path : paths) {
            if (Files.isDirectory(path)) {
                List<Path> files = new ArrayList<>();
                try (DirectoryStream<Path> stream = Files.newDirectoryStream(path, "*.pub")) {
                    stream.forEach(files::add);
                } catch (IOException e) {
                    throw new ArchiveException(Reason.INVALID_KEY, "cannot list trusted keys in " + path + ": " + e, e);
                }
                files.sort(null);
                for (Path file : files) {
                    if (Files.isRegularFile(file)) {
                        keys.add(VerificationKey.load(file));
                    }
                }
            } else {
                keys.add(VerificationKey.load(path));
            }
        }
        return new TrustedKeys(keys);
    }

    /**
     * Finds a key by its id.
     *
     * @param keyId the key id
     * @return the key, or empty if it is not trusted
     */
    public Optional<VerificationKey> find(String keyId) {
        return Optional.ofNullable(byId.get(keyId));
    }

    /** @return the keys, in no particular order */
    public Collection<VerificationKey> keys() {
        return byId.values();
    }

    /** @return true if no key is trusted */
    public boolean isEmpty() {
        return byId.isEmpty();
    }

    @Override
    public String toString() {
        return "TrustedKeys" + byId.keySet();
    }
}
