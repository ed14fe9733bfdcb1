package dev.usher.dispatcher;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.channels.SocketChannel;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * The two ends of a connection, as the socket reports them.
 *
 * @param remoteAddress the client's IP address, or {@code localhost} for a unix socket peer
 * @param remotePort the client's port, 0 for a unix socket peer
 * @param localAddress the address the client connected to, or {@code localhost}
 * @param localPort the port it connected to, 0 for a unix socket
 * @param certificates the client's certificate chain, its own first; empty without TLS or without one
 */
record Peer(String remoteAddress, int remotePort, String localAddress, int localPort,
        List<X509Certificate> certificates) {

    /** The same ends, with the certificates the client presented over TLS. */
    Peer withCertificates(List<X509Certificate> chain) {
        return chain.isEmpty() ? this : new Peer(remoteAddress, remotePort, localAddress, localPort, List.copyOf(chain));
    }

    /** The ends a PROXY protocol header names, or these when it names none (a balancer's own connection). */
    Peer proxied(ProxyHeader header) {
        if (header instanceof ProxyHeader.Proxied proxied) {
            return new Peer(proxied.source().getAddress().getHostAddress(), proxied.source().getPort(),
                    proxied.destination().getAddress().getHostAddress(), proxied.destination().getPort(), certificates);
        }
        return this;
    }

    static Peer of(SocketChannel channel) {
        try {
            SocketAddress remote = channel.getRemoteAddress();
            SocketAddress local = channel.getLocalAddress();
            if (remote instanceof InetSocketAddress r && local instanceof InetSocketAddress l) {
                return new Peer(r.getAddress().getHostAddress(), r.getPort(), l.getAddress().getHostAddress(),
                        l.getPort(), List.of());
            }
        } catch (IOException e) {
            // a socket closed already: it will fail on its first read
        }
        return new Peer("localhost", 0, "localhost", 0, List.of());
    }
}
