package dev.usher.http1;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import dev.usher.http1.ParsedStream.Split;

class RequestParserTest {

    private static final ParserLimits LIMITS = ParserLimits.DEFAULTS;

    /** Inputs the parser refuses, with the status each deserves. */
    static Stream<Arguments> refused() {
        return Stream.of(
                Arguments.of("lower-case version", "GET / http/1.1\r\nHost: a\r\n\r\n", 400),
                Arguments.of("two spaces after method", "GET  / HTTP/1.1\r\nHost: a\r\n\r\n", 400),
                Arguments.of("missing version", "GET /\r\nHost: a\r\n\r\n", 400),
                Arguments.of("trailing space after version", "GET / HTTP/1.1 \r\nHost: a\r\n\r\n", 400),
                Arguments.of("HTTP/2.0", "GET / HTTP/2.0\r\nHost: a\r\n\r\n", 505),
                Arguments.of("HTTP/0.9", "GET / HTTP/0.9\r\nHost: a\r\n\r\n", 505),
                Arguments.of("version with letters", "GET / HTTP/1.x\r\nHost: a\r\n\r\n", 400),
                Arguments.of("control byte in target", "GET /a\u0001b HTTP/1.1\r\nHost: a\r\n\r\n", 400),
                Arguments.of("non-ASCII in target", "GET /\u00e9 HTTP/1.1\r\nHost: a\r\n\r\n", 400),
                Arguments.of("non-token method", "G(T / HTTP/1.1\r\nHost: a\r\n\r\n", 400),
                Arguments.of("bare LF ends request line", "GET / HTTP/1.1\nHost: a\r\n\r\n", 400),
                Arguments.of("bare LF ends field", "GET / HTTP/1.1\r\nHost: a\n\r\n", 400),
                Arguments.of("bare LF ends head", "GET / HTTP/1.1\r\nHost: a\r\n\n", 400),
                Arguments.of("bare CR in field value", "GET / HTTP/1.1\r\nHost: a\rb\r\n\r\n", 400),
                Arguments.of("NUL in field value", "GET / HTTP/1.1\r\nHost: a\u0000b\r\n\r\n", 400),
                Arguments.of("space before colon", "GET / HTTP/1.1\r\nHost : a\r\n\r\n", 400),
                Arguments.of("obs-fold", "GET / HTTP/1.1\r\nHost: a\r\nX-A: b\r\n c\r\n\r\n", 400),
                Arguments.of("field without colon", "GET / HTTP/1.1\r\nHost: a\r\nNoColon\r\n\r\n", 400),
                Arguments.of("empty field name", "GET / HTTP/1.1\r\nHost: a\r\n: v\r\n\r\n", 400),
                Arguments.of("no Host in HTTP/1.1", "GET / HTTP/1.1\r\n\r\n", 400),
                Arguments.of("two Hosts", "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400),
                Arguments.of("Host with a space", "GET / HTTP/1.1\r\nHost: a b\r\n\r\n", 400),
                Arguments.of("Host with a path", "GET / HTTP/1.1\r\nHost: a/b\r\n\r\n", 400),
                Arguments.of("Host with userinfo", "GET / HTTP/1.1\r\nHost: u@a\r\n\r\n", 400),
                Arguments.of("Host with a letter port", "GET / HTTP/1.1\r\nHost: a:8x\r\n\r\n", 400),
                Arguments.of("Host with an unclosed literal", "GET / HTTP/1.1\r\nHost: [::1\r\n\r\n", 400),
                Arguments.of("signed Content-Length", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: +5\r\n\r\nhello", 400),
                Arguments.of("negative Content-Length", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: -1\r\n\r\n", 400),
                Arguments.of("hex Content-Length", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 0x5\r\n\r\nhello", 400),
                Arguments.of("Content-Length list", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5, 5\r\n\r\nhello", 400),
                Arguments.of("space inside Content-Length", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1 0\r\n\r\n", 400),
                Arguments.of("differing Content-Lengths", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!", 400),
                Arguments.of("empty Content-Length", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length:\r\n\r\n", 400),
                Arguments.of("Transfer-Encoding with Content-Length",
                        "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n", 400),
                Arguments.of("Transfer-Encoding on HTTP/1.0", "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n", 400),
                Arguments.of("huge Content-Length", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 99999999999999999999\r\n\r\n", 413),
                Arguments.of("Content-Length at the body limit", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1073741824\r\n\r\n", 413));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refused")
    void refuses(String name, String raw, int status) {
        for (Split split : Split.values()) {
            for (long seed = 0; seed < (split == Split.RANDOM ? 5 : 1); seed++) {
                ParsedStream parsed = ParsedStream.parse(raw, split, seed, LIMITS);
                assertEquals(status, parsed.errorStatus, name + " fed " + split + " seed " + seed);
                assertTrue(parsed.requests.isEmpty(), name + ": no request framed");
            }
        }
    }

    @Test
    void parsesAGetRequest() {
        for (ParsedStream parsed : everySplit("GET /a/b?x=1 HTTP/1.1\r\nHost: example.com\r\nUser-Agent: t\r\nX-Thing:  v w \r\n\r\n")) {
            assertEquals(0, parsed.errorStatus);
            assertEquals(1, parsed.requests.size());
            RequestHead head = parsed.requests.get(0).head();
            assertEquals("GET", head.method());
            assertEquals("/a/b?x=1", head.target());
            assertEquals(HttpVersion.HTTP_1_1, head.version());
            assertEquals(3, head.fieldCount());
            assertEquals("host", head.fieldName(0));
            assertEquals("example.com", head.fieldValue(0));
            assertEquals("x-thing", head.fieldName(2));
            assertEquals("v w", head.fieldValue(2), "surrounding whitespace is not part of a value");
            assertEquals(0, head.contentLength());
            assertTrue(head.keepAlive());
            assertTrue(parsed.idleAtEnd);
        }
    }

    @Test
    void framesContentLengthBodiesAndPipelinedRequests() {
        String raw = "POST /one HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello"
                + "GET /two HTTP/1.1\r\nHost: a\r\n\r\n"
                + "PUT /three HTTP/1.1\r\nHost: a\r\nContent-Length: 11\r\n\r\nhello world"
                + "GET /four HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n";
        for (ParsedStream parsed : everySplit(raw)) {
            assertEquals(0, parsed.errorStatus);
            assertEquals(4, parsed.requests.size());
            assertEquals("hello", parsed.requests.get(0).bodyText());
            assertEquals("/two", parsed.requests.get(1).head().target());
            assertEquals("", parsed.requests.get(1).bodyText());
            assertEquals("hello world", parsed.requests.get(2).bodyText());
            assertEquals("PUT", parsed.requests.get(2).head().method());
            assertFalse(parsed.requests.get(3).head().keepAlive());
        }
    }

    @Test
    void leaveAPartialRequestPending() {
        ParsedStream parsed = ParsedStream.parse("GET / HTTP/1.1\r\nHost: a\r\n\r\nGET /next HT", Split.WHOLE, 0, LIMITS);
        assertEquals(1, parsed.requests.size());
        assertFalse(parsed.idleAtEnd);
    }

    @Test
    void skipsEmptyLinesBeforeTheRequestLine() {
        for (ParsedStream parsed : everySplit("\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n")) {
            assertEquals(1, parsed.requests.size());
        }
    }

    @Test
    void keepAliveFollowsVersionAndConnection() {
        assertFalse(only("GET / HTTP/1.0\r\n\r\n").keepAlive());
        assertTrue(only("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n").keepAlive());
        assertFalse(only("GET / HTTP/1.1\r\nHost: a\r\nConnection: foo, close\r\n\r\n").keepAlive());
        assertTrue(only("GET / HTTP/1.1\r\nHost: a\r\nConnection: closed\r\n\r\n").keepAlive());
        assertEquals(HttpVersion.HTTP_1_0, only("GET / HTTP/1.0\r\n\r\n").version());
    }

    @Test
    void acceptsEqualRepeatedContentLengths() {
        ParsedStream parsed = ParsedStream.parse(
                "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nContent-Length: 3\r\n\r\nabc", Split.WHOLE, 0, LIMITS);
        assertEquals("abc", parsed.requests.get(0).bodyText());
    }

    @Test
    void internsCommonNamesAndLowerCasesOthers() {
        RequestHead head = only("GET / HTTP/1.1\r\nHOST: a\r\nX-Custom-NAME: b\r\n\r\n");
        assertTrue(head.fieldName(0) == "host", "common names are interned");
        assertEquals("x-custom-name", head.fieldName(1));
        assertEquals("a", head.field("host"));
        assertNull(head.field("nope"));
    }

    @Test
    void headLimitBoundaries() {
        String head = "GET / HTTP/1.1\r\nHost: a\r\n\r\n";
        int size = head.length();
        assertEquals(0, ParsedStream.parse(head, Split.WHOLE, 0, new ParserLimits(size + 1, 10)).errorStatus);
        assertEquals(431, ParsedStream.parse(head, Split.WHOLE, 0, new ParserLimits(size, 10)).errorStatus);
        assertEquals(431, ParsedStream.parse(head, Split.BYTE_BY_BYTE, 0, new ParserLimits(size - 1, 10)).errorStatus);
    }

    @Test
    void bodyLimitBoundaries() {
        String tenBytes = "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\n0123456789";
        assertEquals(0, ParsedStream.parse(tenBytes, Split.WHOLE, 0, new ParserLimits(1000, 11)).errorStatus);
        assertEquals(413, ParsedStream.parse(tenBytes, Split.WHOLE, 0, new ParserLimits(1000, 10)).errorStatus);
        assertEquals(413, ParsedStream.parse(tenBytes, Split.WHOLE, 0, new ParserLimits(1000, 9)).errorStatus);
    }

    @Test
    void validHostForms() {
        for (String host : new String[] {"", "a", "example.com:8080", "127.0.0.1", "[::1]", "[::1]:80",
                "xn--bcher-kva.example", "a%41b", "host:"}) {
            assertTrue(RequestParser.validHost(host), host);
        }
    }

    @Test
    void keepsFailingAfterAnError() {
        RequestParser parser = new RequestParser(LIMITS);
        ByteBuffer bad = ByteBuffer.wrap("BAD\r\n".getBytes(StandardCharsets.US_ASCII));
        assertThrows(InvalidRequestException.class, () -> parser.next(bad));
        ByteBuffer good = ByteBuffer.wrap("GET / HTTP/1.1\r\nHost: a\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        InvalidRequestException again = assertThrows(InvalidRequestException.class, () -> parser.next(good));
        assertEquals(400, again.status());
    }

    @Test
    void newLimitsApplyFromTheNextRequest() throws InvalidRequestException {
        RequestParser parser = new RequestParser(LIMITS);
        ByteBuffer first = ByteBuffer.wrap("GET / HTTP/1.1\r\nHo".getBytes(StandardCharsets.US_ASCII));
        assertEquals(RequestParser.Step.NEED_INPUT, parser.next(first));
        parser.limits(new ParserLimits(20, 10));
        ByteBuffer rest = ByteBuffer.wrap("st: a\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        assertEquals(RequestParser.Step.HEAD, parser.next(rest));
        assertEquals(RequestParser.Step.END, parser.next(rest));
        InvalidRequestException e = assertThrows(InvalidRequestException.class, () -> parser.next(rest));
        assertEquals(431, e.status());
    }

    private static RequestHead only(String raw) {
        ParsedStream parsed = ParsedStream.parse(raw, Split.WHOLE, 0, LIMITS);
        assertEquals(0, parsed.errorStatus, raw);
        assertEquals(1, parsed.requests.size());
        return parsed.requests.get(0).head();
    }

    private static List<ParsedStream> everySplit(String raw) {
        List<ParsedStream> all = new ArrayList<>();
        all.add(ParsedStream.parse(raw, Split.WHOLE, 0, LIMITS));
        all.add(ParsedStream.parse(raw, Split.BYTE_BY_BYTE, 0, LIMITS));
        for (long seed = 1; seed <= 20; seed++) {
            all.add(ParsedStream.parse(raw, Split.RANDOM, seed, LIMITS));
        }
        return all;
    }
}
