package dev.usher.dispatcher;

import dev.usher.config.FileModes;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Set;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectionKey;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;

/**
 * A listening socket, TCP or unix. It accepts on the I/O loop it is registered with and hands
 * each new connection to the server, which picks the loop that will own it. At the server's
 * {@code waiting_connection_limit} each connection it accepts sheds the waiting one furthest
 * behind (see {@link ConnectionPools}); when every waiting connection holds a request in line
 * for a slot, it stops accepting and new clients wait in the backlog.
 */
final class Listener implements Selectable {

    private static final int ACCEPTS_PER_WAKEUP = 64;

    private final Server server;
    private final ServerSocketChannel channel;
    private final SocketAddress requested;
    private final SocketAddress bound;
    private final Path socketFile;
    private IoLoop loop;
    private SelectionKey key;
    private boolean paused;

    private Listener(Server server, ServerSocketChannel channel, SocketAddress requested, Path socketFile)
            throws IOException {
        this.server = server;
        this.channel = channel;
        this.requested = requested;
        this.bound = channel.getLocalAddress();
        this.socketFile = socketFile;
    }

    /** Binds a TCP {@code address}; the listener accepts once {@link #register}ed. */
    static Listener bind(Server server, InetSocketAddress address, int backlog, boolean reusePort)
            throws IOException {
        // A socket of the address's own family: 0.0.0.0 binds IPv4 only, as in waitress.
        ServerSocketChannel channel = ServerSocketChannel.open(
                address.getAddress() instanceof Inet6Address ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET);
        try {
            channel.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            if (reusePort) {
                // another server may bind the same address and take over (an upgrade)
                channel.setOption(StandardSocketOptions.SO_REUSEPORT, true);
            }
            channel.bind(address, backlog);
            channel.configureBlocking(false);
            return new Listener(server, channel, address, null);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /** Accepts on a socket bound before, by a dispatcher that handed it over. */
    static Listener adopt(Server server, ServerSocketChannel channel, SocketAddress requested) throws IOException {
        Path socketFile = requested instanceof UnixDomainSocketAddress unix ? unix.getPath() : null;
        return new Listener(server, channel, requested, socketFile);
    }

    @Override
    public void abandon() {
        detach();
    }

    /**
     * Stops accepting without closing the socket, and gives it up: for the next dispatcher.
     * Any thread.
     */
    ServerSocketChannel detach() {
        SelectionKey registered = key;
        if (registered != null) {
            registered.cancel();
        }
        return channel;
    }

    /**
     * Binds a unix socket at {@code path} with permissions {@code mode} (e.g. 0600). A stale
     * socket file there is replaced; any other file is left alone and the bind fails.
     */
    static Listener bindUnix(Server server, Path path, int mode, int backlog) throws IOException {
        if (Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            if (Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS) || Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
                throw new IOException(path + " exists and is not a socket");
            }
            Files.delete(path);
        }
        ServerSocketChannel channel = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            channel.bind(UnixDomainSocketAddress.of(path), backlog);
            Files.setPosixFilePermissions(path, FileModes.permissions(mode));
            channel.configureBlocking(false);
            return new Listener(server, channel, UnixDomainSocketAddress.of(path), path);
        } catch (IOException | RuntimeException e) {
            channel.close();
            Files.deleteIfExists(path);
            throw e;
        }
    }

    /** What was asked for: the address before the system chose a port for port 0. */
    SocketAddress requested() {
        return requested;
    }

    /** The address actually bound (with the port the system chose for port 0). */
    SocketAddress address() {
        return bound;
    }

    /** Where clients reach it, for the log: {@code http://127.0.0.1:8080} or {@code unix:/path}. */
    String url() {
        return url("http");
    }

    /** {@link #url()} with {@code scheme}: {@code https} for a TLS server's TCP address. */
    String url(String scheme) {
        return bound instanceof InetSocketAddress ? scheme + "://" + Listeners.describe(bound) : "unix:" + socketFile;
    }

    /** An IPv6 address as people write it: the longest run of zero groups as {@code ::}. */
    static String compressed(String full) {
        String[] groups = full.split(":");
        int bestStart = -1;
        int bestLength = 1;
        for (int i = 0; i < groups.length; ) {
            int j = i;
            while (j < groups.length && groups[j].equals("0")) {
                j++;
            }
            if (j - i > bestLength) {
                bestStart = i;
                bestLength = j - i;
            }
            i = j == i ? i + 1 : j;
        }
        if (bestStart < 0) {
            return full;
        }
        String head = String.join(":", java.util.Arrays.copyOfRange(groups, 0, bestStart));
        String tail = String.join(":", java.util.Arrays.copyOfRange(groups, bestStart + bestLength, groups.length));
        return head + "::" + tail;
    }

    /** Starts accepting on {@code loop}. */
    void register(IoLoop loop) {
        this.loop = loop;
        loop.execute(() -> {
            try {
                key = channel.register(loop.selector(), SelectionKey.OP_ACCEPT, this);
            } catch (ClosedChannelException e) {
                // closed before it could start
            }
        });
    }

    /**
     * Resumes accepting if paused at the waiting connection limit, to look again: a connection
     * closed, or may be shed, or the limit rose. On any thread.
     */
    void resume() {
        loop.execute(() -> {
            if (paused && key != null && key.isValid()) {
                paused = false;
                key.interestOps(SelectionKey.OP_ACCEPT);
            }
        });
    }

    @Override
    public void ready(SelectionKey readyKey) {
        ConnectionPools pools = server.pools();
        for (int i = 0; i < ACCEPTS_PER_WAKEUP; i++) {
            Connection victim = null;
            if (pools.waitingFull()) {
                victim = pools.leastWorthWaiting();
                if (victim == null) {
                    // every waiting connection holds a request in line for a slot: new clients wait in the backlog
                    paused = true;
                    readyKey.interestOps(0);
                    return;
                }
            }
            SocketChannel accepted;
            try {
                accepted = channel.accept();
            } catch (IOException e) {
                server.socketError("accept on " + url(), e);
                if (String.valueOf(e.getMessage()).contains("Too many open files")) {
                    // out of descriptors: a waiting connection gives one back, or accepting waits for a close
                    victim = victim != null ? victim : pools.leastWorthWaiting();
                    if (victim != null) {
                        pools.shedWaiting(victim);
                    } else {
                        paused = true;
                        readyKey.interestOps(0);
                    }
                }
                return;
            }
            if (accepted == null) {
                return;
            }
            if (victim != null) {
                pools.shedWaiting(victim);
            }
            server.adopt(accepted);
        }
    }

    /** Stops listening; on any thread. */
    void closeSoon() {
        if (loop == null) {
            close();
        } else {
            loop.execute(this::close);
        }
    }

    /**
     * Closes the socket for good, as the server stops, after taking in the connections already
     * waiting in its backlog (they are answered, not reset); returns once closed. Any thread.
     */
    void closeNow() {
        if (loop == null || loop.inLoop()) {
            acceptBacklogAndClose();
            return;
        }
        java.util.concurrent.CompletableFuture<Void> closed = new java.util.concurrent.CompletableFuture<>();
        loop.execute(() -> {
            acceptBacklogAndClose();
            closed.complete(null);
        });
        try {
            closed.get(5, java.util.concurrent.TimeUnit.SECONDS);
        } catch (Exception e) {
            close();
        }
    }

    private void acceptBacklogAndClose() {
        try {
            for (SocketChannel waiting; (waiting = channel.accept()) != null; ) {
                server.adopt(waiting);
            }
        } catch (IOException e) {
            // closing anyway
        }
        close();
    }

    @Override
    public void close() {
        if (key != null) {
            key.cancel();
        }
        try {
            channel.close();
            if (socketFile != null) {
                Files.deleteIfExists(socketFile);
            }
        } catch (IOException ignored) {
            // the socket is gone either way
        }
    }
}
