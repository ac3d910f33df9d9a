package dev.runpilot.sdk.internal.runtime;

import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A process and every process it started, as far as they can be seen: descendants are collected
 * while the root lives (a grandchild whose parent already exited is reparented and can no longer be
 * found from the root), so {@link #refresh()} is called while the tree runs and again right before
 * each signal.
 *
 * <p>Signals go through {@link ProcessHandle}, which checks each process's start time, so a pid
 * reused by an unrelated process is never signalled.
 */
public final class ProcessTree {
    private final ProcessHandle root;
    private final Set<ProcessHandle> known = new LinkedHashSet<>();

    public ProcessTree(ProcessHandle root) {
        this.root = root;
        known.add(root);
    }

    /** Adds every descendant of every known live process to the known set. */
    public synchronized void refresh() {
        for (ProcessHandle handle : List.copyOf(known)) {
            if (handle.isAlive()) {
                handle.descendants().forEach(known::add);
            }
        }
        known.removeIf(h -> !h.isAlive() && h != root);
    }

    /** Returns the known processes that still run. */
    public synchronized Set<ProcessHandle> alive() {
        return known.stream().filter(ProcessHandle::isAlive).collect(Collectors.toCollection(LinkedHashSet::new));
    }

    /**
     * Asks every process of the tree to end (SIGTERM), waits up to {@code grace} for all of them, then
     * kills what is left (SIGKILL) and waits for it to go.
     *
     * @return true if SIGKILL was needed
     */
    public boolean terminate(Duration grace) throws InterruptedException {
        refresh();
        Set<ProcessHandle> targets = alive();
        if (targets.isEmpty()) {
            return false;
        }
        targets.forEach(ProcessHandle::destroy);
        long deadline = System.nanoTime() + grace.toNanos();
        while (System.nanoTime() < deadline) {
            refresh();
            if (alive().isEmpty()) {
                return false;
            }
            Thread.sleep(20);
        }
        refresh();
        Set<ProcessHandle> survivors = alive();
        survivors.forEach(ProcessHandle::destroyForcibly);
        long killDeadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (!alive().isEmpty() && System.nanoTime() < killDeadline) {
            Thread.sleep(10);
        }
        return !survivors.isEmpty();
    }
}
