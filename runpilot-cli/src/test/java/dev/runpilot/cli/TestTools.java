package dev.runpilot.cli;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Finds the terminal tools the tests drive: the binary named by a {@code RUNPILOT_TEST_*} variable
 * (exported by scripts/services/cli-tools.sh), else the one on the PATH. Missing, the test is skipped, or
 * fails under {@code CI=true}.
 */
final class TestTools {
    private TestTools() {
    }

    static String require(String variable, String binary) {
        Optional<String> found = Optional.ofNullable(System.getenv(variable)).filter(v -> !v.isBlank())
                .or(() -> onPath(binary));
        if (found.isEmpty()) {
            String message = binary + " is missing: run scripts/test.sh (scripts/services/cli-tools.sh installs it)"
                    + " or install it and set " + variable;
            if ("true".equals(System.getenv("CI"))) {
                throw new AssertionError(message);
            }
            assumeTrue(false, message);
        }
        return found.get();
    }

    private static Optional<String> onPath(String binary) {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(File.pathSeparator)) {
            Path candidate = Path.of(dir, binary);
            if (Files.isExecutable(candidate)) {
                return Optional.of(candidate.toString());
            }
        }
        return Optional.empty();
    }
}
