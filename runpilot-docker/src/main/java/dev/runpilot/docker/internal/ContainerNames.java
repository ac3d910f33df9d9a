package dev.runpilot.docker.internal;

import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Container names: {@code runpilot-<run>-<attempt>-<random>} while an attempt runs, {@code runpilot-kept-...} once
 * a failed one is kept. The random part keeps two clients that share an engine from colliding; the kept prefix tells
 * the sweep of dead agents' containers to leave a kept container alone.
 */
final class ContainerNames {
    static final String PREFIX = "runpilot-";
    static final String KEPT_PREFIX = "runpilot-kept-";

    private ContainerNames() {
    }

    static String forAttempt(String runId, int attempt) {
        byte[] random = new byte[3];
        ThreadLocalRandom.current().nextBytes(random);
        String run = runId.replaceAll("[^A-Za-z0-9_.-]", "_");
        if (run.length() > 64) {
            run = run.substring(0, 64);
        }
        return PREFIX + run + "-" + attempt + "-" + HexFormat.of().formatHex(random);
    }

    static String kept(String name) {
        return name.startsWith(PREFIX) ? KEPT_PREFIX + name.substring(PREFIX.length()) : KEPT_PREFIX + name;
    }

    /** Whether an engine-reported name (which starts with '/') belongs to a kept container. */
    static boolean isKept(String engineName) {
        String name = engineName.startsWith("/") ? engineName.substring(1) : engineName;
        return name.startsWith(KEPT_PREFIX);
    }
}
