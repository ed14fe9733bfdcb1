package dev.usher.dispatcher;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** A test client on a raw socket: sends bytes as given, reads responses exactly as framed. */
final class RawClient implements Closeable {

    /** One response as received. */
    record Response(int status, Map<String, String> headers, byte[] body) {
        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    private final Socket socket;
    private final InputStream in;

    RawClient(InetSocketAddress address) throws IOException {
        this(plainSocket(address));
    }

    /** A client on {@code connected}: a TLS socket, say. */
    RawClient(Socket connected) throws IOException {
        socket = connected;
        in = new BufferedInputStream(socket.getInputStream());
    }

    private static Socket plainSocket(InetSocketAddress address) throws IOException {
        Socket socket = new Socket();
        socket.setTcpNoDelay(true);
        socket.connect(address, 5000);
        socket.setSoTimeout(10_000);
        return socket;
    }

    RawClient send(String raw) throws IOException {
        return send(raw.getBytes(StandardCharsets.ISO_8859_1));
    }

    RawClient send(byte[] raw) throws IOException {
        socket.getOutputStream().write(raw);
        socket.getOutputStream().flush();
        return this;
    }

    /** Reads one response to a request that was not HEAD. */
    Response read() throws IOException {
        return read(false);
    }

    Response read(boolean headRequest) throws IOException {
        String statusLine = line();
        if (statusLine == null) {
            throw new IOException("connection closed before a response");
        }
        if (!statusLine.startsWith("HTTP/1.1 ")) {
            throw new IOException("bad status line " + statusLine);
        }
        int status = Integer.parseInt(statusLine.substring(9, 12));
        Map<String, String> headers = new LinkedHashMap<>();
        for (String line; !(line = line()).isEmpty(); ) {
            int colon = line.indexOf(':');
            headers.merge(line.substring(0, colon).toLowerCase(Locale.ROOT), line.substring(colon + 1).trim(),
                    (a, b) -> a + ", " + b);
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        boolean bodyless = headRequest || status == 204 || status == 304 || status < 200;
        if (bodyless) {
            return new Response(status, headers, body.toByteArray());
        }
        if (headers.containsKey("content-length")) {
            int length = Integer.parseInt(headers.get("content-length"));
            byte[] bytes = in.readNBytes(length);
            if (bytes.length < length) {
                throw new IOException("body truncated at " + bytes.length + " of " + length + " bytes");
            }
            body.write(bytes);
        } else if ("chunked".equals(headers.get("transfer-encoding"))) {
            for (int size; (size = Integer.parseInt(line(), 16)) > 0; ) {
                body.write(in.readNBytes(size));
                if (!line().isEmpty()) {
                    throw new IOException("chunk not followed by CRLF");
                }
            }
            if (!line().isEmpty()) {
                throw new IOException("trailers not expected");
            }
        } else {
            body.write(in.readAllBytes());
        }
        return new Response(status, headers, body.toByteArray());
    }

    /** Ends what the client sends: the server reads the end of its input. */
    void shutdownOutput() throws IOException {
        socket.shutdownOutput();
    }

    /** Whether any byte of a response arrives within {@code millis}; consumes nothing. */
    boolean answersWithin(int millis) throws IOException {
        int timeout = socket.getSoTimeout();
        socket.setSoTimeout(millis);
        try {
            in.mark(1);
            int b = in.read();
            in.reset();
            return b >= 0;
        } catch (java.net.SocketTimeoutException e) {
            return false;
        } finally {
            socket.setSoTimeout(timeout);
        }
    }

    /** Reads until the server closes the connection (or resets it); returns how many bytes came. */
    long bytesUntilClosed() {
        long total = 0;
        try {
            for (int n; (n = in.read(new byte[65536])) >= 0; ) {
                total += n;
            }
        } catch (IOException reset) {
            // closed all the same
        }
        return total;
    }

    /** Reads raw bytes until what was read ends with {@code marker}; null if the stream ends first. */
    String readUntil(String marker) throws IOException {
        StringBuilder read = new StringBuilder();
        while (!read.toString().endsWith(marker)) {
            int c = in.read();
            if (c < 0) {
                return null;
            }
            read.append((char) c);
        }
        return read.toString();
    }

    /** Whether the server closed the connection: the next read sees end of stream. */
    boolean closedByServer() throws IOException {
        return in.read() < 0;
    }

    private String line() throws IOException {
        StringBuilder line = new StringBuilder();
        for (int c; (c = in.read()) >= 0; ) {
            if (c == '\n') {
                if (line.length() == 0 || line.charAt(line.length() - 1) != '\r') {
                    throw new IOException("bare LF from server");
                }
                return line.substring(0, line.length() - 1);
            }
            line.append((char) c);
        }
        return line.length() == 0 ? null : line.toString();
    }

    /** The client's own port: how the server names it. */
    int localPort() {
        return socket.getLocalPort();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
