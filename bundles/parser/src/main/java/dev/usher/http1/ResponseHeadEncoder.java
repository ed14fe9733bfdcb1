package dev.usher.http1;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Encodes response heads and chunk framing. The constant parts (status lines, the
 * {@code Server} line, framing lines) are encoded once; {@code Date} once per second.
 * Thread-safe.
 */
public final class ResponseHeadEncoder {

    private static final byte[] CRLF = {'\r', '\n'};
    private static final byte[] CONTENT_LENGTH = ascii("Content-Length: ");
    private static final byte[] CHUNKED = ascii("Transfer-Encoding: chunked\r\n");
    private static final byte[] CLOSE = ascii("Connection: close\r\n");
    private static final byte[] LAST_CHUNK = ascii("0\r\n\r\n");
    private static final byte[] CONTINUE = ascii("HTTP/1.1 100 Continue\r\n\r\n");
    private static final byte[] HEX = ascii("0123456789abcdef");
    private static final byte[][] STATUS_LINES = new byte[600][];

    static {
        for (int status = 100; status < 600; status++) {
            STATUS_LINES[status] = ascii("HTTP/1.1 " + status + " " + StatusReasons.reason(status) + "\r\n");
        }
    }

    private final byte[] serverLine;
    private final HttpDate date = new HttpDate();

    /** @param ident the {@code Server} field's value; empty for no such field */
    public ResponseHeadEncoder(String ident) {
        this.serverLine = ident.isEmpty() ? new byte[0] : latin1("Server: " + ident + "\r\n");
    }

    /**
     * The encoded size of {@code head}.
     *
     * @throws IllegalArgumentException when a field name is not a token or a value holds a
     *     control character: nothing of such a head may be sent
     */
    public int size(ResponseHead head) {
        int size = statusLineSize(head) + serverLine.length + 37 + CRLF.length;
        String[] fields = head.fields();
        for (int i = 0; i < head.fieldCount(); i++) {
            String name = fields[2 * i];
            String value = fields[2 * i + 1];
            checkName(name);
            checkValue(name, value);
            size += name.length() + 2 + value.length() + 2;
        }
        if (head.contentLength() >= 0) {
            size += CONTENT_LENGTH.length + 19 + 2;
        }
        if (head.chunked()) {
            size += CHUNKED.length;
        }
        if (head.close()) {
            size += CLOSE.length;
        }
        return size;
    }

    /** Writes {@code head}; {@code out} must have {@link #size} bytes remaining. */
    public void encode(ResponseHead head, ByteBuffer out) {
        if (head.reason() == null) {
            out.put(STATUS_LINES[head.status()]);
        } else {
            out.put(STATUS_LINES[head.status()], 0, 13);
            putLatin1(out, head.reason());
            out.put(CRLF);
        }
        out.put(date.fieldLine());
        out.put(serverLine);
        String[] fields = head.fields();
        for (int i = 0; i < head.fieldCount(); i++) {
            putLatin1(out, fields[2 * i]);
            out.put((byte) ':').put((byte) ' ');
            putLatin1(out, fields[2 * i + 1]);
            out.put(CRLF);
        }
        if (head.contentLength() >= 0) {
            out.put(CONTENT_LENGTH);
            putDecimal(out, head.contentLength());
            out.put(CRLF);
        }
        if (head.chunked()) {
            out.put(CHUNKED);
        }
        if (head.close()) {
            out.put(CLOSE);
        }
        out.put(CRLF);
    }

    /** The most bytes {@link #chunkHeader} writes. */
    public static final int MAX_CHUNK_HEADER = 18;

    /** Writes the size line of a chunk of {@code size} bytes (more than 0). */
    public static void chunkHeader(long size, ByteBuffer out) {
        int digits = (64 - Long.numberOfLeadingZeros(size) + 3) / 4;
        for (int d = digits - 1; d >= 0; d--) {
            out.put(HEX[(int) (size >>> (4 * d)) & 0xf]);
        }
        out.put(CRLF);
    }

    /** Writes the CRLF that ends a chunk's data. */
    public static void chunkEnd(ByteBuffer out) {
        out.put(CRLF);
    }

    /**
     * The interim {@code 100 Continue} response, which tells a client that waits with its body
     * ({@code Expect: 100-continue}) to send it.
     *
     * @since 1.1
     */
    public static byte[] continueResponse() {
        return CONTINUE.clone();
    }

    /** The last chunk with no trailer fields: ends a chunked body. */
    public static byte[] lastChunk() {
        return LAST_CHUNK.clone();
    }

    private static int statusLineSize(ResponseHead head) {
        String reason = head.reason();
        if (reason == null) {
            return STATUS_LINES[head.status()].length;
        }
        for (int i = 0; i < reason.length(); i++) {
            char c = reason.charAt(i);
            if (c > 0xff || !Chars.isFieldValue((byte) c)) {
                throw new IllegalArgumentException("invalid character in reason phrase");
            }
        }
        return 13 + reason.length() + 2;
    }

    private static void checkName(String name) {
        if (name.isEmpty()) {
            throw new IllegalArgumentException("empty header name");
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c > 0xff || !Chars.isTchar((byte) c)) {
                throw new IllegalArgumentException("invalid character in header name " + printable(name));
            }
        }
    }

    private static void checkValue(String name, String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c > 0xff || !Chars.isFieldValue((byte) c)) {
                throw new IllegalArgumentException("invalid character in value of header " + name);
            }
        }
    }

    private static String printable(String s) {
        return s.replaceAll("[^\\x21-\\x7e]", "?");
    }

    private static void putLatin1(ByteBuffer out, String s) {
        for (int i = 0; i < s.length(); i++) {
            out.put((byte) s.charAt(i));
        }
    }

    private static void putDecimal(ByteBuffer out, long value) {
        if (value == 0) {
            out.put((byte) '0');
            return;
        }
        int start = out.position();
        long v = value;
        while (v > 0) {
            out.put((byte) ('0' + v % 10));
            v /= 10;
        }
        for (int i = start, j = out.position() - 1; i < j; i++, j--) {
            byte t = out.get(i);
            out.put(i, out.get(j));
            out.put(j, t);
        }
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] latin1(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }
}
