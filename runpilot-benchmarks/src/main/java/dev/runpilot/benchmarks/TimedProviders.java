package dev.runpilot.benchmarks;

import dev.runpilot.sdk.Job;
import dev.runpilot.sdk.spi.ContainerRuntime;
import dev.runpilot.sdk.spi.ContainerRuntimeFactory;
import dev.runpilot.sdk.spi.Execution;
import dev.runpilot.sdk.spi.ExecutionRequest;
import dev.runpilot.sdk.spi.ExitStatus;
import dev.runpilot.sdk.spi.ObjectInfo;
import dev.runpilot.sdk.spi.ObjectPage;
import dev.runpilot.sdk.spi.ProviderContext;
import dev.runpilot.sdk.spi.StorageBackend;
import dev.runpilot.sdk.spi.StorageBackendFactory;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The engine's own "process" runtime and "file" storage, found through their SPIs as the client
 * finds them, wrapped so that each run records when its process was started, when its exit was
 * seen, and when its attempt log was written. Used only for the phase breakdown; the headline
 * figures come from an unwrapped client.
 */
final class TimedProviders {
    /** Indexes into a run's stamps, in nanoseconds from {@link System#nanoTime()}. */
    static final int START_CALLED = 0;
    static final int START_RETURNED = 1;
    static final int EXIT_SEEN = 2;
    static final int LOG_PUT_CALLED = 3;
    static final int LOG_PUT_RETURNED = 4;

    private final Map<String, long[]> stamps = new ConcurrentHashMap<>();
    private final ContainerRuntime runtime;
    private final StorageBackend storage;

    TimedProviders(Path home) {
        ProviderContext context = () -> home;
        ContainerRuntimeFactory runtimes = ServiceLoader.load(ContainerRuntimeFactory.class).stream()
                .map(ServiceLoader.Provider::get).filter(f -> f.name().equals("process")).findFirst()
                .orElseThrow(() -> new IllegalStateException("No 'process' ContainerRuntimeFactory on the class path"));
        StorageBackendFactory storages = ServiceLoader.load(StorageBackendFactory.class).stream()
                .map(ServiceLoader.Provider::get).filter(f -> f.scheme().equals("file")).findFirst()
                .orElseThrow(() -> new IllegalStateException("No 'file' StorageBackendFactory on the class path"));
        this.runtime = new TimedRuntime(runtimes.create(context));
        this.storage = new TimedStorage(storages.create(home.resolve("storage").toUri(), context));
    }

    ContainerRuntime runtime() {
        return runtime;
    }

    StorageBackend storage() {
        return storage;
    }

    /** Removes and returns the stamps of a run, or null if it has none. */
    long[] take(String runId) {
        return stamps.remove(runId);
    }

    private void stamp(String runId, int index) {
        stamps.computeIfAbsent(runId, id -> new long[5])[index] = System.nanoTime();
    }

    private final class TimedRuntime implements ContainerRuntime {
        private final ContainerRuntime delegate;

        TimedRuntime(ContainerRuntime delegate) {
            this.delegate = delegate;
        }

        @Override
        public String name() {
            return delegate.name();
        }

        @Override
        public List<String> unsupported(Job job) {
            return delegate.unsupported(job);
        }

        @Override
        public Execution start(ExecutionRequest request) {
            stamp(request.runId(), START_CALLED);
            Execution execution = delegate.start(request);
            stamp(request.runId(), START_RETURNED);
            return new TimedExecution(request.runId(), execution);
        }

        @Override
        public void close() {
            delegate.close();
        }
    }

    private final class TimedExecution implements Execution {
        private final String runId;
        private final Execution delegate;

        TimedExecution(String runId, Execution delegate) {
            this.runId = runId;
            this.delegate = delegate;
        }

        @Override
        public Optional<ExitStatus> waitFor(Duration timeout) throws InterruptedException {
            Optional<ExitStatus> exit = delegate.waitFor(timeout);
            if (exit.isPresent()) {
                long[] runStamps = stamps.get(runId);
                if (runStamps != null && runStamps[EXIT_SEEN] == 0) {
                    runStamps[EXIT_SEEN] = System.nanoTime();
                }
            }
            return exit;
        }

        @Override
        public void stop(Duration grace) throws InterruptedException {
            delegate.stop(grace);
        }

        @Override
        public Optional<ProcessHandle> process() {
            return delegate.process();
        }

        @Override
        public String describe() {
            return delegate.describe();
        }
    }

    private final class TimedStorage implements StorageBackend {
        private final StorageBackend delegate;

        TimedStorage(StorageBackend delegate) {
            this.delegate = delegate;
        }

        @Override
        public URI uri() {
            return delegate.uri();
        }

        @Override
        public ObjectInfo put(String key, InputStream content, String contentType) {
            // Attempt logs are stored as runs/<run id>/logs/attempt-<n>.log.
            String[] parts = key.split("/");
            boolean attemptLog = parts.length == 4 && parts[0].equals("runs") && parts[2].equals("logs");
            if (attemptLog) {
                stamp(parts[1], LOG_PUT_CALLED);
            }
            ObjectInfo info = delegate.put(key, content, contentType);
            if (attemptLog) {
                stamp(parts[1], LOG_PUT_RETURNED);
            }
            return info;
        }

        @Override
        public Optional<InputStream> get(String key) {
            return delegate.get(key);
        }

        @Override
        public Optional<ObjectInfo> stat(String key) {
            return delegate.stat(key);
        }

        @Override
        public ObjectPage list(String prefix, String pageToken, int limit) {
            return delegate.list(prefix, pageToken, limit);
        }

        @Override
        public boolean delete(String key) {
            return delegate.delete(key);
        }

        @Override
        public long deletePrefix(String prefix) {
            return delegate.deletePrefix(prefix);
        }

        @Override
        public void close() {
            delegate.close();
        }
    }
}
