package dev.usher.dispatcher;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.nio.channels.SocketChannel;

import dev.usher.config.ProxyProtocol;

/**
 * A socket whose first bytes are a PROXY protocol header ({@code proxy_protocol}): the layer
 * beneath the transport, so a balancer's header comes before a TLS handshake as well as before
 * plain HTTP. Until the header is whole, a read returns 0 (or -1 at the end of input) and keeps
 * what arrived; then it returns the bytes that followed the header, and the socket's own bytes
 * after them. A missing, malformed or oversized header is a {@link ProxyProtocolException},
 * which closes the connection before anything of it reaches the HTTP layer.
 */
final class ProxyProtocolChannel implements ByteChannel {

    /** Where the channel stands. */
    enum Phase {
        /** The header is arriving. */
        HEADER,
        /** The header was read: bytes pass through. */
        PASSING
    }

    private final SocketChannel channel;
    private final ProxyProtocol versions;
    private Phase phase = Phase.HEADER;
    /** The header's bytes so far, then what followed it, until returned; null once empty. */
    private ByteBuffer arrived = ByteBuffer.allocate(ProxyHeader.MAX_BYTES);
    private ProxyHeader header;

    /** @param versions the header versions accepted ({@code proxy_protocol}) */
    ProxyProtocolChannel(SocketChannel channel, ProxyProtocol versions) {
        this.channel = channel;
        this.versions = versions;
    }

    @Override
    public int read(ByteBuffer destination) throws IOException {
        if (phase == Phase.HEADER) {
            int count = channel.read(arrived);
            arrived.flip();
            if (arrived.hasRemaining()) {
                int version = arrived.get(0) == ProxyHeader.V2_SIGNATURE[0] ? 2 : 1;
                if (!versions.accepts(version)) {
                    throw new ProxyProtocolException("a PROXY header of version " + version + " where proxy_protocol is "
                            + versions.setting());
                }
            }
            ProxyHeader read = ProxyHeader.read(arrived);
            if (read == null) {
                if (count < 0) {
                    return -1;
                }
                if (arrived.remaining() == arrived.capacity()) {
                    throw new ProxyProtocolException("a PROXY header longer than " + ProxyHeader.MAX_BYTES + " bytes");
                }
                arrived.compact();
                return 0;
            }
            header = read;
            phase = Phase.PASSING;
        }
        if (arrived != null) {
            int count = Math.min(arrived.remaining(), destination.remaining());
            destination.put(destination.position(), arrived, arrived.position(), count);
            destination.position(destination.position() + count);
            arrived.position(arrived.position() + count);
            if (!arrived.hasRemaining()) {
                arrived = null;
            }
            if (count > 0) {
                return count;
            }
        }
        return channel.read(destination);
    }

    /** The header, once read; null before. */
    ProxyHeader header() {
        return header;
    }

    /** Whether the header was read. */
    boolean headerRead() {
        return phase == Phase.PASSING;
    }

    @Override
    public int write(ByteBuffer source) throws IOException {
        return channel.write(source);
    }

    @Override
    public boolean isOpen() {
        return channel.isOpen();
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
