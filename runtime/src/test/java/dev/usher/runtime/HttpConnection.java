package dev.usher.runtime;

import static java.nio.charset.StandardCharsets.ISO_8859_1;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * One HTTP/1.1 client connection over TCP or a Unix socket, kept alive between requests: a GET
 * at a time, responses with a {@code Content-Length} (or none for status codes without a body).
 */
final class HttpConnection implements AutoCloseable {

    /** The server closed the connection before it sent any byte of the response. */
    static final class ClosedBeforeResponse extends EOFException {
        private static final long serialVersionUID = 1L;

        ClosedBeforeResponse(String message) {
            super(message);
        }
    }

    /** A response. */
    record Response(int status, Map<String, String> headers, String body) {
        /** The value of a header (lower-case name), or null. */
        String header(String name) {
            return headers.get(name);
        }

        /** Whether the server closes the connection after this response. */
        boolean closes() {
            return "close".equalsIgnoreCase(headers.getOrDefault("connection", ""));
        }
    }

    private final AutoCloseable socket;
    private final InputStream in;
    private final OutputStream out;
    private final String host;
    private int requests;

    private HttpConnection(AutoCloseable socket, InputStream in, OutputStream out, String host) {
        this.socket = socket;
        this.in = new BufferedInputStream(in);
        this.out = out;
        this.host = host;
    }

    /** Connects to {@code host:port} with a read timeout. */
    static HttpConnection tcp(String host, int port, int timeoutMillis) throws IOException {
        Socket socket = new Socket();
        try {
            socket.connect(new InetSocketAddress(host, port), timeoutMillis);
            socket.setSoTimeout(timeoutMillis);
            socket.setTcpNoDelay(true);
            return new HttpConnection(socket, socket.getInputStream(), socket.getOutputStream(),
                    (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port);
        } catch (IOException e) {
            socket.close();
            throw e;
        }
    }

    /** Connects to a Unix domain socket (blocking; no read timeout). */
    static HttpConnection unix(Path path) throws IOException {
        SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            channel.connect(UnixDomainSocketAddress.of(path));
            return new HttpConnection(channel, Channels.newInputStream(channel), Channels.newOutputStream(channel),
                    "localhost");
        } catch (IOException e) {
            channel.close();
            throw e;
        }
    }

    /** How many requests this connection has sent. */
    int requests() {
        return requests;
    }

    /** GETs {@code target} and reads the response. */
    Response get(String target) throws IOException {
        requests++;
        try {
            out.write(("GET " + target + " HTTP/1.1\r\nHost: " + host + "\r\n\r\n").getBytes(ISO_8859_1));
            out.flush();
        } catch (SocketException e) {
            throw new ClosedBeforeResponse("closed before the request was sent (request " + requests
                    + " on this connection): " + e);
        }
        return read();
    }

    /** Sends {@code raw} bytes as they are: part of a request, for one. */
    HttpConnection send(String raw) throws IOException {
        out.write(raw.getBytes(ISO_8859_1));
        out.flush();
        return this;
    }

    /** Reads the response to a request sent with {@link #send}. */
    Response response() throws IOException {
        requests++;
        return read();
    }

    /** Whether the server has closed the connection: the next read sees its end. */
    boolean closedByServer() throws IOException {
        return in.read() < 0;
    }

    private Response read() throws IOException {
        int first;
        try {
            first = in.read();
        } catch (SocketException e) {
            throw new ClosedBeforeResponse("reset before a response (request " + requests + " on this connection): "
                    + e);
        }
        if (first < 0) {
            throw new ClosedBeforeResponse("closed before a response (request " + requests + " on this connection)");
        }
        String statusLine = (char) first + line();
        String[] parts = statusLine.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
            throw new IOException("not a status line: " + statusLine);
        }
        int status = Integer.parseInt(parts[1]);
        Map<String, String> headers = new LinkedHashMap<>();
        for (String line; !(line = line()).isEmpty(); ) {
            int colon = line.indexOf(':');
            headers.merge(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim(),
                    (a, b) -> a + ", " + b);
        }
        String length = headers.get("content-length");
        byte[] body;
        if (length != null) {
            body = in.readNBytes(Integer.parseInt(length));
            if (body.length < Integer.parseInt(length)) {
                throw new EOFException("body cut short: " + body.length + " of " + length + " bytes");
            }
        } else if (status == 204 || status == 304 || status / 100 == 1) {
            body = new byte[0];
        } else {
            throw new IOException("a response without Content-Length: " + statusLine + " " + headers);
        }
        return new Response(status, headers, new String(body, ISO_8859_1));
    }

    private String line() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(64);
        for (int b; (b = in.read()) != '\n'; ) {
            if (b < 0) {
                throw new EOFException("response cut short: " + line.toString(ISO_8859_1));
            }
            if (b != '\r') {
                line.write(b);
            }
        }
        return line.toString(ISO_8859_1);
    }

    @Override
    public void close() throws IOException {
        try {
            socket.close();
        } catch (IOException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException(e);
        }
    }
}
