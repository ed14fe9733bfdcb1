package dev.usher.dispatcher;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * A PROXY protocol header (HAProxy's specification, versions 1 and 2): what a load balancer
 * sends ahead of the client's bytes to say who the client is. Either the client's and the
 * balancer's addresses ({@link Proxied}), or word that the connection is the balancer's own, a
 * health check ({@link Local}: version 2's {@code LOCAL}, version 1's {@code UNKNOWN}), whose
 * socket addresses stand.
 */
sealed interface ProxyHeader {

    /** The most bytes a header may take: version 1's 107, or version 2's 16 and 2032 more (TLVs). */
    int MAX_BYTES = 2048;

    /** Version 2's first twelve bytes. */
    byte[] V2_SIGNATURE = {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A};

    /** Version 1's first six bytes. */
    byte[] V1_PREFIX = "PROXY ".getBytes(StandardCharsets.US_ASCII);

    /** Version 1's longest line, {@code \r\n} included. */
    int V1_MAX_BYTES = 107;

    /** A relayed connection: the client's address, and the one it connected to at the balancer. */
    record Proxied(InetSocketAddress source, InetSocketAddress destination) implements ProxyHeader {
    }

    /** The balancer's own connection, or one it could not describe: the socket's ends stand. */
    record Local() implements ProxyHeader {
    }

    /**
     * Reads a header from {@code buffer} (position to limit), leaving the position after it.
     *
     * @return the header, or null when {@code buffer} holds only a beginning of one (position
     *     unchanged)
     * @throws ProxyProtocolException when the bytes are no header, or one too long
     */
    static ProxyHeader read(ByteBuffer buffer) throws ProxyProtocolException {
        int start = buffer.position();
        int available = buffer.remaining();
        if (available == 0) {
            return null;
        }
        if (buffer.get(start) == V2_SIGNATURE[0]) {
            for (int i = 0; i < Math.min(available, V2_SIGNATURE.length); i++) {
                if (buffer.get(start + i) != V2_SIGNATURE[i]) {
                    throw new ProxyProtocolException("no PROXY protocol header");
                }
            }
            return available < 16 ? null : readV2(buffer, start);
        }
        for (int i = 0; i < Math.min(available, V1_PREFIX.length); i++) {
            if (buffer.get(start + i) != V1_PREFIX[i]) {
                throw new ProxyProtocolException("no PROXY protocol header");
            }
        }
        for (int i = 0; i < Math.min(available, V1_MAX_BYTES); i++) {
            if (buffer.get(start + i) == '\n') {
                if (i == 0 || buffer.get(start + i - 1) != '\r') {
                    throw new ProxyProtocolException("a PROXY line not ended by CRLF");
                }
                byte[] line = new byte[i - 1];
                buffer.get(line);
                buffer.position(start + i + 1);
                return readV1(new String(line, StandardCharsets.US_ASCII));
            }
        }
        if (available >= V1_MAX_BYTES) {
            throw new ProxyProtocolException("a PROXY line longer than " + V1_MAX_BYTES + " bytes");
        }
        return null;
    }

    private static ProxyHeader readV1(String line) throws ProxyProtocolException {
        String[] words = line.split(" ", -1);
        if (words.length >= 2 && words[1].equals("UNKNOWN")) {
            return new Local();
        }
        if (words.length != 6 || !(words[1].equals("TCP4") || words[1].equals("TCP6"))) {
            throw new ProxyProtocolException("a malformed PROXY line: " + line);
        }
        boolean v4 = words[1].equals("TCP4");
        return new Proxied(
                new InetSocketAddress(literal(words[2], v4), port(words[4])),
                new InetSocketAddress(literal(words[3], v4), port(words[5])));
    }

    private static ProxyHeader readV2(ByteBuffer buffer, int start) throws ProxyProtocolException {
        int versionAndCommand = buffer.get(start + 12) & 0xff;
        int familyAndProtocol = buffer.get(start + 13) & 0xff;
        int length = buffer.getShort(start + 14) & 0xffff;
        if (versionAndCommand >> 4 != 2) {
            throw new ProxyProtocolException("PROXY protocol version " + (versionAndCommand >> 4) + " is not 2");
        }
        if (16 + length > MAX_BYTES) {
            throw new ProxyProtocolException("a PROXY header of " + (16 + length) + " bytes, more than " + MAX_BYTES);
        }
        if (buffer.remaining() < 16 + length) {
            return null;
        }
        int command = versionAndCommand & 0x0f;
        int family = familyAndProtocol >> 4;
        int addresses = start + 16;
        ProxyHeader header;
        if (command == 0) {
            header = new Local();
        } else if (command != 1) {
            throw new ProxyProtocolException("unknown PROXY command " + command);
        } else if (family == 1 && length >= 12) {
            header = new Proxied(v2Address(buffer, addresses, 4, addresses + 8),
                    v2Address(buffer, addresses + 4, 4, addresses + 10));
        } else if (family == 2 && length >= 36) {
            header = new Proxied(v2Address(buffer, addresses, 16, addresses + 32),
                    v2Address(buffer, addresses + 16, 16, addresses + 34));
        } else if (family == 0 || family == 3) {
            // unspecified or unix: nothing an HTTP request can name as its remote address
            header = new Local();
        } else {
            throw new ProxyProtocolException("a PROXY header of family " + family + " and " + length + " bytes");
        }
        // what follows the addresses (TLVs) is skipped
        buffer.position(start + 16 + length);
        return header;
    }

    private static InetSocketAddress v2Address(ByteBuffer buffer, int at, int size, int portAt)
            throws ProxyProtocolException {
        byte[] address = new byte[size];
        buffer.get(at, address);
        try {
            return new InetSocketAddress(InetAddress.getByAddress(address), buffer.getShort(portAt) & 0xffff);
        } catch (UnknownHostException e) {
            throw new ProxyProtocolException("a malformed address in a PROXY header");
        }
    }

    /**
     * An address literal of the family {@code v4} says, never looked up: four decimal numbers
     * up to 255 without leading zeros, or text of hex digits, colons and dots with a colon,
     * which {@link InetAddress} parses as an IPv6 literal.
     */
    private static InetAddress literal(String text, boolean v4) throws ProxyProtocolException {
        try {
            if (v4 && text.matches("(0|[1-9]\\d{0,2})(\\.(0|[1-9]\\d{0,2})){3}")) {
                String[] octets = text.split("\\.");
                byte[] address = new byte[4];
                boolean fits = true;
                for (int i = 0; i < 4; i++) {
                    int octet = Integer.parseInt(octets[i]);
                    fits &= octet <= 255;
                    address[i] = (byte) octet;
                }
                if (fits) {
                    return InetAddress.getByAddress(address);
                }
            } else if (!v4 && text.indexOf(':') >= 0 && text.matches("[0-9A-Fa-f:.]+")) {
                return InetAddress.getByName(text);
            }
        } catch (UnknownHostException e) {
            // refused below
        }
        throw new ProxyProtocolException("'" + text + "' is no " + (v4 ? "IPv4" : "IPv6") + " address");
    }

    private static int port(String text) throws ProxyProtocolException {
        if (text.matches("\\d{1,5}")) {
            int port = Integer.parseInt(text);
            if (port <= 65535) {
                return port;
            }
        }
        throw new ProxyProtocolException("'" + text + "' is no port");
    }
}
