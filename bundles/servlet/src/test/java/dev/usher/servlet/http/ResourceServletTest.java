package dev.usher.servlet.http;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.servlet.http.MappingMatch;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLConnection;
import java.net.URLStreamHandler;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A whiteboard resource service's servlet: the name each kind of pattern gives, the names it
 * refuses, GET and HEAD with their headers, conditional requests and one byte range.
 */
class ResourceServletTest {

    // 2020-09-13T12:26:40Z, a whole second
    private static final long MODIFIED = 1_600_000_000_000L;
    private static final byte[] HELLO = "Hello, resources!".getBytes(UTF_8);

    @TempDir
    Path root;

    private final List<String> asked = new ArrayList<>();

    /** Resources are files below {@code root}, a name's leading slash dropped. */
    private final ResourceServlet.ResourceSource files = new ResourceServlet.ResourceSource() {
        @Override
        public URL getResource(String name) {
            asked.add(name);
            Path file = root.resolve(name.substring(1));
            try {
                return Files.exists(file) ? file.toUri().toURL() : null;
            } catch (MalformedURLException e) {
                throw new AssertionError(e);
            }
        }

        @Override
        public String getMimeType(String name) {
            return name.endsWith(".special") ? "text/x-special" : null;
        }
    };

    private Path hello;

    @BeforeEach
    void files() throws IOException {
        Files.createDirectories(root.resolve("www/sub"));
        hello = Files.write(root.resolve("www/hello.txt"), HELLO);
        Files.setLastModifiedTime(hello, FileTime.fromMillis(MODIFIED));
    }

    private FakeExchange serve(String prefix, FakeExchange exchange) throws IOException {
        new ResourceServlet(prefix, files).service(exchange.request(), exchange.response());
        return exchange;
    }

    /** A GET of {@code /www/hello.txt} through {@code /files/*}. */
    private static FakeExchange get(String pathInfo) {
        return new FakeExchange("GET", MappingMatch.PATH, "/files", pathInfo);
    }

    private static String etag() {
        return "\"" + Long.toHexString(HELLO.length) + "-" + Long.toHexString(MODIFIED) + "\"";
    }

    private static String name(String prefix, MappingMatch match, String servletPath, String pathInfo) {
        FakeExchange exchange = new FakeExchange("GET", match, servletPath, pathInfo);
        return new ResourceServlet(prefix, null).resourceName(exchange.request());
    }

    @Test
    void eachKindOfPatternNamesItsResource() {
        assertEquals("/www", name("/www", MappingMatch.EXACT, "/logo.png", null));
        assertEquals("/www/a/b.css", name("/www", MappingMatch.PATH, "/files", "/a/b.css"));
        assertEquals("/www", name("/www", MappingMatch.PATH, "/files", null));
        assertEquals("/www/a.txt", name("/www", MappingMatch.DEFAULT, "/a.txt", null));
        assertEquals("/www/x/y.css", name("/www", MappingMatch.EXTENSION, "/x/y.css", null));
        assertEquals("/www/", name("/www", MappingMatch.CONTEXT_ROOT, "", "/"));
    }

    @Test
    void aSlashPrefixDoesNotDoubleTheSlash() {
        assertEquals("/a/b.css", name("/", MappingMatch.PATH, "/files", "/a/b.css"));
        assertEquals("/a.txt", name("/", MappingMatch.DEFAULT, "/a.txt", null));
        assertEquals("/", name("/", MappingMatch.CONTEXT_ROOT, "", "/"));
        assertEquals("/", name("/", MappingMatch.EXACT, "/x", null));
    }

    @Test
    void namesThatCouldLeaveThePrefixOrListADirectoryAreRefused() {
        assertTrue(ResourceServlet.isServable("/www/a.txt"));
        assertTrue(ResourceServlet.isServable("/www/..a/b..c/.hidden"));
        for (String name : new String[] {"/www/../etc/passwd", "/www/..", "/www/./a", "/www/.", "..",
            "/www/a\\..\\b", "/www/a\0.txt", "/www/sub/", "/", ""}) {
            assertFalse(ResourceServlet.isServable(name), name);
        }
    }

    @Test
    void aRefusedNameIsNotFoundWithoutAskingTheSource() throws IOException {
        for (String pathInfo : new String[] {"/../hello.txt", "/./hello.txt", "/sub/", "/a\\b"}) {
            FakeExchange exchange = serve("/www", get(pathInfo));
            assertEquals(404, exchange.status, pathInfo);
            assertTrue(exchange.errorSent);
        }
        assertTrue(asked.isEmpty(), asked.toString());
    }

    @Test
    void aMissingResourceOrADirectoryIsNotFound() throws IOException {
        FakeExchange missing = serve("/www", get("/nothing.txt"));
        assertEquals(404, missing.status);
        assertTrue(missing.errorSent);
        assertEquals(List.of("/www/nothing.txt"), asked);
        FakeExchange directory = serve("/www", get("/sub"));
        assertEquals(404, directory.status);
        assertEquals(0, directory.body.size(), "no listing");
        assertEquals(404, serve("/www", new FakeExchange("GET", MappingMatch.CONTEXT_ROOT, "", "/")).status);
    }

    @Test
    void aUrlToNothingIsNotFound() throws IOException {
        URL gone = root.resolve("gone.txt").toUri().toURL();
        ResourceServlet.ResourceSource source = new ResourceServlet.ResourceSource() {
            @Override
            public URL getResource(String name) {
                return gone;
            }

            @Override
            public String getMimeType(String name) {
                return null;
            }
        };
        FakeExchange exchange = get("/gone.txt");
        new ResourceServlet("/www", source).service(exchange.request(), exchange.response());
        assertEquals(404, exchange.status);
        assertTrue(exchange.errorSent);
    }

    @Test
    void getSendsTheResourceWithItsValidators() throws IOException {
        FakeExchange exchange = serve("/www", get("/hello.txt"));
        assertEquals(200, exchange.status);
        assertFalse(exchange.errorSent);
        assertArrayEquals(HELLO, exchange.body.toByteArray());
        assertEquals("text/plain", exchange.header("Content-Type"));
        assertEquals(String.valueOf(HELLO.length), exchange.header("Content-Length"));
        assertEquals("Sun, 13 Sep 2020 12:26:40 GMT", exchange.header("Last-Modified"));
        assertEquals(etag(), exchange.header("ETag"));
        assertEquals("bytes", exchange.header("Accept-Ranges"));
    }

    @Test
    void theEntityTagChangesWithTheResource() throws IOException {
        String before = serve("/www", get("/hello.txt")).header("ETag");
        Files.setLastModifiedTime(hello, FileTime.fromMillis(MODIFIED + 1000));
        String touched = serve("/www", get("/hello.txt")).header("ETag");
        Files.write(hello, "Hello!".getBytes(UTF_8));
        Files.setLastModifiedTime(hello, FileTime.fromMillis(MODIFIED));
        String shorter = serve("/www", get("/hello.txt")).header("ETag");
        assertEquals(3, List.of(before, touched, shorter).stream().distinct().count());
    }

    @Test
    void theContentTypeComesFromTheSourceThenTheNameThenOctetStream() throws IOException {
        Files.write(root.resolve("www/a.special"), HELLO);
        Files.write(root.resolve("www/b.html"), HELLO);
        Files.write(root.resolve("www/c.unknownext"), HELLO);
        assertEquals("text/x-special", serve("/www", get("/a.special")).header("Content-Type"));
        assertEquals("text/html", serve("/www", get("/b.html")).header("Content-Type"));
        assertEquals("application/octet-stream", serve("/www", get("/c.unknownext")).header("Content-Type"));
    }

    @Test
    void servesThroughEveryKindOfPattern() throws IOException {
        Files.write(root.resolve("hello.txt"), "at the root".getBytes(UTF_8));
        assertEquals("at the root", serve("/", new FakeExchange("GET", MappingMatch.DEFAULT, "/hello.txt", null))
                .body.toString(UTF_8));
        assertArrayEquals(HELLO, serve("/www/hello.txt", new FakeExchange("GET", MappingMatch.EXACT, "/hi", null))
                .body.toByteArray());
        assertArrayEquals(HELLO, serve("/www", new FakeExchange("GET", MappingMatch.EXTENSION, "/hello.txt", null))
                .body.toByteArray());
    }

    @Test
    void headSendsTheHeadersAlone() throws IOException {
        FakeExchange exchange = serve("/www", new FakeExchange("HEAD", MappingMatch.PATH, "/files", "/hello.txt")
                .header("Range", "bytes=0-1"));
        assertEquals(200, exchange.status, "Range is for GET alone");
        assertEquals(0, exchange.body.size());
        assertEquals(String.valueOf(HELLO.length), exchange.header("Content-Length"));
        assertEquals(etag(), exchange.header("ETag"));
        assertNull(exchange.header("Content-Range"));
    }

    @Test
    void otherMethodsAreNotAllowed() throws IOException {
        for (String method : new String[] {"POST", "PUT", "DELETE", "TRACE", "PATCH"}) {
            FakeExchange exchange = serve("/www", new FakeExchange(method, MappingMatch.PATH, "/files", "/hello.txt"));
            assertEquals(405, exchange.status, method);
            assertEquals("GET, HEAD, OPTIONS", exchange.header("Allow"));
            assertEquals(0, exchange.body.size());
        }
        FakeExchange options = serve("/www", new FakeExchange("OPTIONS", MappingMatch.PATH, "/files", "/hello.txt"));
        assertEquals(200, options.status);
        assertEquals("GET, HEAD, OPTIONS", options.header("Allow"));
        assertTrue(asked.isEmpty());
    }

    private void assertNotModified(FakeExchange exchange) {
        assertEquals(304, exchange.status);
        assertFalse(exchange.errorSent);
        assertEquals(0, exchange.body.size());
        assertEquals(etag(), exchange.header("ETag"));
        assertEquals("Sun, 13 Sep 2020 12:26:40 GMT", exchange.header("Last-Modified"));
        assertNull(exchange.header("Content-Length"));
    }

    @Test
    void ifNoneMatchWithTheTagIsNotModified() throws IOException {
        assertNotModified(serve("/www", get("/hello.txt").header("If-None-Match", etag())));
        assertNotModified(serve("/www", get("/hello.txt").header("If-None-Match", "\"a,b\", W/" + etag() + ", \"x\"")));
        assertNotModified(serve("/www", get("/hello.txt").header("If-None-Match", "*")));
        assertNotModified(serve("/www", new FakeExchange("HEAD", MappingMatch.PATH, "/files", "/hello.txt")
                .header("If-None-Match", etag())));
    }

    @Test
    void ifNoneMatchWithOtherTagsSendsTheResourceAndOutranksIfModifiedSince() throws IOException {
        FakeExchange exchange = serve("/www", get("/hello.txt").header("If-None-Match", "\"other\", W/\"x\"")
                .header("If-Modified-Since", HttpDates.format(MODIFIED)));
        assertEquals(200, exchange.status);
        assertArrayEquals(HELLO, exchange.body.toByteArray());
    }

    @Test
    void ifModifiedSinceComparesWholeSeconds() throws IOException {
        Files.setLastModifiedTime(hello, FileTime.fromMillis(MODIFIED + 500));
        FakeExchange same = serve("/www", get("/hello.txt").header("If-Modified-Since", HttpDates.format(MODIFIED)));
        assertEquals(304, same.status);
        assertEquals(0, same.body.size());
        FakeExchange later = serve("/www", get("/hello.txt")
                .header("If-Modified-Since", HttpDates.format(MODIFIED + 60_000)));
        assertEquals(304, later.status);
        FakeExchange earlier = serve("/www", get("/hello.txt")
                .header("If-Modified-Since", HttpDates.format(MODIFIED - 1000)));
        assertEquals(200, earlier.status);
        assertArrayEquals(HELLO, earlier.body.toByteArray());
    }

    @Test
    void anInvalidOrFutureIfModifiedSinceIsIgnored() throws IOException {
        assertEquals(200, serve("/www", get("/hello.txt").header("If-Modified-Since", "yesterday")).status);
        assertEquals(200, serve("/www", get("/hello.txt")
                .header("If-Modified-Since", "Fri, 01 Jan 9999 00:00:00 GMT")).status);
    }

    @Test
    void failedIfMatchOrIfUnmodifiedSinceIsAPreconditionFailure() throws IOException {
        assertEquals(412, serve("/www", get("/hello.txt").header("If-Match", "\"other\"")).status);
        assertEquals(412, serve("/www", get("/hello.txt").header("If-Match", "W/" + etag())).status,
                "If-Match compares strongly");
        assertEquals(200, serve("/www", get("/hello.txt").header("If-Match", etag())).status);
        assertEquals(200, serve("/www", get("/hello.txt").header("If-Match", "*")).status);
        assertEquals(412, serve("/www", get("/hello.txt")
                .header("If-Unmodified-Since", HttpDates.format(MODIFIED - 1000))).status);
        assertEquals(200, serve("/www", get("/hello.txt")
                .header("If-Unmodified-Since", HttpDates.format(MODIFIED))).status);
        Files.setLastModifiedTime(hello, FileTime.fromMillis(MODIFIED + 500));
        assertEquals(200, serve("/www", get("/hello.txt")
                .header("If-Unmodified-Since", HttpDates.format(MODIFIED))).status, "whole seconds");
    }

    private FakeExchange range(String range) throws IOException {
        return serve("/www", get("/hello.txt").header("Range", range));
    }

    private static void assertPartial(FakeExchange exchange, int first, int last) {
        assertEquals(206, exchange.status);
        assertEquals("bytes " + first + "-" + last + "/" + HELLO.length, exchange.header("Content-Range"));
        assertEquals(String.valueOf(last - first + 1), exchange.header("Content-Length"));
        byte[] expected = new byte[last - first + 1];
        System.arraycopy(HELLO, first, expected, 0, expected.length);
        assertArrayEquals(expected, exchange.body.toByteArray());
    }

    private static void assertWhole(FakeExchange exchange) {
        assertEquals(200, exchange.status);
        assertNull(exchange.header("Content-Range"));
        assertArrayEquals(HELLO, exchange.body.toByteArray());
    }

    @Test
    void oneRangeIsPartialContent() throws IOException {
        int last = HELLO.length - 1;
        assertPartial(range("bytes=0-4"), 0, 4);
        assertPartial(range("bytes=7-"), 7, last);
        assertPartial(range("bytes=-3"), last - 2, last);
        assertPartial(range("bytes=5-1000"), 5, last);
        assertPartial(range("bytes=-1000"), 0, last);
        assertPartial(range("Bytes = 2-2 ,"), 2, 2);
        assertPartial(range("bytes=3-99999999999999999999999"), 3, last);
    }

    @Test
    void aRangeBeyondTheEndIsNotSatisfiable() throws IOException {
        for (String range : new String[] {"bytes=" + HELLO.length + "-", "bytes=100-200", "bytes=-0",
            "bytes=99999999999999999999999-"}) {
            FakeExchange exchange = range(range);
            assertEquals(416, exchange.status, range);
            assertEquals("bytes */" + HELLO.length, exchange.header("Content-Range"));
            assertEquals(0, exchange.body.size());
        }
    }

    @Test
    void severalRangesOrAMalformedOneSendTheWhole() throws IOException {
        for (String range : new String[] {"bytes=0-1,3-4", "bytes=x-y", "bytes=4-2", "items=0-1", "bytes=",
            "bytes=1", "bytes=-", "0-4", "bytes=1-2-3", "bytes=--1"}) {
            assertWhole(range(range));
        }
    }

    @Test
    void ifRangeHonoursTheRangeOnlyForTheSameResource() throws IOException {
        assertPartial(serve("/www", get("/hello.txt").header("Range", "bytes=0-1").header("If-Range", etag())), 0, 1);
        assertPartial(serve("/www", get("/hello.txt").header("Range", "bytes=0-1")
                .header("If-Range", HttpDates.format(MODIFIED))), 0, 1);
        assertWhole(serve("/www", get("/hello.txt").header("Range", "bytes=0-1").header("If-Range", "\"old\"")));
        assertWhole(serve("/www", get("/hello.txt").header("Range", "bytes=0-1").header("If-Range", "W/" + etag())));
        assertWhole(serve("/www", get("/hello.txt").header("Range", "bytes=0-1")
                .header("If-Range", HttpDates.format(MODIFIED - 1000))));
        assertWhole(serve("/www", get("/hello.txt").header("Range", "bytes=0-1").header("If-Range", "garbage")));
    }

    /** A resource from a URL whose stream records being closed, with a length that may be unknown. */
    private static final class Tracked extends URLConnection {
        final byte[] bytes;
        final long length;
        boolean opened;
        boolean closed;

        Tracked(byte[] bytes, long length) throws MalformedURLException {
            super(new URL("file:/tracked"));
            this.bytes = bytes;
            this.length = length;
        }

        URL url() throws MalformedURLException {
            return new URL(null, "tracked:/r", new URLStreamHandler() {
                @Override
                protected URLConnection openConnection(URL u) {
                    return Tracked.this;
                }
            });
        }

        @Override
        public void connect() {
        }

        @Override
        public InputStream getInputStream() {
            opened = true;
            return new ByteArrayInputStream(bytes) {
                @Override
                public void close() {
                    closed = true;
                }
            };
        }

        @Override
        public long getContentLengthLong() {
            return length;
        }

        @Override
        public long getLastModified() {
            return MODIFIED;
        }
    }

    private static FakeExchange serveTracked(Tracked resource, FakeExchange exchange) throws IOException {
        URL url = resource.url();
        ResourceServlet.ResourceSource source = new ResourceServlet.ResourceSource() {
            @Override
            public URL getResource(String name) {
                return url;
            }

            @Override
            public String getMimeType(String name) {
                return null;
            }
        };
        new ResourceServlet("/r", source).service(exchange.request(), exchange.response());
        return exchange;
    }

    @Test
    void theResourcesStreamIsClosedHoweverTheRequestEnds() throws IOException {
        FakeExchange[] exchanges = {
            get("/x"),
            new FakeExchange("HEAD", MappingMatch.PATH, "/files", "/x"),
            get("/x").header("If-None-Match", "*"),
            get("/x").header("If-Match", "\"nope\""),
            get("/x").header("Range", "bytes=2-3"),
            get("/x").header("Range", "bytes=100-"),
        };
        for (FakeExchange exchange : exchanges) {
            Tracked resource = new Tracked(HELLO, HELLO.length);
            serveTracked(resource, exchange);
            assertTrue(resource.opened && resource.closed, "closed after " + exchange.status);
        }
    }

    @Test
    void aResourceOfUnknownLengthIsSentWholeWithoutRangesOrTag() throws IOException {
        Tracked resource = new Tracked(HELLO, -1);
        FakeExchange exchange = serveTracked(resource, get("/x").header("Range", "bytes=0-1"));
        assertEquals(200, exchange.status);
        assertArrayEquals(HELLO, exchange.body.toByteArray());
        assertNull(exchange.header("Content-Length"));
        assertNull(exchange.header("Accept-Ranges"));
        assertNull(exchange.header("ETag"));
        assertEquals("Sun, 13 Sep 2020 12:26:40 GMT", exchange.header("Last-Modified"));
        assertTrue(resource.closed);
    }
}
