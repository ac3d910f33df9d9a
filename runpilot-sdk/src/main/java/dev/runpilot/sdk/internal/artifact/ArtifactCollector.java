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

    private final StorageBackend storage;

    public ArtifactCollector(StorageBackend storage) {
        this.storage = storage;
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
            try (InputStream in = Files.newInputStream(file)) {
                long size = storage.put(key, in, contentType(path)).size();
                notes.accept("saved artifact " + path + " (" + size + " bytes) to " + storage.uri() + " as " + key);
                saved++;
            } catch (IOException | RuntimeException e) {
                log.warn("Could not save artifact {} of run {} attempt {} to {}: {}", path, runId, attempt, storage.uri(),
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
