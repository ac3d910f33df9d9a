package dev.runpilot.sdk.internal.artifact;

import dev.runpilot.sdk.spi.StorageBackend;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URLConnection;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent side of artifacts: after an attempt ends, uploads the regular files of its work
 * directory whose relative path matches one of the job's globs. Globs follow
 * {@link java.nio.file.FileSystem#getPathMatcher} syntax against the {@code /}-separated relative path:
 * {@code *} stays within a directory, {@code **} crosses directories ({@code out/**} matches
 * everything under {@code out}). Symbolic links are not followed, so nothing outside the work
 * directory is uploaded.
 */
public final class ArtifactCollector {
    private static final Logger log = LoggerFactory.getLogger(ArtifactCollector.class);

    private final Sink sink;

    /** Where collected files go: one call per matching file, with its {@code /}-separated relative path. */
    public interface Sink {
        /**
         * Saves one file, streaming it (never holding it whole in memory).
         *
         * @param key the storage key ({@link ArtifactLayout#key})
         * @param path the file's path relative to the work directory, {@code /}-separated
         * @param contentType the guessed media type
         * @return the number of bytes saved
         * @throws IOException if the file cannot be read or saved
         */
        long save(String key, String path, Path file, String contentType) throws IOException;

        /** Where the artifacts go, for notes and logs. */
        String location();
    }

    /** A collector that puts artifacts straight into a storage backend. */
    public ArtifactCollector(StorageBackend storage) {
        this(new Sink() {
            @Override
            public long save(String key, String path, Path file, String contentType) throws IOException {
                try (InputStream in = Files.newInputStream(file)) {
                    return storage.put(key, in, contentType).size();
                }
            }

            @Override
            public String location() {
                return storage.uri().toString();
            }
        });
    }

    /** A collector that hands each artifact to a sink (the HTTP agent uploads it to its server). */
    public ArtifactCollector(Sink sink) {
        this.sink = sink;
    }

    /**
     * Uploads the matching files of one attempt. A file that cannot be uploaded is reported through
     * {@code notes} and skipped; the others are still uploaded.
     *
     * @param notes receives one line per artifact saved or failed, for the attempt's log
     * @return how many artifacts were saved
     */
    public int collect(String runId, int attempt, Path workDir, List<String> globs, Consumer<String> notes) {
        if (globs.isEmpty() || !Files.isDirectory(workDir, LinkOption.NOFOLLOW_LINKS)) {
            return 0;
        }
        List<PathMatcher> matchers = globs.stream().map(g -> FileSystems.getDefault().getPathMatcher("glob:" + g)).toList();
        List<Path> files = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(workDir)) {
            walk.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS))
                    .filter(p -> matchers.stream().anyMatch(m -> m.matches(workDir.relativize(p))))
                    .sorted()
                    .forEach(files::add);
        } catch (IOException | UncheckedIOException e) {
            notes.accept("could not look for artifacts in " + workDir + ": " + e.getMessage());
            return 0;
        }
        int saved = 0;
        for (Path file : files) {
            String path = workDir.relativize(file).toString().replace(file.getFileSystem().getSeparator(), "/");
            String key = ArtifactLayout.key(runId, attempt, path);
            try {
                long size = sink.save(key, path, file, contentType(path));
                notes.accept("saved artifact " + path + " (" + size + " bytes) to " + sink.location() + " as " + key);
                saved++;
            } catch (IOException | RuntimeException e) {
                log.warn("Could not save artifact {} of run {} attempt {} to {}: {}", path, runId, attempt, sink.location(),
                        e.getMessage());
                notes.accept("could not save artifact " + path + ": " + e.getMessage());
            }
        }
        if (files.isEmpty()) {
            notes.accept("no files matched the artifact patterns " + globs);
        }
        return saved;
    }

    private static String contentType(String path) {
        String guessed = URLConnection.guessContentTypeFromName(path);
        return guessed != null ? guessed : StorageBackend.DEFAULT_CONTENT_TYPE;
    }
}
