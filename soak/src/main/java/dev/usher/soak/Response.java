package dev.usher.soak;

import static java.nio.charset.StandardCharsets.ISO_8859_1;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * An HTTP/1.1 response as read off a socket: with a {@code Content-Length}, chunked, or (no
 * length) up to the end of the connection.
 */
public record Response(int status, Map<String, String> headers, byte[] body) {

    /** The server closed or reset the connection before it sent any byte of a response. */
    public static final class NoResponseException extends EOFException {
        private static final long serialVersionUID = 1L;
        /**
         * Whether the request may be sent again on a new connection (RFC 9112 9.3.1): the
         * connection was found closed in an orderly way, or the request could not be sent at all.
         * A reset after the request was sent is not retryable: the server may have acted on it.
         */
        public final boolean retryable;

        NoResponseException(String message, boolean retryable) {
            super(message);
            this.retryable = retryable;
        }
    }

    /** A header's value (lower-case name), or null. */
    public String header(String name) {
        return headers.get(name);
    }

    /** Whether the server closes the connection after this response. */
    public boolean closes() {
        return "close".equalsIgnoreCase(headers.getOrDefault("connection", ""));
    }

    public String text() {
        return new String(body, ISO_8859_1);
    }

    /**
     * Reads one response.
     *
     * @param headRequest whether it answers a HEAD (no body whatever the headers say)
     * @throws NoResponseException when the connection ends before the first byte
     */
    public static Response read(InputStream in, boolean headRequest) throws IOException {
        int first;
        try {
            first = in.read();
        } catch (SocketException e) {
            throw new NoResponseException("reset before a response: " + e.getMessage(), false);
        }
        if (first < 0) {
            throw new NoResponseException("closed before a response", true);
        }
        String statusLine = (char) first + line(in);
        String[] parts = statusLine.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
            throw new IOException("not a status line: " + abbreviate(statusLine));
        }
        int status;
        try {
            status = Integer.parseInt(parts[1]);
        } catch (NumberFormatException e) {
            throw new IOException("not a status line: " + abbreviate(statusLine));
        }
        Map<String, String> headers = new LinkedHashMap<>();
        for (String line; !(line = line(in)).isEmpty(); ) {
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw new IOException("not a header field: " + abbreviate(line));
            }
            headers.merge(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim(),
                    (a, b) -> a + ", " + b);
        }
        byte[] body;
        String length = headers.get("content-length");
        if (headRequest || status == 204 || status == 304 || status / 100 == 1) {
            body = new byte[0];
        } else if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            body = chunked(in);
        } else if (length != null) {
            int n = Integer.parseInt(length);
            body = in.readNBytes(n);
            if (body.length < n) {
                throw new EOFException("body cut short: " + body.length + " of " + n + " bytes (status " + status + ")");
            }
        } else {
            body = in.readAllBytes();
        }
        return new Response(status, headers, body);
    }

    private static byte[] chunked(InputStream in) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (;;) {
            String size = line(in);
            int semicolon = size.indexOf(';');
            int n = Integer.parseInt((semicolon < 0 ? size : size.substring(0, semicolon)).trim(), 16);
            if (n == 0) {
                while (!line(in).isEmpty()) {
                    // trailer fields: none expected, skipped
                }
                return body.toByteArray();
            }
            byte[] chunk = in.readNBytes(n);
            if (chunk.length < n) {
                throw new EOFException("chunk cut short: " + chunk.length + " of " + n + " bytes");
            }
            body.write(chunk);
            if (!line(in).isEmpty()) {
                throw new IOException("chunk data not followed by CRLF");
            }
        }
    }

    /** A line without its CRLF (a bare LF is taken too: the server is under test, not the client). */
    static String line(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(64);
        for (int b; (b = in.read()) != '\n'; ) {
            if (b < 0) {
                throw new EOFException("response cut short after: " + abbreviate(line.toString(ISO_8859_1)));
            }
            if (b != '\r') {
                line.write(b);
            }
        }
        return line.toString(ISO_8859_1);
    }

    static String abbreviate(String s) {
        return s.length() <= 120 ? s : s.substring(0, 120) + "...";
    }
}
