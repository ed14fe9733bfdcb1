package dev.usher.dispatcher;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.channels.SocketChannel;

/**
 * The two ends of a connection, as the socket reports them.
 *
 * @param remoteAddress the client's IP address, or {@code localhost} for a unix socket peer
 * @param remotePort the client's port, 0 for a unix socket peer
 * @param localAddress the address the client connected to, or {@code localhost}
 * @param localPort the port it connected to, 0 for a unix socket
 */
record Peer(String remoteAddress, int remotePort, String localAddress, int localPort) {

    static Peer of(SocketChannel channel) {
        try {
            SocketAddress remote = channel.getRemoteAddress();
            SocketAddress local = channel.getLocalAddress();
            if (remote instanceof InetSocketAddress r && local instanceof InetSocketAddress l) {
                return new Peer(r.getAddress().getHostAddress(), r.getPort(), l.getAddress().getHostAddress(),
                        l.getPort());
            }
        } catch (IOException e) {
            // a socket closed already: it will fail on its first read
        }
        return new Peer("localhost", 0, "localhost", 0);
    }
}
