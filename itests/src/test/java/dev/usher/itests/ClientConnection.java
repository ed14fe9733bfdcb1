package dev.usher.itests;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A plain HTTP/1.1 client connection (TCP to a loopback address, or a Unix domain socket), one
 * request at a time, kept alive between requests. Every socket has a connect and a read
 * timeout, so a hang fails the test instead of blocking it.
 *
 * <p>A request can be sent and its response read later ({@link #send} then {@link #readResponse}),
 * which keeps a request in flight while the test does something else.
 */
final class ClientConnection implements Closeable {

    static final int CONNECT_TIMEOUT_MS = 2_000;
    static final int READ_TIMEOUT_MS = 10_000;

    /** A response: status, header fields (lower-case names, last one wins) and body. */
    record Response(int status, Map<String, String> headers, byte[] body) {

        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }

        /** Whether the server announced it closes the connection after this response. */
        boolean closes() {
            return "close".equalsIgnoreCase(header("Connection"));
        }

        @Override
        public String toString() {
            return status + " " + headers + " " + text();
        }
    }

    private final String hostHeader;
    private final String description;
    private final Transport transport;
    private final InputStream in;
    private final OutputStream out;

    private ClientConnection(String hostHeader, String description, Transport transport) throws IOException {
        this.hostHeader = hostHeader;
        this.description = description;
        this.transport = transport;
        this.in = new BufferedInputStream(transport.input(), 16 * 1024);
        this.out = transport.output();
    }

    /** Connects to 127.0.0.1:{@code port}. */
    static ClientConnection open(int port) throws IOException {
        return open("127.0.0.1", port);
    }

    /** Connects to {@code host} (an IP literal, e.g. {@code ::1}):{@code port}. */
    static ClientConnection open(String host, int port) throws IOException {
        InetAddress address = InetAddress.getByName(host);
        Socket socket = new Socket();
        try {
            socket.connect(new InetSocketAddress(address, port), CONNECT_TIMEOUT_MS);
            socket.setSoTimeout(READ_TIMEOUT_MS);
            socket.setTcpNoDelay(true);
            String authority = (address instanceof Inet6Address ? "[" + address.getHostAddress() + "]"
                    : address.getHostAddress()) + ":" + port;
            return new ClientConnection(authority, "tcp " + socket.getLocalPort() + " -> " + authority,
                    new TcpTransport(socket));
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    /** Connects to the Unix domain socket at {@code path}. */
    static ClientConnection openUnix(Path path) throws IOException {
        SocketChannel channel = SocketChannel.open(UnixDomainSocketAddress.of(path));
        try {
            return new ClientConnection("localhost", "unix " + path, new UnixTransport(channel));
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /** The client's local port, as the server sees it; -1 for a unix socket. */
    int localPort() {
        return description.startsWith("tcp ") ? Integer.parseInt(description.substring(4, description.indexOf(' ', 4)))
                : -1;
    }

    /** One request on a new connection, closed after the response. */
    static Response get(int port, String target) throws IOException {
        return get("127.0.0.1", port, target);
    }

    /** One request on a new connection to {@code host}, closed after the response. */
    static Response get(String host, int port, String target) throws IOException {
        try (ClientConnection c = open(host, port)) {
            return c.request("GET", target, Map.of("Connection", "close"), new byte[0]);
        }
    }

    /** Whether 127.0.0.1:{@code port} refuses (or otherwise fails) a TCP connection. */
    static boolean refuses(int port) {
        return refuses("127.0.0.1", port);
    }

    /** Whether {@code host}:{@code port} refuses (or otherwise fails) a TCP connection. */
    static boolean refuses(String host, int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getByName(host), port), CONNECT_TIMEOUT_MS);
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    /** A GET on this connection, which stays open. */
    Response get(String target) throws IOException {
        return request("GET", target, Map.of(), new byte[0]);
    }

    /** Sends a request on this connection and reads its response. */
    Response request(String method, String target, Map<String, String> headers, byte[] body) throws IOException {
        send(method, target, headers, body);
        return read(method.equals("HEAD"), null);
    }

    /**
     * Sends a request and returns without reading its response: read it with
     * {@link #readResponse()}.
     */
    void send(String method, String target, Map<String, String> headers, byte[] body) throws IOException {
        StringBuilder head = new StringBuilder();
        head.append(method).append(' ').append(target).append(" HTTP/1.1\r\n");
        if (headers.keySet().stream().noneMatch(name -> name.equalsIgnoreCase("Host"))) {
            head.append("Host: ").append(hostHeader).append("\r\n");
        }
        headers.forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
        if (body.length > 0 || method.equals("POST") || method.equals("PUT")) {
            head.append("Content-Length: ").append(body.length).append("\r\n");
        }
        head.append("\r\n");
        out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
        out.write(body);
        out.flush();
    }

    /** Reads the response to a request sent with {@link #send} (not a HEAD). */
    Response readResponse() throws IOException {
        return read(false, null);
    }

    /**
     * Sends only a request's head, exactly with {@code headers} (no {@code Content-Length} is
     * added), and returns the stream to write the body to, framed as those headers say. Do not
     * close the stream: close the connection. Writes have no timeout: guard them from outside.
     */
    OutputStream sendHead(String method, String target, Map<String, String> headers) throws IOException {
        StringBuilder head = new StringBuilder();
        head.append(method).append(' ').append(target).append(" HTTP/1.1\r\n");
        if (headers.keySet().stream().noneMatch(name -> name.equalsIgnoreCase("Host"))) {
            head.append("Host: ").append(hostHeader).append("\r\n");
        }
        headers.forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
        head.append("\r\n");
        out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
        return out;
    }

    /**
     * Reads the response to a request (not a HEAD) and copies its body to {@code sink} as it
     * arrives instead of keeping it: the returned response has an empty body.
     */
    Response readResponse(OutputStream sink) throws IOException {
        return read(false, sink);
    }

    /**
     * Whether nothing (neither a byte nor the end of the stream) arrives within {@code wait}: a
     * bounded read, not a sleep. Whatever arrives stays to be read.
     */
    boolean quietFor(Duration wait) throws IOException {
        int previous = transport.timeout();
        transport.timeout((int) Math.max(1, wait.toMillis()));
        in.mark(1);
        try {
            in.read();
            in.reset();
            return false;
        } catch (SocketTimeoutException e) {
            return true;
        } finally {
            transport.timeout(previous);
        }
    }

    /**
     * Waits up to {@code timeout} for the server to close the connection: the read returns -1.
     *
     * @throws AssertionError if data arrives, the read times out or fails otherwise (a reset)
     */
    void awaitClosedByServer(Duration timeout) throws IOException {
        int previous = transport.timeout();
        transport.timeout((int) Math.max(1, timeout.toMillis()));
        try {
            int b = in.read();
            if (b >= 0) {
                throw new AssertionError(description + ": expected the server to close the connection, but got data "
                        + "starting with byte " + b);
            }
        } catch (SocketTimeoutException e) {
            throw new AssertionError(description + ": the server did not close the connection within "
                    + timeout.toMillis() + " ms", e);
        } catch (IOException e) {
            throw new AssertionError(description + ": expected an orderly close (read -1) but got " + e, e);
        } finally {
            transport.timeout(previous);
        }
    }

    private Response read(boolean headRequest, OutputStream sink) throws IOException {
        String statusLine = line();
        String[] parts = statusLine.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
            throw new IOException("not an HTTP status line: " + statusLine);
        }
        int status = Integer.parseInt(parts[1]);
        Map<String, String> headers = new LinkedHashMap<>();
        for (String field = line(); !field.isEmpty(); field = line()) {
            int colon = field.indexOf(':');
            if (colon <= 0) {
                throw new IOException("bad header field: " + field);
            }
            headers.put(field.substring(0, colon).trim().toLowerCase(Locale.ROOT), field.substring(colon + 1).trim());
        }
        ByteArrayOutputStream kept = sink == null ? new ByteArrayOutputStream() : null;
        OutputStream body = sink == null ? kept : sink;
        if (headRequest || status == 204 || status == 304 || status / 100 == 1) {
            // no body
        } else if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            chunked(body);
        } else if (headers.containsKey("content-length")) {
            exactly(Long.parseLong(headers.get("content-length")), body);
        } else {
            in.transferTo(body);
        }
        return new Response(status, headers, kept == null ? new byte[0] : kept.toByteArray());
    }

    private void chunked(OutputStream body) throws IOException {
        while (true) {
            String sizeLine = line();
            int semicolon = sizeLine.indexOf(';');
            long size = Long.parseLong((semicolon < 0 ? sizeLine : sizeLine.substring(0, semicolon)).trim(), 16);
            if (size == 0) {
                while (!line().isEmpty()) {
                    // trailer fields: ignored
                }
                return;
            }
            exactly(size, body);
            if (!line().isEmpty()) {
                throw new IOException("chunk not followed by CRLF");
            }
        }
    }

    private void exactly(long length, OutputStream body) throws IOException {
        byte[] buffer = new byte[(int) Math.min(length, 64 * 1024)];
        long left = length;
        while (left > 0) {
            int n = in.read(buffer, 0, (int) Math.min(left, buffer.length));
            if (n < 0) {
                throw new EOFException("body ended after " + (length - left) + " of " + length + " bytes");
            }
            body.write(buffer, 0, n);
            left -= n;
        }
    }

    private String line() throws IOException {
        StringBuilder line = new StringBuilder();
        while (true) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("connection closed" + (line.length() > 0 ? " after '" + line + "'" : ""));
            }
            if (b == '\n') {
                int end = line.length();
                if (end > 0 && line.charAt(end - 1) == '\r') {
                    line.setLength(end - 1);
                }
                return line.toString();
            }
            line.append((char) b);
        }
    }

    @Override
    public void close() throws IOException {
        transport.close();
    }

    @Override
    public String toString() {
        return description;
    }

    /** The byte streams of a connection, with a settable read timeout. */
    private interface Transport extends Closeable {

        InputStream input() throws IOException;

        OutputStream output() throws IOException;

        int timeout() throws IOException;

        void timeout(int millis) throws IOException;
    }

    private record TcpTransport(Socket socket) implements Transport {

        @Override
        public InputStream input() throws IOException {
            return socket.getInputStream();
        }

        @Override
        public OutputStream output() throws IOException {
            return socket.getOutputStream();
        }

        @Override
        public int timeout() throws IOException {
            return socket.getSoTimeout();
        }

        @Override
        public void timeout(int millis) throws IOException {
            socket.setSoTimeout(millis);
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    /**
     * A Unix domain socket channel, non-blocking underneath so reads and writes can time out
     * ({@code SocketChannel.socket()} is not available for Unix domain sockets).
     */
    private static final class UnixTransport implements Transport {

        private final SocketChannel channel;
        private final Selector selector;
        private final SelectionKey key;
        private volatile int timeoutMillis = READ_TIMEOUT_MS;

        UnixTransport(SocketChannel channel) throws IOException {
            this.channel = channel;
            channel.configureBlocking(false);
            this.selector = Selector.open();
            this.key = channel.register(selector, 0);
        }

        @Override
        public InputStream input() {
            return new InputStream() {
                @Override
                public int read() throws IOException {
                    byte[] one = new byte[1];
                    int n = read(one, 0, 1);
                    return n < 0 ? -1 : one[0] & 0xff;
                }

                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    if (len == 0) {
                        return 0;
                    }
                    ByteBuffer buffer = ByteBuffer.wrap(b, off, len);
                    long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
                    while (true) {
                        int n = channel.read(buffer);
                        if (n != 0) {
                            return n;
                        }
                        await(SelectionKey.OP_READ, deadline, "read");
                    }
                }
            };
        }

        @Override
        public OutputStream output() {
            return new OutputStream() {
                @Override
                public void write(int b) throws IOException {
                    write(new byte[] {(byte) b}, 0, 1);
                }

                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    ByteBuffer buffer = ByteBuffer.wrap(b, off, len);
                    long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
                    while (buffer.hasRemaining()) {
                        if (channel.write(buffer) == 0) {
                            await(SelectionKey.OP_WRITE, deadline, "write");
                        }
                    }
                }
            };
        }

        private void await(int ops, long deadline, String what) throws IOException {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new SocketTimeoutException(what + " timed out");
            }
            key.interestOps(ops);
            selector.selectedKeys().clear();
            selector.select(Math.max(1, left / 1_000_000L));
            key.interestOps(0);
        }

        @Override
        public int timeout() {
            return timeoutMillis;
        }

        @Override
        public void timeout(int millis) {
            timeoutMillis = millis;
        }

        @Override
        public void close() throws IOException {
            try {
                selector.close();
            } finally {
                channel.close();
            }
        }
    }
}
