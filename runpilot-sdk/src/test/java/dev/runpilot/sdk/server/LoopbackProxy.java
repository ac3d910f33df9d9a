package dev.runpilot.sdk.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP proxy on 127.0.0.1 in front of a server on loopback: it forwards each connection's bytes both
 * ways (TLS included, untouched) and counts connections. A {@link Cut} can end a connection part-way
 * through the server's response, as a dropped network connection would, which a real server never does
 * by itself.
 */
final class LoopbackProxy implements AutoCloseable {
    /** Decides where to cut a connection's response. */
    interface Cut {
        /**
         * Looks at the response so far (bytes as ISO-8859-1 characters, one per byte) and returns how
         * many of its bytes to let through before both sides of the connection are closed, or empty to go
         * on. A position past what arrived so far takes effect when the response reaches it.
         *
         * @param connection the connection's number, from 1
         */
        OptionalInt at(int connection, String responseSoFar);
    }

    private final ServerSocket listener;
    private final InetSocketAddress target;
    private final AtomicInteger connections = new AtomicInteger();
    private final List<Socket> open = new CopyOnWriteArrayList<>();
    private final Thread acceptor;
    private volatile Cut cut = (connection, response) -> OptionalInt.empty();
    private final java.util.Map<Integer, String> responses = new java.util.concurrent.ConcurrentHashMap<>();

    LoopbackProxy(URI target) throws IOException {
        this.target = new InetSocketAddress(InetAddress.getLoopbackAddress(), target.getPort());
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.acceptor = new Thread(this::accept, "loopback-proxy-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** The proxy's base URI, with the scheme of the target given. */
    URI uri(String scheme) {
        return URI.create(scheme + "://127.0.0.1:" + listener.getLocalPort());
    }

    /** How many connections were accepted so far. */
    int connections() {
        return connections.get();
    }

    /** What the server sent on a connection so far (as ISO-8859-1), empty if nothing yet. */
    String response(int connection) {
        return responses.getOrDefault(connection, "");
    }

    /** Cuts responses where this says, from the next bytes on. */
    void cut(Cut cut) {
        this.cut = cut;
    }

    private void accept() {
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                int number = connections.incrementAndGet();
                Socket server = new Socket(target.getAddress(), target.getPort());
                open.add(client);
                open.add(server);
                pump(client, server, "up-" + number, null);
                pump(server, client, "down-" + number, number);
            } catch (IOException e) {
                if (!listener.isClosed()) {
                    throw new IllegalStateException("Proxy to " + target + " failed: " + e, e);
                }
            }
        }
    }

    /** Copies one direction; the response direction ({@code connection} given) is checked against the cut. */
    private void pump(Socket from, Socket to, String name, Integer connection) {
        Thread thread = new Thread(() -> {
            StringBuilder seen = new StringBuilder();
            byte[] buffer = new byte[8192];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    if (connection == null) {
                        out.write(buffer, 0, n);
                        out.flush();
                        continue;
                    }
                    int before = seen.length();
                    seen.append(new String(buffer, 0, n, StandardCharsets.ISO_8859_1));
                    responses.put(connection, seen.toString());
                    OptionalInt at = cut.at(connection, seen.toString());
                    if (at.isPresent() && at.getAsInt() <= seen.length()) {
                        int through = Math.max(0, Math.min(n, at.getAsInt() - before));
                        out.write(buffer, 0, through);
                        out.flush();
                        break;
                    }
                    out.write(buffer, 0, n);
                    out.flush();
                }
            } catch (IOException closed) {
                // The other side went away: the connection ends here.
            } finally {
                closeQuietly(from);
                closeQuietly(to);
            }
        }, "loopback-proxy-" + name);
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public void close() {
        closeQuietly(listener);
        open.forEach(LoopbackProxy::closeQuietly);
    }

    private static void closeQuietly(java.io.Closeable closeable) {
        try {
            closeable.close();
        } catch (IOException ignored) {
            // Closing is all that is wanted.
        }
    }
}
