package dev.usher.http1;

import static dev.usher.http1.RequestCases.CRLF;
import static dev.usher.http1.RequestCases.bodyLimit;
import static dev.usher.http1.RequestCases.chunkedHead;
import static dev.usher.http1.RequestCases.chunkedPost;
import static dev.usher.http1.RequestCases.fail;
import static dev.usher.http1.RequestCases.get;
import static dev.usher.http1.RequestCases.head;
import static dev.usher.http1.RequestCases.head11;
import static dev.usher.http1.RequestCases.headLimit;
import static dev.usher.http1.RequestCases.ok;
import static dev.usher.http1.RequestCases.post;
import static dev.usher.http1.RequestCases.repeat;
import static dev.usher.http1.RequestCases.req;
import static dev.usher.http1.RequestCases.show;
import static dev.usher.http1.RequestCases.targetLimit;
import static dev.usher.http1.RequestCases.waits;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import dev.usher.http1.ParsedStream.Split;
import dev.usher.http1.RequestCases.Case;
import dev.usher.http1.RequestCases.Req;

/**
 * The request parser against a table of raw requests (RFC 9110 / RFC 9112, and the published
 * request-smuggling advisories). Every case is fed whole, byte by byte and in seeded random
 * splits, and must come out the same each way.
 */
class RequestParserTableTest {

    private static final int RANDOM_SPLITS = 8;

    // =========================================================================================
    // The table
    // =========================================================================================

    static List<Case> table() {
        List<Case> all = new ArrayList<>();
        requestLine(all);
        requestLineLimits(all);
        headerFields(all);
        contentLength(all);
        transferEncoding(all);
        chunkedBodies(all);
        trailers(all);
        limits(all);
        expect(all);
        connection(all);
        pipelining(all);
        advisories(all);
        return all;
    }

    static Stream<Case> cases() {
        return table().stream();
    }

    private static void requestLine(List<Case> t) {
        t.add(ok("origin-form GET", get("/"), req("GET", "/").field("host", "a").fields(1)));
        t.add(ok("origin-form with path, query and percent-encoding", get("/a/b%20c?x=1&y=%2F;z"),
                req("GET", "/a/b%20c?x=1&y=%2F;z")));
        t.add(ok("origin-form starting with //", get("//x"), req("GET", "//x")));
        t.add(ok("method is case-sensitive: get is a different method", head11("get / HTTP/1.1"), req("get", "/")));
        t.add(ok("method kept as sent: Post", head11("Post / HTTP/1.1", "Content-Length: 2") + "hi",
                req("Post", "/").body("hi")));
        t.add(ok("extension method made of tchars", head11("M-SEARCH_1.~!#$%&'*+^`| / HTTP/1.1"),
                req("M-SEARCH_1.~!#$%&'*+^`|", "/")));
        t.add(ok("HTTP/1.0 without Host", head("GET / HTTP/1.0"), req("GET", "/").http10().fields(0)));
        t.add(ok("OPTIONS asterisk-form", head11("OPTIONS * HTTP/1.1"), req("OPTIONS", "*")));
        t.add(fail("GET asterisk-form", head11("GET * HTTP/1.1"), 400));
        t.add(fail("POST asterisk-form", head11("POST * HTTP/1.1", "Content-Length: 0"), 400));
        t.add(fail("asterisk-form on lower-case options (another method)", head11("options * HTTP/1.1"), 400));
        t.add(fail("asterisk followed by more", head11("OPTIONS *x HTTP/1.1"), 400));
        t.add(ok("absolute-form", head("GET http://example.com/path?q=1 HTTP/1.1", "Host: example.com"),
                req("GET", "http://example.com/path?q=1").field("host", "example.com")));
        t.add(ok("absolute-form https with port", head11("GET https://example.com:8443/x HTTP/1.1"),
                req("GET", "https://example.com:8443/x")));
        t.add(ok("absolute-form without path", head11("GET http://example.com HTTP/1.1"),
                req("GET", "http://example.com")));
        t.add(fail("authority-form CONNECT", head("CONNECT example.com:443 HTTP/1.1", "Host: example.com:443"), 400));
        t.add(fail("authority-form on GET", head11("GET example.com:80 HTTP/1.1"), 400));
        t.add(fail("bare word as target", head11("GET index.html HTTP/1.1"), 400));
        t.add(fail("scheme without ://", head11("GET http:/x HTTP/1.1"), 400));
        t.add(fail("absolute-form with nothing after ://", head11("GET http:// HTTP/1.1"), 400));
        t.add(fail("scheme starting with a digit", head11("GET 1http://a/ HTTP/1.1"), 400));
        t.add(fail("empty scheme before ://", head11("GET ://a/ HTTP/1.1"), 400));

        t.add(fail("two spaces after method", head11("GET  / HTTP/1.1"), 400));
        t.add(fail("two spaces before version", head11("GET /  HTTP/1.1"), 400));
        t.add(fail("tab instead of first space", head11("GET\t/ HTTP/1.1"), 400));
        t.add(fail("tab instead of second space", head11("GET /\tHTTP/1.1"), 400));
        t.add(fail("space before method", head11(" GET / HTTP/1.1"), 400));
        t.add(fail("space after version", head11("GET / HTTP/1.1 "), 400));
        t.add(fail("missing target", head11("GET HTTP/1.1"), 400));
        t.add(fail("missing version", head11("GET /"), 400));
        t.add(fail("request line of spaces", head11("   "), 400));
        t.add(fail("word of 23 bytes alone on the request line (not a long method)",
                head11(repeat("A", 23)), 400));

        t.add(fail("HTTP/2.0 not supported", head11("GET / HTTP/2.0"), 505));
        t.add(fail("HTTP/0.9 not supported", head11("GET / HTTP/0.9"), 505));
        t.add(fail("HTTP/1.2 not supported", head11("GET / HTTP/1.2"), 505));
        t.add(fail("HTTP/9.9 not supported", head11("GET / HTTP/9.9"), 505));
        t.add(fail("version HTTP/1", head11("GET / HTTP/1"), 400));
        t.add(fail("version http/1.1 lower case", head11("GET / http/1.1"), 400));
        t.add(fail("version HTTP/1.1.1", head11("GET / HTTP/1.1.1"), 400));
        t.add(fail("version HTTP/11", head11("GET / HTTP/11"), 400));
        t.add(fail("version HTTP/1.10", head11("GET / HTTP/1.10"), 400));
        t.add(fail("version HTTP/1.x", head11("GET / HTTP/1.x"), 400));
        t.add(fail("version HTTPS/1.1", head11("GET / HTTPS/1.1"), 400));

        t.add(fail("NUL in target", head11("GET /a\u0000b HTTP/1.1"), 400));
        t.add(fail("control byte 0x01 in target", head11("GET /a\u0001b HTTP/1.1"), 400));
        t.add(fail("DEL in target", head11("GET /a\u007fb HTTP/1.1"), 400));
        t.add(fail("byte 0x80 in target", head11("GET /a\u0080b HTTP/1.1"), 400));
        t.add(fail("byte 0xFF in target", head11("GET /a\u00ffb HTTP/1.1"), 400));
        t.add(fail("Latin-1 letter in target", head11("GET /caf\u00e9 HTTP/1.1"), 400));
        t.add(fail("tab in target", head11("GET /a\tb HTTP/1.1"), 400));
        t.add(fail("space in target", head11("GET /a b HTTP/1.1"), 400));
        t.add(fail("bare CR in target", head11("GET /a\rb HTTP/1.1"), 400));
        t.add(fail("non-token method G(T", head11("G(T / HTTP/1.1"), 400));
        t.add(fail("non-token method with colon", head11("GE:T / HTTP/1.1"), 400));
        t.add(fail("non-ASCII method", head11("G\u00c9T / HTTP/1.1"), 400));

        t.add(ok("empty lines before the request line are skipped", CRLF + CRLF + get("/"), req("GET", "/")));
        t.add(ok("empty line between pipelined requests", get("/1") + CRLF + get("/2"),
                req("GET", "/1"), req("GET", "/2")));
        t.add(fail("bare LF before the request line", "\n" + get("/"), 400));
        t.add(fail("bare CR before the request line", "\r" + get("/"), 400));
    }

    private static void requestLineLimits(List<Case> t) {
        String a24 = repeat("A", 24);
        t.add(ok("method of 24 bytes (the maximum)", head11(a24 + " / HTTP/1.1"), req(a24, "/")));
        t.add(fail("method of 25 bytes", head11(repeat("A", 25) + " / HTTP/1.1"), 501));
        t.add(fail("method of 25 bytes refused at its 25th byte, no line end", repeat("A", 25), 501));
        t.add(waits("method of 24 bytes without line end waits for more", a24));

        // A target of n bytes: "/" and n - 1 more; the limit is 32.
        t.add(ok("target of limit-1 bytes", get(target(31)), req("GET", target(31))).with(targetLimit(32)));
        t.add(ok("target of exactly the limit", get(target(32)), req("GET", target(32))).with(targetLimit(32)));
        t.add(fail("target of limit+1 bytes", get(target(33)), 414).with(targetLimit(32)));
        t.add(fail("target of limit+1 bytes refused before the line ends", "GET " + target(33), 414)
                .with(targetLimit(32)));
        t.add(fail("target of exactly the limit without version is malformed, not too long",
                head11("GET " + target(32)), 400).with(targetLimit(32)));
        t.add(fail("target far over the limit refused before the line ends", "GET /" + repeat("a", 40), 414)
                .with(targetLimit(32)));
        t.add(fail("target over the default limit refused before the line ends",
                "GET " + target(ParserLimits.DEFAULT_MAX_TARGET_LENGTH + 1), 414));
    }

    private static void headerFields(List<Case> t) {
        t.add(ok("field names are lower-cased", head("GET / HTTP/1.1", "HOST: a", "X-Custom-NAME: b"),
                req("GET", "/").field("host", "a").field("x-custom-name", "b").fields(2)));
        t.add(ok("repeated fields kept in order", head11("GET / HTTP/1.1", "X-A: 1", "X-A: 2", "X-B: b", "x-a: 3"),
                req("GET", "/").field("x-a", "1").field("x-a", "2").field("x-a", "3").field("x-b", "b").fields(5)));
        t.add(ok("leading and trailing OWS trimmed", head11("GET / HTTP/1.1", "X-W: \t  v  w \t "),
                req("GET", "/").field("x-w", "v  w")));
        t.add(ok("no whitespace after the colon", head11("GET / HTTP/1.1", "X-W:v"), req("GET", "/").field("x-w", "v")));
        t.add(ok("empty value", head11("GET / HTTP/1.1", "X-Empty:"), req("GET", "/").field("x-empty", "")));
        t.add(ok("value of whitespace only", head11("GET / HTTP/1.1", "X-Empty: \t \t"),
                req("GET", "/").field("x-empty", "")));
        t.add(ok("obs-text in value", head11("GET / HTTP/1.1", "X-Latin: caf\u00e9 \u0080\u00ff"),
                req("GET", "/").field("x-latin", "caf\u00e9 \u0080\u00ff")));
        t.add(ok("HTAB inside value", head11("GET / HTTP/1.1", "X-Tab: a\tb"), req("GET", "/").field("x-tab", "a\tb")));
        t.add(ok("every VCHAR punctuation in value",
                head11("GET / HTTP/1.1", "X-P: !\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"),
                req("GET", "/").field("x-p", "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")));
        t.add(ok("field name of every tchar", head11("GET / HTTP/1.1", "!#$%&'*+-.^_`|~09azAZ: v"),
                req("GET", "/").field("!#$%&'*+-.^_`|~09azaz", "v")));
        t.add(ok("Host name in any case", head("GET / HTTP/1.1", "hOsT: example.org"),
                req("GET", "/").field("host", "example.org")));
        String[] many = new String[100];
        for (int i = 0; i < many.length; i++) {
            many[i] = "X-Field-" + i + ": value " + i;
        }
        t.add(ok("a hundred fields", head11("GET / HTTP/1.1", many),
                req("GET", "/").field("x-field-0", "value 0").field("x-field-99", "value 99").fields(101)));

        t.add(fail("space inside field name", head11("GET / HTTP/1.1", "X Name: v"), 400));
        t.add(fail("( in field name", head11("GET / HTTP/1.1", "X(Name): v"), 400));
        t.add(fail("@ in field name", head11("GET / HTTP/1.1", "X@Name: v"), 400));
        t.add(fail("non-ASCII field name", head11("GET / HTTP/1.1", "X-Caf\u00e9: v"), 400));
        t.add(fail("bare CR in field name", head11("GET / HTTP/1.1", "X\r: v"), 400));
        t.add(fail("empty field name", head11("GET / HTTP/1.1", ": v"), 400));
        t.add(fail("field line without colon", head11("GET / HTTP/1.1", "NoColon"), 400));
        t.add(fail("space between name and colon", head11("GET / HTTP/1.1", "X-Name : v"), 400));
        t.add(fail("tab between name and colon", head11("GET / HTTP/1.1", "X-Name\t: v"), 400));
        t.add(fail("space between Host and colon", head("GET / HTTP/1.1", "Host : a"), 400));
        t.add(fail("obs-fold with SP", head11("GET / HTTP/1.1", "X-A: b", " c"), 400));
        t.add(fail("obs-fold with HTAB", head11("GET / HTTP/1.1", "X-A: b", "\tc"), 400));
        t.add(fail("first field line starting with SP", head("GET / HTTP/1.1", " Host: a"), 400));
        t.add(fail("NUL in value", head11("GET / HTTP/1.1", "X-V: a\u0000b"), 400));
        t.add(fail("0x01 in value", head11("GET / HTTP/1.1", "X-V: a\u0001b"), 400));
        t.add(fail("ESC in value", head11("GET / HTTP/1.1", "X-V: a\u001bb"), 400));
        t.add(fail("DEL in value", head11("GET / HTTP/1.1", "X-V: a\u007fb"), 400));
        t.add(fail("bare CR inside value", head11("GET / HTTP/1.1", "X-V: a\rb"), 400));
        t.add(fail("bare CR before the line's CRLF", head11("GET / HTTP/1.1", "X-V: a\r"), 400));
        t.add(fail("bare CR as a field line terminator", "GET / HTTP/1.1\r\nHost: a\rX-V: b\r\n\r\n", 400));
        t.add(fail("bare CR as request line terminator", "GET / HTTP/1.1\rHost: a\r\n\r\n", 400));
        t.add(fail("bare CR and CRLF as the empty line", "GET / HTTP/1.1\r\nHost: a\r\n\r\r\n", 400));
        t.add(fail("bare LF ends the request line", "GET / HTTP/1.1\nHost: a\r\n\r\n", 400));
        t.add(fail("bare LF ends a field line", "GET / HTTP/1.1\r\nHost: a\nX-V: b\r\n\r\n", 400));
        t.add(fail("bare LF ends the head", "GET / HTTP/1.1\r\nHost: a\r\n\n", 400));

        t.add(fail("HTTP/1.1 without Host", head("GET / HTTP/1.1"), 400));
        t.add(fail("HTTP/1.1 with two Hosts", head("GET / HTTP/1.1", "Host: a", "Host: b"), 400));
        t.add(fail("HTTP/1.1 with two identical Hosts", head("GET / HTTP/1.1", "Host: a", "Host: a"), 400));
        t.add(ok("HTTP/1.0 with a Host", head("GET / HTTP/1.0", "Host: a"), req("GET", "/").http10().field("host", "a")));
    }

    private static void contentLength(List<Case> t) {
        t.add(ok("Content-Length body", post("hello"), req("POST", "/").body("hello")));
        t.add(ok("Content-Length 0", head11("POST / HTTP/1.1", "Content-Length: 0"), req("POST", "/")));
        t.add(ok("two equal Content-Lengths", head11("POST / HTTP/1.1", "Content-Length: 3", "Content-Length: 3") + "abc",
                req("POST", "/").body("abc").field("content-length", "3").field("content-length", "3")));
        t.add(ok("Content-Length with leading zero 010 is 10", head11("POST / HTTP/1.1", "Content-Length: 010") + "0123456789",
                req("POST", "/").body("0123456789")));
        t.add(ok("Content-Length of many leading zeros", head11("POST / HTTP/1.1",
                "Content-Length: " + repeat("0", 30) + "5") + "hello", req("POST", "/").body("hello")));
        t.add(ok("Content-Length with surrounding OWS", head11("POST / HTTP/1.1", "Content-Length: \t5\t ") + "hello",
                req("POST", "/").body("hello")));
        t.add(ok("Content-Length body holding CRLFs and a request", head11("POST / HTTP/1.1", "Content-Length: 32")
                + "GET /x HTTP/1.1\r\nHost: a\r\n\r\n\r\n\r\n", req("POST", "/").body("GET /x HTTP/1.1\r\nHost: a\r\n\r\n\r\n\r\n")));
        t.add(ok("Content-Length body of every byte value", head11("PUT /bin HTTP/1.1", "Content-Length: 256") + everyByte(),
                req("PUT", "/bin").body(everyByte())));
        t.add(ok("Content-Length on HTTP/1.0", head("POST / HTTP/1.0", "Content-Length: 4") + "abcd",
                req("POST", "/").http10().body("abcd")));
        t.add(ok("Content-Length on GET", head11("GET / HTTP/1.1", "Content-Length: 2") + "hi", req("GET", "/").body("hi")));
        t.add(waits("Content-Length body not complete yet", head11("POST / HTTP/1.1", "Content-Length: 10") + "hello"));
        t.add(waits("Content-Length just under the default body limit: accepted, body pending",
                head11("POST / HTTP/1.1", "Content-Length: 1073741823") + "abc"));

        t.add(fail("Content-Length +5", head11("POST / HTTP/1.1", "Content-Length: +5") + "hello", 400));
        t.add(fail("Content-Length -1", head11("POST / HTTP/1.1", "Content-Length: -1"), 400));
        t.add(fail("Content-Length with inner space 1 0", head11("POST / HTTP/1.1", "Content-Length: 1 0") + "0123456789", 400));
        t.add(fail("Content-Length 0x5", head11("POST / HTTP/1.1", "Content-Length: 0x5") + "hello", 400));
        t.add(fail("Content-Length list 5, 5", head11("POST / HTTP/1.1", "Content-Length: 5, 5") + "hello", 400));
        t.add(fail("Content-Length list 5,6", head11("POST / HTTP/1.1", "Content-Length: 5,6") + "hello!", 400));
        t.add(fail("Content-Length empty", head11("POST / HTTP/1.1", "Content-Length:"), 400));
        t.add(fail("Content-Length 1e3", head11("POST / HTTP/1.1", "Content-Length: 1e3"), 400));
        t.add(fail("Content-Length 5.0", head11("POST / HTTP/1.1", "Content-Length: 5.0") + "hello", 400));
        t.add(fail("Content-Length superscript one (0xB9)", head11("POST / HTTP/1.1", "Content-Length: \u00b9"), 400));
        t.add(fail("two different Content-Lengths", head11("POST / HTTP/1.1", "Content-Length: 5", "Content-Length: 6")
                + "hello!", 400));
        t.add(fail("Content-Length of 20 digits is too large, not invalid",
                head11("POST / HTTP/1.1", "Content-Length: 99999999999999999999"), 413));
        t.add(fail("Content-Length of 2^64 is too large, never read as 0",
                head11("POST / HTTP/1.1", "Content-Length: 18446744073709551616"), 413));
        t.add(fail("Content-Length of Long.MAX_VALUE", head11("POST / HTTP/1.1", "Content-Length: 9223372036854775807"), 413));
    }

    private static void transferEncoding(List<Case> t) {
        t.add(ok("chunked body", chunkedPost("5\r\nhello\r\n0\r\n\r\n"),
                req("POST", "/").chunked("hello").field("transfer-encoding", "chunked").trailers(0)));
        t.add(ok("Transfer-Encoding Chunked in any case", head11("POST / HTTP/1.1", "Transfer-Encoding: Chunked")
                + "2\r\nhi\r\n0\r\n\r\n", req("POST", "/").chunked("hi")));
        t.add(ok("Transfer-Encoding CHUNKED", head11("POST / HTTP/1.1", "transfer-encoding: CHUNKED")
                + "2\r\nhi\r\n0\r\n\r\n", req("POST", "/").chunked("hi")));
        t.add(ok("Transfer-Encoding with tab as OWS", head11("POST / HTTP/1.1", "Transfer-Encoding:\tchunked\t")
                + "2\r\nhi\r\n0\r\n\r\n", req("POST", "/").chunked("hi")));
        t.add(ok("chunked on GET", head11("GET / HTTP/1.1", "Transfer-Encoding: chunked") + "0\r\n\r\n",
                req("GET", "/").chunked("")));

        t.add(fail("Transfer-Encoding identity", head11("POST / HTTP/1.1", "Transfer-Encoding: identity"), 501));
        t.add(fail("Transfer-Encoding gzip", head11("POST / HTTP/1.1", "Transfer-Encoding: gzip"), 501));
        t.add(fail("Transfer-Encoding chunked, chunked", head11("POST / HTTP/1.1", "Transfer-Encoding: chunked, chunked")
                + "0\r\n\r\n", 501));
        t.add(fail("two Transfer-Encoding fields chunked + chunked",
                head11("POST / HTTP/1.1", "Transfer-Encoding: chunked", "Transfer-Encoding: chunked") + "0\r\n\r\n", 501));
        t.add(fail("two Transfer-Encoding fields gzip + chunked",
                head11("POST / HTTP/1.1", "Transfer-Encoding: gzip", "Transfer-Encoding: chunked") + "0\r\n\r\n", 501));
        t.add(fail("Transfer-Encoding xchunked", head11("POST / HTTP/1.1", "Transfer-Encoding: xchunked") + "0\r\n\r\n", 501));
        t.add(fail("Transfer-Encoding chunked preceded by no-break space (0xA0)",
                head11("POST / HTTP/1.1", "Transfer-Encoding: \u00a0chunked") + "0\r\n\r\n", 501));
        t.add(fail("Transfer-Encoding on HTTP/1.0", head("POST / HTTP/1.0", "Transfer-Encoding: chunked") + "0\r\n\r\n", 400));
        t.add(fail("Transfer-Encoding after Content-Length",
                head11("POST / HTTP/1.1", "Content-Length: 5", "Transfer-Encoding: chunked") + "0\r\n\r\n", 400));
        t.add(fail("Transfer-Encoding before Content-Length",
                head11("POST / HTTP/1.1", "Transfer-Encoding: chunked", "Content-Length: 5") + "0\r\n\r\n", 400));
        t.add(fail("Transfer-Encoding chunked with Content-Length 0",
                head11("POST / HTTP/1.1", "Transfer-Encoding: chunked", "Content-Length: 0") + "0\r\n\r\n", 400));
        t.add(fail("Transfer-Encoding space before colon (smuggling)",
                head11("POST / HTTP/1.1", "Transfer-Encoding : chunked") + "0\r\n\r\n", 400));
        t.add(fail("Transfer-Encoding obs-fold (smuggling)",
                head11("POST / HTTP/1.1", "Transfer-Encoding:", " chunked") + "0\r\n\r\n", 400));
        t.add(fail("Transfer-Encoding obs-fold after gzip (smuggling)",
                head11("POST / HTTP/1.1", "Transfer-Encoding: gzip", "\tchunked") + "0\r\n\r\n", 400));
        t.add(fail("Transfer-Encoding with trailing form feed",
                head11("POST / HTTP/1.1", "Transfer-Encoding: chunked\f") + "0\r\n\r\n", 400));
    }

    private static void chunkedBodies(List<Case> t) {
        t.add(ok("several chunks", chunkedPost("5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n"),
                req("POST", "/").chunked("hello world")));
        t.add(ok("hex sizes in upper and lower case", chunkedPost("A\r\n0123456789\r\na\r\nabcdefghij\r\n0\r\n\r\n"),
                req("POST", "/").chunked("0123456789abcdefghij")));
        t.add(ok("two-digit hex size 1F", chunkedPost("1F\r\n" + repeat("x", 31) + "\r\n0\r\n\r\n"),
                req("POST", "/").chunked(repeat("x", 31))));
        StringBuilder oneByteChunks = new StringBuilder();
        for (char c : "hello world".toCharArray()) {
            oneByteChunks.append("1\r\n").append(c).append("\r\n");
        }
        t.add(ok("one-byte chunks", chunkedPost(oneByteChunks + "0\r\n\r\n"), req("POST", "/").chunked("hello world")));
        String large = largeBody(16384);
        t.add(ok("a large chunk of 0x4000 bytes", chunkedPost("4000\r\n" + large + "\r\n0\r\n\r\n"),
                req("POST", "/").chunked(large)));
        t.add(ok("large and small chunks mixed", chunkedPost("1000\r\n" + large.substring(0, 4096) + "\r\n1\r\n!\r\n"
                + "fff\r\n" + large.substring(0, 4095) + "\r\n0\r\n\r\n"),
                req("POST", "/").chunked(large.substring(0, 4096) + "!" + large.substring(0, 4095))));
        t.add(ok("chunk data holding CRLF and chunk-like text", chunkedPost("A\r\n0\r\n\r\nX\r\n\r\n\r\n0\r\n\r\n"),
                req("POST", "/").chunked("0\r\n\r\nX\r\n\r\n")));
        t.add(ok("chunk data of every byte value", chunkedPost("100\r\n" + everyByte() + "\r\n0\r\n\r\n"),
                req("POST", "/").chunked(everyByte())));
        t.add(ok("chunk size with leading zeros", chunkedPost("0005\r\nhello\r\n000\r\n\r\n"), req("POST", "/").chunked("hello")));
        t.add(ok("chunk size of 16 hex digits (the maximum)", chunkedPost("0000000000000005\r\nhello\r\n0\r\n\r\n"),
                req("POST", "/").chunked("hello")));
        t.add(ok("chunk size of 30 leading zeros, then 3", chunkedPost("0".repeat(30) + "3\r\nabc\r\n0\r\n\r\n"),
                req("POST", "/").chunked("abc")));
        t.add(ok("last chunk of 40 zeros", chunkedPost("3\r\nabc\r\n" + "0".repeat(40) + "\r\n\r\n"),
                req("POST", "/").chunked("abc")));
        t.add(fail("chunk size of 17 significant hex digits", chunkedPost("10000000000000000\r\nhello\r\n0\r\n\r\n"),
                413));
        t.add(fail("chunk size of 17 significant hex digits refused at the 17th, no line end",
                chunkedPost("00010000000000000000"), 413));
        t.add(fail("chunk-size line of zeros past its bound", chunkedPost("0".repeat(2000) + "5\r\nhello\r\n0\r\n\r\n"),
                400));
        t.add(waits("chunked body not complete yet", chunkedPost("5\r\nhel")));
        t.add(waits("chunked body waiting for the last chunk", chunkedPost("5\r\nhello\r\n")));

        t.add(ok("chunk extension ;name", chunkedPost("5;name\r\nhello\r\n0\r\n\r\n"), req("POST", "/").chunked("hello")));
        t.add(ok("chunk extension ;name=token", chunkedPost("5;name=tok-en\r\nhello\r\n0\r\n\r\n"),
                req("POST", "/").chunked("hello")));
        t.add(ok("chunk extension with quoted string and escaped quote",
                chunkedPost("5;name=\"quoted \\\" string\"\r\nhello\r\n0\r\n\r\n"), req("POST", "/").chunked("hello")));
        t.add(ok("chunk extensions with BWS around ; and =", chunkedPost("5 ; a = b\t;\tc\r\nhello\r\n0\r\n\r\n"),
                req("POST", "/").chunked("hello")));
        t.add(ok("several chunk extensions", chunkedPost("5;a;b=1;c=\"x;y\"\r\nhello\r\n0\r\n\r\n"),
                req("POST", "/").chunked("hello")));
        t.add(ok("extension on the last chunk", chunkedPost("5\r\nhello\r\n0;last=yes\r\n\r\n"),
                req("POST", "/").chunked("hello")));
        String ext1024 = ";" + repeat("e", 1023);
        t.add(ok("chunk extensions of exactly 1024 bytes", chunkedPost("5" + ext1024 + "\r\nhello\r\n0\r\n\r\n"),
                req("POST", "/").chunked("hello")));
        t.add(ok("16-digit chunk size with 1024 bytes of extensions",
                chunkedPost("0000000000000005" + ext1024 + "\r\nhello\r\n0\r\n\r\n"), req("POST", "/").chunked("hello")));
        t.add(fail("chunk extensions of 1025 bytes", chunkedPost("5" + ext1024 + "e\r\nhello\r\n0\r\n\r\n"), 400));
        t.add(fail("chunk extensions of 1025 bytes on a 16-digit size",
                chunkedPost("0000000000000005" + ext1024 + "e\r\nhello\r\n0\r\n\r\n"), 400));
        t.add(fail("chunk extension ; alone", chunkedPost("5;\r\nhello\r\n0\r\n\r\n"), 400));
        t.add(fail("chunk extension ;=x", chunkedPost("5;=x\r\nhello\r\n0\r\n\r\n"), 400));
        t.add(fail("chunk extension ;a= without value", chunkedPost("5;a=\r\nhello\r\n0\r\n\r\n"), 400));
        t.add(fail("chunk extension with unterminated quote", chunkedPost("5;a=\"open\r\nhello\r\n0\r\n\r\n"), 400));
        t.add(fail("chunk extension value with a space", chunkedPost("5;a=b c\r\nhello\r\n0\r\n\r\n"), 400));
        t.add(fail("chunk extension name with @", chunkedPost("5;a@b\r\nhello\r\n0\r\n\r\n"), 400));

        t.add(fail("chunk size with 0x prefix", chunkedPost("0x5\r\nhello\r\n0\r\n\r\n"), 400));
        t.add(fail("chunk size with + sign", chunkedPost("+5\r\nhello\r\n0\r\n\r\n"), 400));
        t.add(fail("chunk size with - sign", chunkedPost("-5\r\nhello\r\n0\r\n\r\n"), 400));
        t.add(fail("chunk size with leading space", chunkedPost(" 5\r\nhello\r\n0\r\n\r\n"), 400));
        t.add(fail("chunk size with leading tab", chunkedPost("\t5\r\nhello\r\n0\r\n\r\n"), 400));
        t.add(fail("chunk size followed by trailing space", chunkedPost("5 \r\nhello\r\n0\r\n\r\n"), 400));
        t.add(fail("chunk size not hex", chunkedPost("g\r\nhello\r\n0\r\n\r\n"), 400));
        t.add(fail("empty chunk size line", chunkedPost("\r\nhello\r\n0\r\n\r\n"), 400));
        t.add(fail("NUL after chunk size", chunkedPost("5\u0000\r\nhello\r\n0\r\n\r\n"), 400));
        t.add(fail("NUL before chunk size", chunkedPost("\u00005\r\nhello\r\n0\r\n\r\n"), 400));
        t.add(fail("bare CR after chunk size", chunkedPost("5\r\r\nhello\r\n0\r\n\r\n"), 400));
        t.add(fail("chunk size line ended by bare LF", chunkedPost("5\nhello\r\n0\r\n\r\n"), 400));
        t.add(fail("chunk data longer than its size", chunkedPost("3\r\nhello\r\n0\r\n\r\n"), 400));
        t.add(fail("chunk data followed by bare LF", chunkedPost("5\r\nhello\n0\r\n\r\n"), 400));
        t.add(fail("chunk data followed by bare CR", chunkedPost("5\r\nhello\r0\r\n\r\n"), 400));
        t.add(fail("chunk data followed directly by the next size", chunkedPost("5\r\nhello0\r\n\r\n"), 400));
        t.add(fail("last chunk line ended by bare LF", chunkedPost("5\r\nhello\r\n0\n\r\n"), 400));
        t.add(fail("final empty line a bare LF", chunkedPost("5\r\nhello\r\n0\r\n\n"), 400));
    }

    private static void trailers(List<Case> t) {
        t.add(ok("trailer fields checked, counted, not added to the head",
                chunkedPost("5\r\nhello\r\n0\r\nX-Trailer: t\r\nX-Checksum: abc\r\n\r\n"),
                req("POST", "/").chunked("hello").fields(2).absent("x-trailer").absent("x-checksum").trailers(2)));
        t.add(ok("Content-Length in a trailer is ignored",
                chunkedPost("5\r\nhello\r\n0\r\nContent-Length: 99\r\n\r\n") + get("/next"),
                req("POST", "/").chunked("hello").absent("content-length").trailers(1), req("GET", "/next")));
        t.add(ok("trailer value trimmed and obs-text allowed", chunkedPost("0\r\nX-T: \t caf\u00e9 \t\r\n\r\n"),
                req("POST", "/").chunked("").trailers(1)));
        t.add(fail("trailer obs-fold", chunkedPost("0\r\nX-T: a\r\n b\r\n\r\n"), 400));
        t.add(fail("trailer name with space", chunkedPost("0\r\nX T: a\r\n\r\n"), 400));
        t.add(fail("trailer without colon", chunkedPost("0\r\nX-T\r\n\r\n"), 400));
        t.add(fail("trailer space before colon", chunkedPost("0\r\nX-T : a\r\n\r\n"), 400));
        t.add(fail("trailer NUL in value", chunkedPost("0\r\nX-T: a\u0000b\r\n\r\n"), 400));
        t.add(fail("trailer vertical tab in value", chunkedPost("0\r\nX-T: a\u000bb\r\n\r\n"), 400));
        t.add(fail("trailer line ended by bare LF", chunkedPost("0\r\nX-T: a\n\r\n"), 400));
        t.add(fail("trailer bare CR inside value", chunkedPost("0\r\nX-T: a\rb\r\n\r\n"), 400));

        // Trailer section: the trailer field lines and the final CRLF.
        String section = "X-Trailer: " + repeat("t", 100) + "\r\n\r\n";
        String raw = chunkedPost("3\r\nabc\r\n0\r\n") + section;
        int size = section.length();
        t.add(ok("trailer section of limit-1 bytes", raw, req("POST", "/").chunked("abc").trailers(1)).with(headLimit(size + 1)));
        t.add(fail("trailer section of exactly the limit", raw, 431).with(headLimit(size)));
        t.add(fail("trailer section of limit+1 bytes", raw, 431).with(headLimit(size - 1)));
        t.add(fail("trailer field over the limit refused before its line ends",
                chunkedPost("0\r\nX-T: " + repeat("t", 200)), 431).with(headLimit(100)));
        t.add(fail("trailer fields that fit alone but not together", chunkedPost("0\r\nX-A: " + repeat("a", 50)
                + "\r\nX-B: " + repeat("b", 50) + "\r\n\r\n"), 431).with(headLimit(110)));
    }

    private static void limits(List<Case> t) {
        String head = head11("GET /limits HTTP/1.1", "X-Pad: 0123456789");
        int size = head.length();
        t.add(ok("head of limit-1 bytes", head, req("GET", "/limits").field("x-pad", "0123456789")).with(headLimit(size + 1)));
        t.add(fail("head of exactly the limit", head, 431).with(headLimit(size)));
        t.add(fail("head of limit+1 bytes", head, 431).with(headLimit(size - 1)));
        String bodyHead = head11("POST /limits HTTP/1.1", "Content-Length: 300");
        t.add(ok("the head limit does not count the body", bodyHead + repeat("b", 300),
                req("POST", "/limits").body(repeat("b", 300))).with(headLimit(bodyHead.length() + 1)));
        t.add(fail("head over the limit refused before it ends", "GET / HTTP/1.1\r\nHost: a\r\nX-Long: " + repeat("x", 100),
                431).with(headLimit(64)));
        t.add(fail("request line over the head limit refused before it ends", "GET /" + repeat("x", 100), 431)
                .with(headLimit(64)));

        t.add(ok("Content-Length of limit-1", head11("POST / HTTP/1.1", "Content-Length: 9") + "123456789",
                req("POST", "/").body("123456789")).with(bodyLimit(10)));
        t.add(fail("Content-Length of exactly the limit, refused without its body",
                head11("POST / HTTP/1.1", "Content-Length: 10"), 413).with(bodyLimit(10)));
        t.add(fail("Content-Length of limit+1, refused without its body",
                head11("POST / HTTP/1.1", "Content-Length: 11"), 413).with(bodyLimit(10)));
        t.add(fail("Content-Length of the default limit", head11("POST / HTTP/1.1", "Content-Length: 1073741824"), 413));

        t.add(ok("chunked body of limit-1 bytes", chunkedPost("5\r\nhello\r\n4\r\nabcd\r\n0\r\n\r\n"),
                req("POST", "/").chunked("helloabcd")).with(bodyLimit(10)));
        t.add(fail("chunked body of exactly the limit", chunkedPost("5\r\nhello\r\n5\r\nworld\r\n0\r\n\r\n"), 413)
                .with(bodyLimit(10)));
        t.add(fail("chunked body of limit+1 bytes", chunkedPost("5\r\nhello\r\n6\r\nworld!\r\n0\r\n\r\n"), 413)
                .with(bodyLimit(10)));
        t.add(fail("chunked body reaching the limit refused at the size, no line end", chunkedPost("5\r\nhello\r\n5"), 413)
                .with(bodyLimit(10)));
        t.add(ok("single chunk of limit-1 bytes", chunkedPost("9\r\n123456789\r\n0\r\n\r\n"),
                req("POST", "/").chunked("123456789")).with(bodyLimit(10)));
        t.add(fail("single chunk of the limit refused at the size, no line end", chunkedPost("A"), 413).with(bodyLimit(10)));
        t.add(fail("single chunk of limit+1 refused at the size, no line end", chunkedPost("B"), 413).with(bodyLimit(10)));
        t.add(fail("chunk of the default limit refused at the size, no line end", chunkedPost("40000000"), 413));
        t.add(fail("chunk size ffffffffffffffff", chunkedPost("ffffffffffffffff\r\n"), 413));
    }

    private static void expect(List<Case> t) {
        t.add(ok("Expect 100-continue with a Content-Length body",
                head11("POST / HTTP/1.1", "Expect: 100-continue", "Content-Length: 2") + "hi",
                req("POST", "/").body("hi").expectContinue().field("expect", "100-continue")));
        t.add(ok("Expect 100-Continue in another case",
                head11("POST / HTTP/1.1", "Expect: 100-Continue", "Content-Length: 2") + "hi",
                req("POST", "/").body("hi").expectContinue()));
        t.add(ok("Expect 100-continue with a chunked body",
                chunkedHead("/", "Expect: 100-CONTINUE") + "2\r\nhi\r\n0\r\n\r\n", req("POST", "/").chunked("hi").expectContinue()));
        t.add(ok("Expect 100-continue on a request without body", head11("GET / HTTP/1.1", "Expect: 100-continue"),
                req("GET", "/")));
        t.add(ok("Expect 100-continue with Content-Length 0",
                head11("POST / HTTP/1.1", "Expect: 100-continue", "Content-Length: 0"), req("POST", "/")));
        t.add(ok("Expect 100-continue on HTTP/1.0 is ignored",
                head("POST / HTTP/1.0", "Expect: 100-continue", "Content-Length: 2") + "hi",
                req("POST", "/").http10().body("hi")));
        t.add(fail("Expect foo", head11("GET / HTTP/1.1", "Expect: foo"), 417));
        t.add(fail("Expect 100-continue and foo", head11("POST / HTTP/1.1", "Expect: 100-continue, foo",
                "Content-Length: 2") + "hi", 417));
    }

    private static void connection(List<Case> t) {
        t.add(ok("HTTP/1.1 keeps alive by default", get("/"), req("GET", "/").keepAlive()));
        t.add(ok("HTTP/1.1 Connection close", head11("GET / HTTP/1.1", "Connection: close"), req("GET", "/").close()));
        t.add(ok("HTTP/1.1 Connection foo, Close", head11("GET / HTTP/1.1", "Connection: foo, Close"), req("GET", "/").close()));
        t.add(ok("HTTP/1.1 Connection CLOSE", head11("GET / HTTP/1.1", "Connection: CLOSE"), req("GET", "/").close()));
        t.add(ok("HTTP/1.1 Connection close in a second field",
                head11("GET / HTTP/1.1", "Connection: foo", "Connection: close"), req("GET", "/").close()));
        t.add(ok("HTTP/1.1 Connection closed is not close", head11("GET / HTTP/1.1", "Connection: closed"),
                req("GET", "/").keepAlive()));
        t.add(ok("HTTP/1.1 Connection keep-alive", head11("GET / HTTP/1.1", "Connection: keep-alive"),
                req("GET", "/").keepAlive()));
        t.add(ok("HTTP/1.0 closes by default", head("GET / HTTP/1.0"), req("GET", "/").http10()));
        t.add(ok("HTTP/1.0 Connection keep-alive", head("GET / HTTP/1.0", "Connection: keep-alive"),
                req("GET", "/").http10().keepAlive()));
        t.add(ok("HTTP/1.0 Connection Keep-Alive", head("GET / HTTP/1.0", "Connection: Keep-Alive"),
                req("GET", "/").http10().keepAlive()));
        t.add(ok("HTTP/1.0 Connection Upgrade, keep-alive", head("GET / HTTP/1.0", "Connection: Upgrade, keep-alive"),
                req("GET", "/").http10().keepAlive()));
        t.add(ok("HTTP/1.0 Connection keep-alive, close", head("GET / HTTP/1.0", "Connection: keep-alive, close"),
                req("GET", "/").http10()));
        t.add(ok("HTTP/1.0 Connection keep-alives is not keep-alive", head("GET / HTTP/1.0", "Connection: keep-alives"),
                req("GET", "/").http10()));
    }

    private static void pipelining(List<Case> t) {
        String one = head11("POST /one HTTP/1.1", "Content-Length: 5") + "hello";
        String two = chunkedHead("/two") + "3\r\nabc\r\n4;x=y\r\ndefg\r\n0\r\nX-T: 1\r\n\r\n";
        String three = get("/three");
        String four = head("PUT /four HTTP/1.0", "Content-Length: 4") + "\r\n\r\n";
        t.add(ok("pipelined Content-Length, chunked, GET and HTTP/1.0 requests", one + two + three + four,
                req("POST", "/one").body("hello"), req("POST", "/two").chunked("abcdefg").trailers(1),
                req("GET", "/three"), req("PUT", "/four").http10().body("\r\n\r\n")));
        t.add(ok("pipelined chunked requests, trailer count per request",
                chunkedPost("1\r\na\r\n0\r\nX-A: 1\r\nX-B: 2\r\n\r\n") + chunkedPost("1\r\nb\r\n0\r\n\r\n"),
                req("POST", "/").chunked("a").trailers(2), req("POST", "/").chunked("b").trailers(0)));
        StringBuilder ten = new StringBuilder();
        Req[] tenRequests = new Req[10];
        for (int i = 0; i < 10; i++) {
            ten.append(i % 2 == 0 ? post("body" + i) : chunkedPost("5\r\nbody" + i + "\r\n0\r\n\r\n"));
            tenRequests[i] = i % 2 == 0 ? req("POST", "/").body("body" + i) : req("POST", "/").chunked("body" + i);
        }
        t.add(ok("ten pipelined requests alternating Content-Length and chunked", ten.toString(), tenRequests));
        t.add(waits("a request then part of the next", get("/1") + "GET /2 HT", req("GET", "/1")));
        t.add(ok("a request after a Connection close request is still framed",
                head11("GET /1 HTTP/1.1", "Connection: close") + get("/2"), req("GET", "/1").close(), req("GET", "/2")));

        t.add(fail("error in the second request: one framed, then 400", get("/1") + head("GET /2 HTTP/1.1"), 400,
                req("GET", "/1")));
        t.add(fail("error in the third request: two framed, then 505", get("/1") + post("hi") + head11("GET /3 HTTP/2.0"), 505,
                req("GET", "/1"), req("POST", "/").body("hi")));
        t.add(fail("error in the second request's chunked body: one framed, then 400",
                post("x") + chunkedPost("2\r\nabc\r\n0\r\n\r\n") + get("/3"), 400, req("POST", "/").body("x")));
        t.add(fail("error in the second request after a chunked one: 413", chunkedPost("1\r\na\r\n0\r\n\r\n")
                + head11("POST / HTTP/1.1", "Content-Length: 99999999999999999999"), 413, req("POST", "/").chunked("a")));
    }

    private static void advisories(List<Case> t) {
        t.add(fail("CVE-2019-16785 bare LF as every line terminator", "GET / HTTP/1.1\nHost: a\n\n", 400));
        t.add(fail("CVE-2019-16785 bare LF ending a Transfer-Encoding field",
                "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\nContent-Length: 5\r\n\r\nhello", 400));
        t.add(fail("CVE-2019-16785 bare LF ending a chunk size line", chunkedPost("5\nhello\n0\n\n"), 400));
        t.add(fail("CVE-2019-16786 Transfer-Encoding gzip, chunked",
                head11("POST / HTTP/1.1", "Transfer-Encoding: gzip, chunked") + "0\r\n\r\n", 501));
        t.add(fail("CVE-2019-16786 Transfer-Encoding chunked, gzip",
                head11("POST / HTTP/1.1", "Transfer-Encoding: chunked, gzip") + "0\r\n\r\n", 501));
        t.add(fail("CVE-2019-16789 vertical tab before Transfer-Encoding value",
                head11("POST / HTTP/1.1", "Transfer-Encoding: \u000bchunked") + "0\r\n\r\n", 400));
        t.add(fail("CVE-2019-16789 form feed in a value", head11("GET / HTTP/1.1", "X-V: a\fb"), 400));
        t.add(fail("CVE-2019-16789 vertical tab after a value", head11("GET / HTTP/1.1", "X-V: a\u000b"), 400));
        t.add(fail("CVE-2019-16789 NUL in Content-Length value", head11("POST / HTTP/1.1", "Content-Length: 5\u0000") + "hello", 400));
        t.add(fail("CVE-2019-16789 vertical tab before Content-Length value",
                head11("POST / HTTP/1.1", "Content-Length: \u000b5") + "hello", 400));
        t.add(fail("CVE-2019-16792 two Content-Lengths with different values",
                head11("POST / HTTP/1.1", "Content-Length: 0", "Content-Length: 5") + "hello", 400));
        t.add(fail("CVE-2019-16792 Content-Length with invalid characters",
                head11("POST / HTTP/1.1", "Content-Length: 5abc") + "hello", 400));
        t.add(ok("CVE-2020-5236 value of 50000 spaces then x",
                head11("GET / HTTP/1.1", "X-Spaces:" + repeat(" ", 50_000) + "x"), req("GET", "/").field("x-spaces", "x")));
        t.add(ok("CVE-2020-5236 50000 spaces and tabs inside and after a value",
                head11("GET / HTTP/1.1", "X-Ws: a" + repeat(" \t", 25_000) + "b" + repeat("\t ", 25_000)),
                req("GET", "/").field("x-ws", "a" + repeat(" \t", 25_000) + "b")));
        t.add(fail("CVE-2020-5236 50000 spaces then a bare CR", head11("GET / HTTP/1.1", "X-Ws:" + repeat(" ", 50_000) + "\rx"), 400));
        t.add(fail("CVE-2022-24761 chunk size with 0x prefix", chunkedPost("0x5\r\nhello\r\n0\r\n\r\n"), 400));
        t.add(fail("CVE-2022-24761 chunk size with + sign", chunkedPost("+0\r\n\r\n"), 400));
        t.add(fail("CVE-2022-24761 chunk size with leading space", chunkedPost(" 0\r\n\r\n"), 400));
        t.add(fail("CVE-2022-24761 Content-Length +10", head11("POST / HTTP/1.1", "Content-Length: +10") + "0123456789", 400));
        t.add(fail("CVE-2024-49768 refused request followed by a pipelined request",
                head11("POST / HTTP/1.1", "Content-Length: +1") + "X" + get("/smuggled"), 400));
        t.add(fail("CVE-2024-49768 valid, refused (501), valid: only the first framed",
                get("/1") + head11("POST /2 HTTP/1.1", "Transfer-Encoding: gzip, chunked") + "0\r\n\r\n" + get("/3"), 501,
                req("GET", "/1")));
        t.add(fail("CVE-2024-49768 refused (417) then a pipelined request",
                head11("POST / HTTP/1.1", "Expect: bogus", "Content-Length: 0") + get("/smuggled"), 417));
        t.add(ok("smuggling: Transfer-Encoding with tab OWS is chunked",
                head11("POST / HTTP/1.1", "Transfer-Encoding:\tchunked") + "5\r\nhello\r\n0\r\n\r\n" + get("/next"),
                req("POST", "/").chunked("hello"), req("GET", "/next")));
        t.add(fail("smuggling: Transfer-Encoding xchunked",
                head11("POST / HTTP/1.1", "Transfer-Encoding: xchunked") + "5\r\nhello\r\n0\r\n\r\n", 501));
        t.add(fail("smuggling: Transfer-Encoding : chunked (space before colon)",
                head11("POST / HTTP/1.1", "Transfer-Encoding : chunked", "Content-Length: 4") + "5\r\nhello\r\n0\r\n\r\n", 400));
        t.add(fail("smuggling: Transfer-Encoding chunked with Content-Length 0",
                head11("POST / HTTP/1.1", "Content-Length: 0", "Transfer-Encoding: chunked") + "5\r\nhello\r\n0\r\n\r\n", 400));
        t.add(fail("smuggling: obs-fold on Transfer-Encoding",
                head11("POST / HTTP/1.1", "Transfer-Encoding: identity", " chunked") + "0\r\n\r\n", 400));
        t.add(fail("smuggling: chunk size 1; then a long extension",
                chunkedPost("1;" + repeat("x", 2000) + "\r\na\r\n0\r\n\r\n"), 400));
        t.add(fail("smuggling: NUL in chunk size", chunkedPost("1\u00000\r\n" + repeat("a", 16) + "\r\n0\r\n\r\n"), 400));
        t.add(ok("smuggling: Content-Length 010 is ten bytes",
                head11("POST / HTTP/1.1", "Content-Length: 010") + "0123456789" + get("/next"),
                req("POST", "/").body("0123456789"), req("GET", "/next")));
    }

    // =========================================================================================
    // Running a case
    // =========================================================================================

    @Test
    void tableHasEnoughUniquelyNamedCases() {
        List<Case> all = table();
        assertTrue(all.size() >= 150, "only " + all.size() + " cases");
        Set<String> names = new HashSet<>();
        for (Case c : all) {
            assertTrue(names.add(c.name()), "duplicate case name: " + c.name());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    @Timeout(30)
    void parses(Case c) {
        ParsedStream whole = ParsedStream.parse(c.raw(), Split.WHOLE, 0, c.limits());
        check(c, whole, "whole");
        String expectedOutcome = outcome(whole);
        ParsedStream bytes = ParsedStream.parse(c.raw(), Split.BYTE_BY_BYTE, 0, c.limits());
        check(c, bytes, "byte by byte");
        assertEquals(expectedOutcome, outcome(bytes), c.name() + ": byte by byte differs from whole");
        for (long seed = 1; seed <= RANDOM_SPLITS; seed++) {
            ParsedStream random = ParsedStream.parse(c.raw(), Split.RANDOM, seed, c.limits());
            check(c, random, "random split seed " + seed);
            assertEquals(expectedOutcome, outcome(random), c.name() + ": random split seed " + seed + " differs from whole");
        }
        checkTrailersAndLastingFailure(c);
    }

    /** What the case expects against what one feeding produced. */
    private static void check(Case c, ParsedStream p, String how) {
        String where = c.name() + " [" + how + "] input " + show(c.raw());
        if (c.status() != 0) {
            if (p.errorStatus == 0) {
                Assertions.fail(where + ": expected " + c.status() + " but no error was raised; " + p.requests.size()
                        + " request(s) framed, parser " + (p.idleAtEnd ? "idle" : "waiting for more input"));
            }
            assertEquals(c.status(), p.errorStatus, where + ": error status");
        } else {
            assertEquals(0, p.errorStatus, where + ": unexpected error status");
        }
        assertEquals(c.requests().size(), p.requests.size(),
                where + ": requests framed" + (c.status() != 0 ? " before the error" : ""));
        for (int i = 0; i < c.requests().size(); i++) {
            checkRequest(c.requests().get(i), p.requests.get(i), where + " request #" + (i + 1));
        }
        if (c.status() == 0) {
            assertEquals(c.idleAtEnd(), p.idleAtEnd, where + ": parser idle at the end");
        }
    }

    private static void checkRequest(Req expected, ParsedStream.Request actual, String where) {
        RequestHead head = actual.head();
        assertEquals(expected.method, head.method(), where + ": method");
        assertEquals(expected.target, head.target(), where + ": target");
        assertEquals(expected.version, head.version(), where + ": version");
        for (Map.Entry<String, List<String>> field : expected.fields.entrySet()) {
            assertEquals(field.getValue(), values(head, field.getKey()), where + ": values of field " + field.getKey());
        }
        if (expected.fieldCount >= 0) {
            assertEquals(expected.fieldCount, head.fieldCount(), where + ": field count " + pairs(head));
        }
        if (!RequestCases.sameBytes(expected.body, actual.body())) {
            assertEquals(show(expected.body), show(actual.body()), where + ": body");
            assertArrayEquals(expected.body, actual.body(), where + ": body");
        }
        assertEquals(expected.chunked, head.chunked(), where + ": chunked");
        assertEquals(expected.chunked ? -1 : expected.body.length, head.contentLength(), where + ": contentLength()");
        assertEquals(expected.body.length != 0 || expected.chunked, head.hasBody(), where + ": hasBody()");
        assertEquals(expected.keepAlive, head.keepAlive(), where + ": keepAlive");
        assertEquals(expected.expectContinue, head.expectContinue(), where + ": expectContinue");
    }

    private static List<String> pairs(RequestHead head) {
        List<String> pairs = new ArrayList<>();
        for (int i = 0; i < head.fieldCount(); i++) {
            pairs.add(head.fieldName(i) + ": " + show(head.fieldValue(i)));
        }
        return pairs;
    }

    private static List<String> values(RequestHead head, String name) {
        List<String> values = new ArrayList<>();
        for (int i = 0; i < head.fieldCount(); i++) {
            if (head.fieldName(i).equals(name)) {
                values.add(head.fieldValue(i));
            }
        }
        return values;
    }

    /** Everything a feeding produced, to compare feedings with. */
    private static String outcome(ParsedStream p) {
        StringBuilder s = new StringBuilder("error=").append(p.errorStatus).append(" idle=").append(p.idleAtEnd);
        for (ParsedStream.Request r : p.requests) {
            RequestHead h = r.head();
            s.append("\n").append(h.method()).append(' ').append(h.target()).append(' ').append(h.version())
                    .append(" fields=").append(pairs(h)).append(" length=").append(h.contentLength())
                    .append(" keepAlive=").append(h.keepAlive()).append(" expectContinue=").append(h.expectContinue())
                    .append(" body=").append(show(r.body())).append(" bodyHash=").append(java.util.Arrays.hashCode(r.body()));
        }
        return s.toString();
    }

    /**
     * Feeds the case whole to a parser of its own: records trailerCount() at each request's end,
     * and after an error checks the parser keeps refusing whatever comes next.
     */
    private static void checkTrailersAndLastingFailure(Case c) {
        RequestParser parser = new RequestParser(c.limits());
        ByteBuffer input = ByteBuffer.wrap(c.raw());
        List<Integer> trailerCounts = new ArrayList<>();
        InvalidRequestException error = null;
        try {
            for (RequestParser.Step step; (step = parser.next(input)) != RequestParser.Step.NEED_INPUT; ) {
                if (step == RequestParser.Step.END) {
                    trailerCounts.add(parser.trailerCount());
                }
            }
        } catch (InvalidRequestException e) {
            error = e;
        }
        for (int i = 0; i < c.requests().size() && i < trailerCounts.size(); i++) {
            int expected = c.requests().get(i).trailers;
            if (expected >= 0) {
                assertEquals(expected, trailerCounts.get(i), c.name() + " request #" + (i + 1) + ": trailerCount()");
            }
        }
        if (c.status() != 0 && error != null) {
            for (String more : List.of("", get("/after"), CRLF, "x")) {
                ByteBuffer next = ByteBuffer.wrap(RequestCases.bytes(more));
                try {
                    RequestParser.Step step = parser.next(next);
                    Assertions.fail(c.name() + ": after an error, next(" + show(more) + ") returned " + step + " instead of throwing");
                } catch (InvalidRequestException again) {
                    assertEquals(c.status(), again.status(), c.name() + ": status thrown again after the error");
                }
            }
        }
    }

    // =========================================================================================
    // Data
    // =========================================================================================

    /** A request-target of {@code length} bytes: a slash and letters. */
    private static String target(int length) {
        return "/" + repeat("t", length - 1);
    }

    private static String everyByte() {
        StringBuilder s = new StringBuilder(256);
        for (int i = 0; i < 256; i++) {
            s.append((char) i);
        }
        return s.toString();
    }

    private static String largeBody(int length) {
        StringBuilder s = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            s.append((char) ('a' + i * 7 % 26));
        }
        return s.toString();
    }
}
