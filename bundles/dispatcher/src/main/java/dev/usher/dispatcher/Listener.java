package dev.usher.dispatcher;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectionKey;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;

/**
 * A listening socket. It accepts on the I/O loop it is registered with and hands each new
 * connection to the server, which picks the loop that will own it. It stops accepting while the
 * server is at its connection limit: new clients then wait in the backlog.
 */
final class Listener implements Selectable {

    private static final int ACCEPTS_PER_WAKEUP = 64;

    private final Server server;
    private final ServerSocketChannel channel;
    private final InetSocketAddress address;
    private IoLoop loop;
    private SelectionKey key;
    private boolean paused;

    private Listener(Server server, ServerSocketChannel channel) throws IOException {
        this.server = server;
        this.channel = channel;
        this.address = (InetSocketAddress) channel.getLocalAddress();
    }

    /** Binds {@code address}; the listener accepts once {@link #register}ed. */
    static Listener bind(Server server, InetSocketAddress address, int backlog) throws IOException {
        // A socket of the address's own family: 0.0.0.0 binds IPv4 only, as in waitress.
        ServerSocketChannel channel = ServerSocketChannel.open(
                address.getAddress() instanceof Inet6Address ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET);
        try {
            channel.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            channel.bind(address, backlog);
            channel.configureBlocking(false);
            return new Listener(server, channel);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /** The address actually bound (with the port the system chose for port 0). */
    InetSocketAddress address() {
        return address;
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

    /** Resumes accepting if paused at the connection limit; on any thread. */
    void resume() {
        loop.execute(() -> {
            if (paused && key != null && key.isValid() && !server.atConnectionLimit()) {
                paused = false;
                key.interestOps(SelectionKey.OP_ACCEPT);
            }
        });
    }

    @Override
    public void ready(SelectionKey readyKey) {
        for (int i = 0; i < ACCEPTS_PER_WAKEUP; i++) {
            if (server.atConnectionLimit()) {
                paused = true;
                readyKey.interestOps(0);
                return;
            }
            SocketChannel accepted;
            try {
                accepted = channel.accept();
            } catch (IOException e) {
                server.socketError("accept on " + address, e);
                return;
            }
            if (accepted == null) {
                return;
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

    @Override
    public void close() {
        if (key != null) {
            key.cancel();
        }
        try {
            channel.close();
        } catch (IOException ignored) {
            // the socket is gone either way
        }
    }
}
