package dev.usher.http1;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The vocabulary of {@link RequestParserTableTest}'s case table: a {@link Case} is raw request
 * bytes, the limits to parse them with and what the parser must make of them; a {@link Req} is
 * one request the parser must frame. Short factory methods keep the table readable.
 */
final class RequestCases {

    static final ParserLimits DEFAULTS = ParserLimits.DEFAULTS;
    static final String CRLF = "\r\n";
    static final String HOST = "Host: a";

    private RequestCases() {
    }

    /**
     * One row of the table.
     *
     * @param status the error status expected, or 0 when the input must parse without error
     * @param requests the requests framed, in order: all of them, or those before the error
     * @param idleAtEnd for a case without error, whether the parser is between requests at the end
     */
    record Case(String name, byte[] raw, ParserLimits limits, int status, List<Req> requests, boolean idleAtEnd) {

        /** The same case parsed with other limits. */
        Case with(ParserLimits other) {
            return new Case(name, raw, other, status, requests, idleAtEnd);
        }

        /** The same case, with the input ending in the middle of a request. */
        Case pending() {
            return new Case(name, raw, limits, status, requests, false);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    /** What one framed request must look like. */
    static final class Req {
        final String method;
        final String target;
        HttpVersion version = HttpVersion.HTTP_1_1;
        /** Selected fields: lower-case name to every value of that name in order (empty: absent). */
        final Map<String, List<String>> fields = new LinkedHashMap<>();
        int fieldCount = -1;
        byte[] body = new byte[0];
        boolean keepAlive = true;
        boolean expectContinue;
        boolean chunked;
        int trailers = -1;

        Req(String method, String target) {
            this.method = method;
            this.target = target;
        }

        /** A field the head must hold; call again with the same name for a repeated field. */
        Req field(String lowerCaseName, String value) {
            fields.computeIfAbsent(lowerCaseName, k -> new ArrayList<>()).add(value);
            return this;
        }

        /** A field the head must not hold. */
        Req absent(String lowerCaseName) {
            fields.put(lowerCaseName, List.of());
            return this;
        }

        /** How many fields the head holds in all. */
        Req fields(int count) {
            fieldCount = count;
            return this;
        }

        /** A Content-Length body. */
        Req body(String text) {
            body = bytes(text);
            return this;
        }

        /** A chunked body, as decoded. */
        Req chunked(String decoded) {
            chunked = true;
            return body(decoded);
        }

        /** HTTP/1.0, which closes unless asked otherwise. */
        Req http10() {
            version = HttpVersion.HTTP_1_0;
            keepAlive = false;
            return this;
        }

        Req close() {
            keepAlive = false;
            return this;
        }

        Req keepAlive() {
            keepAlive = true;
            return this;
        }

        Req expectContinue() {
            expectContinue = true;
            return this;
        }

        /** How many trailer fields the chunked body ended with ({@link RequestParser#trailerCount()}). */
        Req trailers(int count) {
            trailers = count;
            return this;
        }

        @Override
        public String toString() {
            return method + " " + target + " " + version.text() + " fields=" + fields
                    + (fieldCount >= 0 ? " fieldCount=" + fieldCount : "")
                    + " body=" + show(body) + " keepAlive=" + keepAlive + " expectContinue=" + expectContinue
                    + " chunked=" + chunked + (trailers >= 0 ? " trailers=" + trailers : "");
        }
    }

    // ---- cases -------------------------------------------------------------------------------

    /** Input that parses without error into {@code requests}, the parser idle at the end. */
    static Case ok(String name, String raw, Req... requests) {
        return new Case(name, bytes(raw), DEFAULTS, 0, List.of(requests), true);
    }

    /** Input refused with {@code status}, after {@code framedBefore} requests (none by default). */
    static Case fail(String name, String raw, int status, Req... framedBefore) {
        return new Case(name, bytes(raw), DEFAULTS, status, List.of(framedBefore), false);
    }

    /** Input that is neither refused nor complete: the parser waits for more. */
    static Case waits(String name, String raw, Req... framed) {
        return ok(name, raw, framed).pending();
    }

    static Req req(String method, String target) {
        return new Req(method, target);
    }

    // ---- raw input ---------------------------------------------------------------------------

    /** A request head: the request line, the field lines, each ended by CRLF, and the empty line. */
    static String head(String requestLine, String... fieldLines) {
        StringBuilder s = new StringBuilder(requestLine).append(CRLF);
        for (String field : fieldLines) {
            s.append(field).append(CRLF);
        }
        return s.append(CRLF).toString();
    }

    /** An HTTP/1.1 GET of {@code target} with just a Host field. */
    static String get(String target) {
        return head("GET " + target + " HTTP/1.1", HOST);
    }

    /** An HTTP/1.1 head whose fields are Host and {@code fieldLines}. */
    static String head11(String requestLine, String... fieldLines) {
        String[] all = new String[fieldLines.length + 1];
        all[0] = HOST;
        System.arraycopy(fieldLines, 0, all, 1, fieldLines.length);
        return head(requestLine, all);
    }

    /** An HTTP/1.1 POST head with a Content-Length, then {@code body}. */
    static String post(String body) {
        return head11("POST / HTTP/1.1", "Content-Length: " + body.length()) + body;
    }

    /** The head of an HTTP/1.1 chunked POST to {@code target}: Host, Transfer-Encoding, then {@code more}. */
    static String chunkedHead(String target, String... more) {
        String[] fields = new String[more.length + 1];
        fields[0] = "Transfer-Encoding: chunked";
        System.arraycopy(more, 0, fields, 1, more.length);
        return head11("POST " + target + " HTTP/1.1", fields);
    }

    /** A chunked POST to / whose body is the raw chunk framing {@code chunks}. */
    static String chunkedPost(String chunks) {
        return chunkedHead("/") + chunks;
    }

    static String repeat(String s, int times) {
        return s.repeat(times);
    }

    static ParserLimits targetLimit(int maxTargetLength) {
        return new ParserLimits(DEFAULTS.maxHeaderSize(), DEFAULTS.maxBodySize(), maxTargetLength);
    }

    static ParserLimits headLimit(int maxHeaderSize) {
        return new ParserLimits(maxHeaderSize, DEFAULTS.maxBodySize());
    }

    static ParserLimits bodyLimit(long maxBodySize) {
        return new ParserLimits(DEFAULTS.maxHeaderSize(), maxBodySize);
    }

    static byte[] bytes(String latin1) {
        return latin1.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** Bytes shown with control and non-ASCII bytes escaped, long runs shortened. */
    static String show(byte[] b) {
        StringBuilder s = new StringBuilder("\"");
        int shown = Math.min(b.length, 160);
        for (int i = 0; i < shown; i++) {
            int c = b[i] & 0xff;
            if (c == '\r') {
                s.append("\\r");
            } else if (c == '\n') {
                s.append("\\n");
            } else if (c == '\t') {
                s.append("\\t");
            } else if (c < 0x20 || c >= 0x7f) {
                s.append(String.format("\\x%02x", c));
            } else {
                s.append((char) c);
            }
        }
        if (shown < b.length) {
            s.append("...(").append(b.length).append(" bytes)");
        }
        return s.append('"').toString();
    }

    static String show(String latin1) {
        return show(bytes(latin1));
    }

    static boolean sameBytes(byte[] a, byte[] b) {
        return Arrays.equals(a, b);
    }
}
