package dev.runpilot.sdk.internal.engine;

/**
 * Wakes the threads of one client that wait for the control plane to change (idle agents, callers
 * of {@code await} and {@code follow}). Changes made by another process are not signalled; waiters
 * bound each wait so that they also notice those.
 */
public final class ChangeSignal {
    private long version;

    /** Records a change and wakes every waiter. */
    public synchronized void changed() {
        version++;
        notifyAll();
    }

    /** Returns the current version, to pass to {@link #awaitChange(long, long)}. */
    public synchronized long version() {
        return version;
    }

    /**
     * Waits until the version moves past {@code seen} or {@code timeoutMillis} pass.
     *
     * @throws InterruptedException if the thread is interrupted
     */
    public synchronized void awaitChange(long seen, long timeoutMillis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        while (version == seen) {
            long left = deadline - System.currentTimeMillis();
            if (left <= 0) {
                return;
            }
            wait(left);
        }
    }
}
