package dev.runpilot.sdk.internal.engine;

import dev.runpilot.sdk.internal.store.Database;
import java.security.SecureRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Warms up, on one daemon thread, the slow first steps of opening an embedded client, so that they overlap
 * with whatever the program does before it opens one (see {@link dev.runpilot.sdk.RunPilot#preload()}).
 * Each step only loads and initializes classes or caches that the open would otherwise initialize itself: no
 * database is opened and nothing is written under a RunPilot home (the SQLite driver may unpack its native library
 * into the temporary directory, as the first open would). A failure is logged at debug level and left for the real
 * open to report.
 */
public final class Preload implements Runnable {
    private static final AtomicBoolean STARTED = new AtomicBoolean();

    private Preload() {
    }

    /** Starts the preload thread, the first time only; returns at once. */
    public static void start() {
        if (!STARTED.compareAndSet(false, true)) {
            return;
        }
        // A Runnable instance rather than a method reference: the first lambda a JVM links costs milliseconds, which
        // this thread is here to take off the caller's.
        Thread thread = new Thread(new Preload(), "runpilot-preload");
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public void run() {
        try {
            Database.preloadSqlite();
            // The security providers and the native PRNG behind run ids and tokens.
            new SecureRandom().nextInt();
            // The host name the scheduler reclaims this host's orphaned attempts by (cached by the JDK for a while).
            EmbeddedClient.hostName();
        } catch (RuntimeException | LinkageError e) {
            // No logger field: setting up slf4j scans the class path, which would happen on the caller's thread.
            Logger log = LoggerFactory.getLogger(Preload.class);
            log.debug("Preloading stopped; opening a client will report any problem itself: {}", e.toString());
        }
    }
}
