package dev.runpilot.sdk.internal.agent;

import dev.runpilot.sdk.internal.store.Claim;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;

/**
 * Turns the claims of an agent's idle workers into batch claims: a worker that asks while no claim
 * is in flight claims for itself and for every worker asking at that moment, in one
 * {@link AgentPlane#claimUpTo} call, and hands each of them its run; workers that ask meanwhile wait
 * for the next such call. A run is claimed only for a worker that is waiting for it, so none sits
 * claimed without a worker to run it. Thread-safe.
 */
final class ClaimCoalescer {
    private final AgentPlane plane;
    private final Object lock = new Object();
    /** Workers waiting for a claim, in the order they asked. */
    private final Deque<Request> waiting = new ArrayDeque<>();
    private boolean claiming;

    ClaimCoalescer(AgentPlane plane) {
        this.plane = plane;
    }

    /** One worker's request: its run, none, or the failure of the call that served it. */
    private static final class Request {
        private boolean served;
        private Claim claim;
        private RuntimeException failure;

        Optional<Claim> result() {
            if (failure != null) {
                throw failure;
            }
            return Optional.ofNullable(claim);
        }
    }

    /**
     * Claims a run for the calling worker, together with the other workers asking now; returns empty
     * if none was ready for it.
     *
     * @throws InterruptedException if interrupted before its request went out (nothing was claimed for it)
     * @throws RuntimeException what the plane threw, for every worker the failed call served
     */
    Optional<Claim> claim(String agentId, String host, Duration lease) throws InterruptedException {
        Request mine = new Request();
        List<Request> batch;
        synchronized (lock) {
            waiting.addLast(mine);
            while (claiming && !mine.served) {
                try {
                    lock.wait();
                } catch (InterruptedException e) {
                    if (waiting.remove(mine)) {
                        throw e;
                    }
                    // Already in a call in flight: take its answer, so no run claimed for this worker is dropped.
                    awaitServed(mine);
                    Thread.currentThread().interrupt();
                }
            }
            if (mine.served) {
                return mine.result();
            }
            claiming = true;
            waiting.remove(mine);
            batch = new ArrayList<>(waiting.size() + 1);
            batch.add(mine);
            batch.addAll(waiting);
            waiting.clear();
        }
        List<Claim> claims = List.of();
        RuntimeException failure = null;
        try {
            claims = plane.claimUpTo(agentId, host, lease, batch.size());
        } catch (RuntimeException e) {
            failure = e;
        } finally {
            synchronized (lock) {
                for (int i = 0; i < batch.size(); i++) {
                    Request request = batch.get(i);
                    request.claim = i < claims.size() ? claims.get(i) : null;
                    request.failure = failure;
                    request.served = true;
                }
                claiming = false;
                lock.notifyAll();
            }
        }
        return mine.result();
    }

    /** Waits, ignoring interrupts, until a request in flight has its answer; the caller holds the lock. */
    private void awaitServed(Request request) {
        while (!request.served) {
            try {
                lock.wait();
            } catch (InterruptedException ignored) {
                // The caller restores the flag once the answer is in.
            }
        }
    }
}
