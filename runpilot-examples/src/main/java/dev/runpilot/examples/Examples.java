package dev.runpilot.examples;

import java.nio.file.Files;
import java.nio.file.Path;

/** What the examples share: finding their files whether started from the module or the repository root. */
final class Examples {
    private Examples() {
    }

    /**
     * Returns a file of the examples module, relative to the working directory if it is there, else
     * under {@code runpilot-examples/} (where {@code ./mvnw -pl runpilot-examples exec:java} runs from).
     */
    static Path file(String relative) {
        Path here = Path.of(relative);
        if (Files.exists(here)) {
            return here;
        }
        Path fromRoot = Path.of("runpilot-examples").resolve(relative);
        if (Files.exists(fromRoot)) {
            return fromRoot;
        }
        throw new IllegalArgumentException("Cannot find " + relative + " under " + Path.of("").toAbsolutePath()
                + " or its runpilot-examples/ directory; run the example from the repository root or pass the file's path");
    }
}
