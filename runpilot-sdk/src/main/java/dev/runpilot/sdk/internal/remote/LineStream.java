package dev.runpilot.sdk.internal.remote;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * The lines of a streaming response (server-sent events), handed from the HTTP client's threads to
 * the reader through a queue, so that a reader blocked in {@link #next()} stops when its thread is
 * interrupted (the JDK's blocking body stream ignores interrupts). {@link #close()} cancels the
 * request.
 */
final class LineStream implements AutoCloseable {
    private record Item(String line, Throwable error) {
    }

    private static final Item END = new Item(null, null);

    private final BlockingQueue<Item> queue = new LinkedBlockingQueue<>();
    private volatile Flow.Subscription subscription;
    private volatile CompletableFuture<?> response;

    /** The subscriber that receives the body's lines when the status is 200. */
    Flow.Subscriber<String> subscriber() {
        return new Flow.Subscriber<>() {
            @Override
            public void onSubscribe(Flow.Subscription s) {
                subscription = s;
                s.request(Long.MAX_VALUE);
            }

            @Override
            public void onNext(String line) {
                queue.add(new Item(line, null));
            }

            @Override
            public void onError(Throwable error) {
                queue.add(new Item(null, error));
            }

            @Override
            public void onComplete() {
                queue.add(END);
            }
        };
    }

    /** Records a failure the reader sees at its next {@link #next()}: a refused request, a lost connection. */
    void fail(Throwable error) {
        queue.add(new Item(null, error));
    }

    void attach(CompletableFuture<? extends HttpResponse<?>> future) {
        this.response = future;
        future.whenComplete((r, error) -> {
            if (error != null) {
                fail(error instanceof CompletionException && error.getCause() != null ? error.getCause() : error);
            }
        });
    }

    /**
     * Waits for the next line.
     *
     * @return the line, or null once the server ended the stream
     * @throws IOException if the connection failed
     * @throws InterruptedException if the thread was interrupted while waiting
     */
    String next() throws IOException, InterruptedException {
        Item item = queue.take();
        if (item == END) {
            queue.add(END);
            return null;
        }
        if (item.error() != null) {
            queue.add(item);
            if (item.error() instanceof IOException io) {
                throw io;
            }
            if (item.error() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IOException(item.error().toString(), item.error());
        }
        return item.line();
    }

    @Override
    public void close() {
        Flow.Subscription s = subscription;
        if (s != null) {
            s.cancel();
        }
        CompletableFuture<?> r = response;
        if (r != null) {
            r.cancel(true);
        }
    }
}
