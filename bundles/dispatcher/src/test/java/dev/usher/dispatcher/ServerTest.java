package dev.usher.dispatcher;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.usher.api.HttpApplication;
import dev.usher.config.Adjustments;
import dev.usher.config.InvalidSettingException;

/** The server over real loopback sockets, outside OSGi. */
class ServerTest {

    private final RecordingLogger log = new RecordingLogger();
    private Server server;
    private volatile Mounts mounts = Mounts.EMPTY;
    /** Mount prefixes whose applications stream request bodies. */
    private final Set<String> streamingPrefixes = new java.util.HashSet<>();

    /** Whether the applications run on the I/O loops; see {@link InlineServerTest}. */
    boolean inline() {
        return false;
    }

    /** Settings every server of the test gets: its transport's; see {@link TlsServerTest}. */
    Map<String, Object> transportSettings() throws IOException {
        return Map.of();
    }

    /** The scheme applications are told by default: the transport's. */
    String scheme() {
        return "http";
    }

    /** The most bytes one read of the server hands on: {@code recv_bytes}, or a TLS record. */
    int largestRead() {
        return 8192;
    }

    /** A client connected to {@code address} over the test's transport. */
    RawClient client(InetSocketAddress address) throws IOException {
        return new RawClient(address);
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop();
        }
    }

    private InetSocketAddress start(Map<String, Object> settings, Map<String, HttpApplication> apps)
            throws IOException, InvalidSettingException {
        Map<String, Object> all = new HashMap<>(Map.of("listen", "127.0.0.1:0", "workers", "2"));
        all.putAll(transportSettings());
        all.putAll(settings);
        List<MountPoint> points = apps.entrySet().stream()
                .map(e -> new MountPoint(Mounts.normalise(e.getKey()), e.getValue(), 0, 1, Set.of(), inline(), streamingPrefixes.contains(e.getKey())))
                .toList();
        mounts = new Mounts(points);
        // the server spills where temporaryFiles() counts, apart from other processes' files
        String previous = System.getProperty("java.io.tmpdir");
        System.setProperty("java.io.tmpdir", spillDirectory.toString());
        try {
            server = new Server("test", Adjustments.parse(all), () -> mounts, log.logger, log.logger);
        } finally {
            System.setProperty("java.io.tmpdir", previous);
        }
        server.start();
        return (InetSocketAddress) server.addresses().get(0);
    }

    private static final HttpApplication HELLO = (request, response) -> {
        response.setHeader("Content-Type", "text/plain");
        response.body().write("Hello, World!".getBytes(StandardCharsets.US_ASCII));
    };

    /** Answers with the method, routing, and the body it read. */
    private static final HttpApplication DESCRIBE = (request, response) -> {
        byte[] body = request.body().readAllBytes();
        String text = request.method() + " " + request.scriptName() + " " + request.pathInfo() + " "
                + request.query() + " " + request.bodyLength() + " " + new String(body, StandardCharsets.ISO_8859_1);
        response.body().write(text.getBytes(StandardCharsets.ISO_8859_1));
    };

    @Test
    void servesHelloWithDateServerAndLength() throws Exception {
        InetSocketAddress address = start(Map.of(), Map.of("/", HELLO));
        assertTrue(log.lines.contains("INFO Serving on " + scheme() + "://127.0.0.1:" + address.getPort()),
                log.lines.toString());
        try (RawClient client = client(address)) {
            RawClient.Response r = client.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n").read();
            assertEquals(200, r.status());
            assertEquals("Hello, World!", r.text());
            assertEquals("13", r.header("Content-Length"));
            assertEquals("usher", r.header("Server"));
            assertEquals("text/plain", r.header("Content-Type"));
            assertTrue(r.header("Date").endsWith(" GMT"));
            assertNull(r.header("Connection"));
            // keep-alive: the same connection serves again
            assertEquals("Hello, World!", client.send("GET /again HTTP/1.1\r\nHost: x\r\n\r\n").read().text());
        }
    }

    @Test
    void routesByLongestPrefixAndDecodesThePath() throws Exception {
        InetSocketAddress address = start(Map.of(), Map.of("/", DESCRIBE, "/api", DESCRIBE, "/api/v2", DESCRIBE));
        try (RawClient client = client(address)) {
            assertEquals("GET /api /x%y a=1 0 ",
                    client.send("GET /api/x%25y?a=1 HTTP/1.1\r\nHost: x\r\n\r\n").read().text());
            assertEquals("GET /api/v2   0 ", client.send("GET /api/v2 HTTP/1.1\r\nHost: x\r\n\r\n").read().text());
            assertEquals("GET  /apix  0 ", client.send("GET /apix HTTP/1.1\r\nHost: x\r\n\r\n").read().text());
            assertEquals("GET /api /caf\u00e9  0 ", new String(
                    client.send("GET http://h/api/caf%C3%A9 HTTP/1.1\r\nHost: x\r\n\r\n").read().body(),
                    StandardCharsets.ISO_8859_1), "absolute-form routes by its path, decoded as UTF-8");
        }
    }

    @Test
    void unmatchedPathIs404AndUrlPrefixApplies() throws Exception {
        InetSocketAddress address = start(Map.of("url_prefix", "/base"), Map.of("/app", DESCRIBE));
        try (RawClient client = client(address)) {
            RawClient.Response r = client.send("GET /app HTTP/1.1\r\nHost: x\r\n\r\n").read();
            assertEquals(404, r.status());
            assertTrue(r.text().startsWith("Not Found"));
            assertEquals("GET /base/app /x  0 ", client.send("GET /base/app/x HTTP/1.1\r\nHost: x\r\n\r\n").read().text());
            assertEquals(404, client.send("GET /basement/app HTTP/1.1\r\nHost: x\r\n\r\n").read().status());
        }
    }

    @Test
    void pipelinedRequestsAreAnsweredInOrderWithBodiesIntact() throws Exception {
        InetSocketAddress address = start(Map.of(), Map.of("/", DESCRIBE));
        StringBuilder batch = new StringBuilder();
        for (int i = 0; i < 10; i++) {
            String body = "body-" + i;
            batch.append(i % 2 == 0
                    ? "POST /p" + i + " HTTP/1.1\r\nHost: x\r\nContent-Length: " + body.length() + "\r\n\r\n" + body
                    : "GET /g" + i + " HTTP/1.1\r\nHost: x\r\n\r\n");
        }
        try (RawClient client = client(address)) {
            client.send(batch.toString());
            for (int i = 0; i < 10; i++) {
                String expected = i % 2 == 0 ? "POST  /p" + i + "  6 body-" + i : "GET  /g" + i + "  0 ";
                assertEquals(expected, client.read().text());
            }
        }
    }

    @Test
    void requestArrivingByteByByteIsServed() throws Exception {
        InetSocketAddress address = start(Map.of(), Map.of("/", DESCRIBE));
        String raw = "PUT /slow HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc";
        try (RawClient client = client(address)) {
            for (int i = 0; i < raw.length(); i++) {
                client.send(raw.substring(i, i + 1));
            }
            assertEquals("PUT  /slow  3 abc", client.read().text());
        }
    }

    @Test
    void anApplicationClosingAnEmptyBodyDoesNotSpoilTheNextRequest() throws Exception {
        HttpApplication closing = (request, response) -> {
            try (var body = request.body()) {
                response.body().write(String.valueOf(body.readAllBytes().length).getBytes(StandardCharsets.US_ASCII));
            }
        };
        InetSocketAddress address = start(Map.of(), Map.of("/", closing));
        try (RawClient client = client(address)) {
            for (int i = 0; i < 3; i++) {
                RawClient.Response r = client.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n").read();
                assertEquals(200, r.status());
                assertEquals("0", r.text());
            }
        }
    }

    @Test
    void bodyPastInbufOverflowIsSpilledAndReadIntact() throws Exception {
        byte[][] seen = new byte[1][];
        HttpApplication collect = (request, response) -> {
            seen[0] = request.body().readAllBytes();
            response.status(204);
        };
        InetSocketAddress address = start(Map.of("inbuf_overflow", "1000"), Map.of("/", collect));
        byte[] body = new byte[5_000_000];
        new Random(7).nextBytes(body);
        try (RawClient client = client(address)) {
            client.send("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: " + body.length + "\r\n\r\n").send(body);
            RawClient.Response r = client.read();
            assertEquals(204, r.status());
            assertNull(r.header("Content-Length"));
            assertArrayEquals(body, seen[0]);
        }
    }

    @Test
    void applicationFailureIs500AndTheConnectionSurvives() throws Exception {
        HttpApplication fail = (request, response) -> {
            throw new IllegalStateException("boom");
        };
        InetSocketAddress address = start(Map.of(), Map.of("/fail", fail, "/", HELLO));
        try (RawClient client = client(address)) {
            RawClient.Response r = client.send("GET /fail HTTP/1.1\r\nHost: x\r\n\r\n").read();
            assertEquals(500, r.status());
            assertFalse(r.text().contains("boom"), "no traceback unless expose_tracebacks");
            assertEquals("Hello, World!", client.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n").read().text());
        }
        assertTrue(log.lines.stream().anyMatch(l -> l.startsWith("ERROR Application failed")));
    }

    @Test
    void tracebackShownWhenExposed() throws Exception {
        HttpApplication fail = (request, response) -> {
            throw new IllegalStateException("boom");
        };
        InetSocketAddress address = start(Map.of("expose_tracebacks", "true"), Map.of("/", fail));
        try (RawClient client = client(address)) {
            assertTrue(client.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n").read().text()
                    .contains("java.lang.IllegalStateException: boom"));
        }
    }

    @Test
    void failureAfterCommitClosesTheConnection() throws Exception {
        HttpApplication half = (request, response) -> {
            response.body().write("partial".getBytes(StandardCharsets.US_ASCII));
            response.body().flush();
            throw new IllegalStateException("late");
        };
        InetSocketAddress address = start(Map.of(), Map.of("/", half));
        try (RawClient client = client(address)) {
            client.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThrows(Exception.class, client::read, "a truncated chunked body, never a complete one");
        }
    }

    @Test
    void flushedResponseIsChunkedForHttp11AndCloseDelimitedForHttp10() throws Exception {
        HttpApplication stream = (request, response) -> {
            for (int i = 0; i < 3; i++) {
                response.body().write(("part" + i + ";").getBytes(StandardCharsets.US_ASCII));
                response.body().flush();
            }
        };
        InetSocketAddress address = start(Map.of(), Map.of("/", stream));
        try (RawClient client = client(address)) {
            RawClient.Response r = client.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n").read();
            assertEquals("chunked", r.header("Transfer-Encoding"));
            assertEquals("part0;part1;part2;", r.text());
            assertEquals("part0;part1;part2;", client.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n").read().text(),
                    "a chunked response keeps the connection");
        }
        try (RawClient client = client(address)) {
            RawClient.Response r = client.send("GET / HTTP/1.0\r\n\r\n").read();
            assertNull(r.header("Transfer-Encoding"));
            assertEquals("close", r.header("Connection"));
            assertEquals("part0;part1;part2;", r.text());
        }
    }

    @Test
    void http10ClosesUnlessKeepAliveAsked() throws Exception {
        InetSocketAddress address = start(Map.of(), Map.of("/", HELLO));
        try (RawClient client = client(address)) {
            RawClient.Response r = client.send("GET / HTTP/1.0\r\n\r\n").read();
            assertEquals("close", r.header("Connection"));
            assertTrue(client.closedByServer());
        }
        try (RawClient client = client(address)) {
            assertEquals(200, client.send("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n").read().status());
            assertEquals(200, client.send("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n").read().status());
        }
    }

    @Test
    void headGetsTheHeadersOfGetAndNoBody() throws Exception {
        InetSocketAddress address = start(Map.of(), Map.of("/", HELLO));
        try (RawClient client = client(address)) {
            RawClient.Response r = client.send("HEAD / HTTP/1.1\r\nHost: x\r\n\r\n").read(true);
            assertEquals("13", r.header("Content-Length"));
            assertEquals("Hello, World!", client.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n").read().text(),
                    "no stray body bytes before the next response");
        }
    }

    /** A HEAD refused once framed (here its target) is answered without a body, like any HEAD. */
    @Test
    void aHeadRefusedForItsTargetGetsNoBody() throws Exception {
        InetSocketAddress address = start(Map.of(), Map.of("/", HELLO));
        try (RawClient client = client(address)) {
            RawClient.Response r = client.send("HEAD /%zz HTTP/1.1\r\nHost: x\r\n\r\n").read(true);
            assertEquals(400, r.status());
            assertTrue(client.closedByServer(), "no body bytes, then the end of the connection");
        }
    }

    @Test
    void malformedRequestIs400ThenCloseAndNothingBehindItIsAnswered() throws Exception {
        InetSocketAddress address = start(Map.of(), Map.of("/", DESCRIBE));
        try (RawClient client = client(address)) {
            client.send("GET /ok HTTP/1.1\r\nHost: x\r\n\r\nGET /bad HTTP/1.1\r\nHost : x\r\n\r\n"
                    + "GET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n");
            assertEquals("GET  /ok  0 ", client.read().text());
            RawClient.Response bad = client.read();
            assertEquals(400, bad.status());
            assertEquals("close", bad.header("Connection"));
            assertEquals("text/plain; charset=utf-8", bad.header("Content-Type"));
            assertTrue(client.closedByServer());
        }
    }

    @Test
    void connectionCloseIsHonouredAndPipelinedRequestsBehindItAreDropped() throws Exception {
        InetSocketAddress address = start(Map.of(), Map.of("/", DESCRIBE));
        try (RawClient client = client(address)) {
            client.send("GET /a HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\nGET /b HTTP/1.1\r\nHost: x\r\n\r\n");
            RawClient.Response r = client.read();
            assertEquals("GET  /a  0 ", r.text());
            assertEquals("close", r.header("Connection"));
            assertTrue(client.closedByServer());
        }
    }

    @Test
    void largeResponseReachesASlowReaderIntact() throws Exception {
        byte[] big = new byte[5_000_000];
        new Random(3).nextBytes(big);
        HttpApplication large = (request, response) -> {
            response.contentLength(big.length);
            for (int at = 0; at < big.length; at += 100_000) {
                response.body().write(big, at, Math.min(100_000, big.length - at));
            }
        };
        InetSocketAddress address = start(Map.of("outbuf_high_watermark", "200000"), Map.of("/", large));
        try (RawClient client = client(address)) {
            RawClient.Response r = client.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n").read();
            assertEquals(String.valueOf(big.length), r.header("Content-Length"));
            assertArrayEquals(big, r.body());
        }
    }

    @Test
    void responseSplittingIsRefusedWith500() throws Exception {
        HttpApplication split = (request, response) -> {
            response.setHeader("X-Bad", "a\r\nSet-Cookie: evil=1");
            response.body().write('x');
        };
        InetSocketAddress address = start(Map.of(), Map.of("/", split));
        try (RawClient client = client(address)) {
            RawClient.Response r = client.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n").read();
            assertEquals(500, r.status());
            assertNull(r.header("Set-Cookie"));
            assertNull(r.header("X-Bad"));
        }
    }

    @Test
    void expectContinueGetsOneInterimResponseInOrder() throws Exception {
        InetSocketAddress address = start(Map.of(), Map.of("/", DESCRIBE));
        try (RawClient client = client(address)) {
            client.send("GET /first HTTP/1.1\r\nHost: x\r\n\r\n"
                    + "POST /second HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n");
            assertEquals("GET  /first  0 ", client.read().text(), "the earlier answer comes first");
            assertEquals(100, client.read().status());
            RawClient.Response r = client.send("hello").read();
            assertEquals("POST  /second  5 hello", r.text());
        }
    }

    @Test
    void noContinueBeforeA413() throws Exception {
        InetSocketAddress address = start(Map.of("max_request_body_size", "10"), Map.of("/", DESCRIBE));
        try (RawClient client = client(address)) {
            RawClient.Response r = client.send(
                    "POST / HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 10\r\n\r\n").read();
            assertEquals(413, r.status());
            assertTrue(client.closedByServer());
        }
    }

    @Test
    void chunkedRequestBodyIsDecoded() throws Exception {
        InetSocketAddress address = start(Map.of(), Map.of("/", DESCRIBE));
        try (RawClient client = client(address)) {
            RawClient.Response r = client.send("POST /c HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nX-Trailer: t\r\n\r\n").read();
            assertEquals("POST  /c  11 hello world", r.text());
        }
    }

    @Test
    void underscoreHeadersAreHiddenFromApplications() throws Exception {
        HttpApplication headers = (request, response) ->
                response.body().write(request.headers().toString().getBytes(StandardCharsets.US_ASCII));
        InetSocketAddress address = start(Map.of(), Map.of("/", headers));
        try (RawClient client = client(address)) {
            String seen = client.send("GET / HTTP/1.1\r\nHost: x\r\nX_Real_Ip: evil\r\n"
                    + "X-Real-Ip: good\r\n\r\n").read().text();
            assertEquals("{host: x, x-real-ip: good}", seen);
        }
    }

    @Test
    void aHeadTrickledInPastTheChannelTimeoutGets408() throws Exception {
        assertTrickleGets408("GET / HTTP/1.1\r\nX-Slow: ");
    }

    @Test
    void aBodyTrickledInPastTheChannelTimeoutGets408() throws Exception {
        assertTrickleGets408("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n");
    }

    /** Sends {@code start}, then a byte every 100 ms: ten a second, far below any rate asked. */
    private void assertTrickleGets408(String start) throws Exception {
        InetSocketAddress address = start(Map.of("channel_timeout", "1", "cleanup_interval", "1"), Map.of("/", HELLO));
        try (RawClient client = client(address); AutoCloseable trickle = sendEvery100ms(client, start, "a")) {
            RawClient.Response r = client.read();
            assertEquals(408, r.status());
            assertEquals("close", r.header("Connection"));
        }
    }

    @Test
    void aSlowButSteadyBodyOutlastsTheChannelTimeout() throws Exception {
        HttpApplication count = (request, response) -> response.body().write(
                Long.toString(request.body().transferTo(OutputStream.nullOutputStream())).getBytes(StandardCharsets.UTF_8));
        InetSocketAddress address = start(Map.of("channel_timeout", "1", "cleanup_interval", "1"), Map.of("/", count));
        // 1,000 bytes with the head (two seconds of slack for a slow scheduler), then 2,500 bytes a
        // second for 4 s: longer than channel_timeout and that slack, above the rate asked of a body
        int length = 1000 + 40 * 250;
        String start = "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: " + length + "\r\n\r\n" + "b".repeat(1000);
        try (RawClient client = client(address);
                AutoCloseable steady = sendEvery100ms(client, start, "b".repeat(250))) {
            RawClient.Response r = client.read();
            assertEquals(200, r.status());
            assertEquals(Integer.toString(length), r.text());
        }
    }

    /** Sends {@code first}, then {@code part} every 100 ms until closed (or the connection is). */
    private static AutoCloseable sendEvery100ms(RawClient client, String first, String part) throws IOException {
        client.send(first);
        ScheduledExecutorService sender = Executors.newSingleThreadScheduledExecutor();
        sender.scheduleAtFixedRate(() -> {
            try {
                client.send(part);
            } catch (IOException closed) {
                throw new IllegalStateException(closed);
            }
        }, 100, 100, TimeUnit.MILLISECONDS);
        return sender::shutdownNow;
    }

    @Test
    void aClientThatNeverReadsReleasesTheApplicationThreadWhenClosed() throws Exception {
        CountDownLatch finished = new CountDownLatch(1);
        HttpApplication flood = (request, response) -> {
            try {
                byte[] block = new byte[65536];
                for (int i = 0; i < 2000; i++) {
                    response.body().write(block);
                }
            } finally {
                finished.countDown();
            }
        };
        InetSocketAddress address = start(Map.of("channel_timeout", "1", "cleanup_interval", "1",
                "outbuf_high_watermark", "100000"), Map.of("/", flood));
        try (RawClient client = client(address)) {
            client.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
            assertTrue(finished.await(20, TimeUnit.SECONDS), "the stalled connection was closed and the thread let go");
        }
    }

    @Test
    void spilledBodiesLeaveNoTemporaryFile() throws Exception {
        HttpApplication drain = (request, response) -> request.body().transferTo(OutputStream.nullOutputStream());
        InetSocketAddress address = start(Map.of("inbuf_overflow", "100"), Map.of("/", drain));
        long before = temporaryFiles();
        byte[] body = new byte[100_000];
        try (RawClient client = client(address)) {
            client.send("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: " + body.length + "\r\n\r\n").send(body);
            assertEquals(200, client.read().status());
        }
        try (RawClient client = client(address)) {
            // a client that goes away in the middle of its body
            client.send("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: " + 2 * body.length + "\r\n\r\n").send(body);
            assertEquals(200, client(address).send("GET / HTTP/1.1\r\nHost: x\r\n\r\n").read().status(),
                    "the server is still answering");
        }
        awaitTrue(() -> temporaryFiles() == before, "temporary files deleted");
    }

    @Test
    void aLargeResponseSpillsToAFileThatIsGoneOnceSent() throws Exception {
        byte[] block = new byte[1 << 20];
        new Random(11).nextBytes(block);
        CountDownLatch written = new CountDownLatch(1);
        HttpApplication large = (request, response) -> {
            response.contentLength(20L * block.length);
            for (int i = 0; i < 20; i++) {
                response.body().write(block);
            }
            response.body().flush();
            written.countDown();
        };
        InetSocketAddress address = start(Map.of("outbuf_high_watermark", String.valueOf(64 << 20)),
                Map.of("/", large));
        long before = temporaryFiles();
        try (RawClient client = client(address)) {
            client.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
            assertTrue(written.await(20, TimeUnit.SECONDS));
            assertTrue(temporaryFiles() > before || inline(), "20 MB a client has not read went to a file");
            RawClient.Response r = client.read();
            assertEquals(20 << 20, r.body().length);
            for (int i = 0; i < 20; i++) {
                assertArrayEquals(block, java.util.Arrays.copyOfRange(r.body(), i << 20, (i + 1) << 20));
            }
        }
        awaitTrue(() -> temporaryFiles() == before, "the spill file deleted once sent");
    }

    @Test
    void aClientLeavingMidResponseLeaksNoDescriptorOrFile() throws Exception {
        byte[] block = new byte[1 << 20];
        CountDownLatch written = new CountDownLatch(1);
        HttpApplication large = (request, response) -> {
            for (int i = 0; i < 20; i++) {
                response.body().write(block);
            }
            response.body().flush();
            written.countDown();
        };
        InetSocketAddress address = start(Map.of("outbuf_high_watermark", String.valueOf(64 << 20)),
                Map.of("/", large));
        long files = temporaryFiles();
        long descriptors = openDescriptors();
        try (RawClient client = client(address)) {
            client.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
            assertTrue(written.await(20, TimeUnit.SECONDS));
        }
        awaitTrue(() -> temporaryFiles() == files, "the spill file deleted when the client left");
        awaitTrue(() -> openDescriptors() <= descriptors, "the socket and the file closed");
    }

    @Test
    void aRequestArrivingWhileOutputDrainsIsReadOnceTheTaskEnds() throws Exception {
        byte[] big = new byte[8 << 20];
        CountDownLatch written = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        HttpApplication app = (request, response) -> {
            if (request.pathInfo().equals("/big")) {
                response.contentLength(big.length);
                response.body().write(big);
                response.body().flush();
                written.countDown();
                release.await(10, TimeUnit.SECONDS);
            } else {
                response.body().write("next".getBytes(StandardCharsets.US_ASCII));
            }
        };
        InetSocketAddress address = start(Map.of("outbuf_high_watermark", String.valueOf(64 << 20)),
                Map.of("/", app));
        try (RawClient client = client(address)) {
            client.send("GET /big HTTP/1.1\r\nHost: x\r\n\r\n");
            assertTrue(written.await(10, TimeUnit.SECONDS));
            // arrives while the task still runs and its output is pending
            client.send("GET /next HTTP/1.1\r\nHost: x\r\n\r\n");
            assertEquals(big.length, client.read().body().length);
            release.countDown();
            assertEquals("next", client.read().text());
        }
    }

    @Test
    void declaredLengthIsEnforced() throws Exception {
        HttpApplication wrong = (request, response) -> {
            response.contentLength(5);
            response.body().write((request.pathInfo().equals("/more") ? "1234567890" : "123")
                    .getBytes(StandardCharsets.US_ASCII));
        };
        InetSocketAddress address = start(Map.of(), Map.of("/", wrong));
        try (RawClient client = client(address)) {
            RawClient.Response r = client.send("GET /more HTTP/1.1\r\nHost: x\r\n\r\n").read();
            assertEquals("12345", r.text(), "the excess is not sent");
            assertTrue(client.closedByServer());
        }
        try (RawClient client = client(address)) {
            client.send("GET /less HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThrows(IOException.class, client::read, "fewer bytes than declared: the connection closes");
        }
        assertTrue(log.lines.stream().anyMatch(l -> l.contains("more than its declared 5 bytes")));
    }

    @Test
    void noContentAndNotModifiedCarryNoBodyAndKeepTheConnection() throws Exception {
        HttpApplication status = (request, response) -> {
            response.status(Integer.parseInt(request.query()));
            response.body().write("ignored".getBytes(StandardCharsets.US_ASCII));
        };
        InetSocketAddress address = start(Map.of(), Map.of("/", status));
        try (RawClient client = client(address)) {
            for (String code : new String[] {"204", "304"}) {
                RawClient.Response r = client.send("GET /?" + code + " HTTP/1.1\r\nHost: x\r\n\r\n").read();
                assertEquals(Integer.parseInt(code), r.status());
                assertNull(r.header("Transfer-Encoding"));
                assertNull(r.header("Content-Length"));
            }
            assertEquals(200, client.send("GET /?200 HTTP/1.1\r\nHost: x\r\n\r\n").read().status(),
                    "no stray body bytes: the next response parses");
        }
    }

    private static long openDescriptors() {
        try (var fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void requestKnowsItsPeerHostSchemeAndRawPath() throws Exception {
        HttpApplication who = (request, response) -> response.body().write((request.remoteAddress() + " "
                + (request.remotePort() > 0) + " " + request.scheme() + " " + request.host() + " " + request.port()
                + " " + request.server() + " " + request.pathInfo() + " " + request.rawPathInfo())
                .getBytes(StandardCharsets.UTF_8));
        InetSocketAddress address = start(Map.of(), Map.of("/a b", who));
        try (RawClient client = client(address)) {
            assertEquals("127.0.0.1 true " + scheme() + " example.com 8081 test /x/y%2Fz /x/y%252Fz", client.send(
                    "GET /a%20b/x/y%252Fz HTTP/1.1\r\nHost: example.com:8081\r\n\r\n").read().text());
            String defaultPort = scheme().equals("https") ? "443" : "80";
            assertEquals("127.0.0.1 true " + scheme() + " h " + defaultPort + " test /c\u00e9 /c%C3%A9", client.send(
                    "GET http://h/a%20b/c%C3%A9 HTTP/1.1\r\nHost: ignored\r\n\r\n").read().text());
            assertEquals("127.0.0.1 true " + scheme() + " usher.invalid " + address.getPort() + " test  ",
                    client.send("GET /a%20b HTTP/1.0\r\nConnection: keep-alive\r\n\r\n").read().text());
        }
    }

    @Test
    void customReasonPhraseIsSent() throws Exception {
        InetSocketAddress address = start(Map.of(), Map.of("/", (request, response) -> response.status(299, "Quite Fine")));
        try (RawClient client = client(address)) {
            client.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
            assertEquals(299, client.read().status());
        }
    }

    @Test
    void filesAreSentByTheLoopAndClosed() throws Exception {
        Path file = Files.createTempFile("usher-test-send", ".bin");
        byte[] content = new byte[3_000_000];
        new Random(9).nextBytes(content);
        Files.write(file, content);
        java.util.List<java.nio.channels.FileChannel> opened = new java.util.concurrent.CopyOnWriteArrayList<>();
        HttpApplication send = (request, response) -> {
            java.nio.channels.FileChannel channel = java.nio.channels.FileChannel.open(file);
            opened.add(channel);
            response.body().write("head:".getBytes(StandardCharsets.US_ASCII));
            if (request.query().equals("flushed")) {
                response.body().flush();
            }
            response.sendFile(channel, 100, content.length - 100);
        };
        try {
            InetSocketAddress address = start(Map.of(), Map.of("/", send));
            try (RawClient client = client(address)) {
                RawClient.Response r = client.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n").read();
                assertEquals(String.valueOf(5 + content.length - 100), r.header("Content-Length"));
                assertArrayEquals(java.util.Arrays.copyOfRange(content, 100, content.length),
                        java.util.Arrays.copyOfRange(r.body(), 5, r.body().length));
                RawClient.Response chunked = client.send("GET /?flushed HTTP/1.1\r\nHost: x\r\n\r\n").read();
                assertEquals("chunked", chunked.header("Transfer-Encoding"));
                assertEquals(5 + content.length - 100, chunked.body().length);
            }
            awaitTrue(() -> opened.size() == 2 && opened.stream().noneMatch(java.nio.channels.FileChannel::isOpen),
                    "the files were closed once sent");
        } finally {
            Files.delete(file);
        }
    }

    /** Answers with the body's length and SHA-256, read as it arrives. */
    private static final HttpApplication DIGEST = (request, response) -> {
        java.security.MessageDigest sha = java.security.MessageDigest.getInstance("SHA-256");
        long count = 0;
        byte[] chunk = new byte[8192];
        for (int n; (n = request.body().read(chunk)) > 0; ) {
            sha.update(chunk, 0, n);
            count += n;
        }
        response.body().write((count + " " + java.util.HexFormat.of().formatHex(sha.digest()) + " "
                + request.bodyLength()).getBytes(StandardCharsets.US_ASCII));
    };

    private static String digest(byte[] bytes) throws Exception {
        return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    @Test
    void aStreamingApplicationIsCalledBeforeTheBodyHasArrived() throws Exception {
        CountDownLatch called = new CountDownLatch(1);
        HttpApplication early = (request, response) -> {
            called.countDown();
            DIGEST.handle(request, response);
        };
        streamingPrefixes.add("/up");
        InetSocketAddress address = start(Map.of(), Map.of("/up", early));
        try (RawClient client = client(address)) {
            client.send("POST /up HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nhello");
            assertTrue(called.await(10, TimeUnit.SECONDS), "called with half the body still to come");
            assertEquals("10 " + digest("helloworld".getBytes(StandardCharsets.US_ASCII)) + " 10",
                    client.send("world").read().text());
        }
    }

    @Test
    void chunkedStreamingThenPipelinedRequestsInOrder() throws Exception {
        streamingPrefixes.add("/up");
        InetSocketAddress address = start(Map.of(), Map.of("/up", DIGEST, "/", DESCRIBE));
        try (RawClient client = client(address)) {
            client.send("GET /before HTTP/1.1\r\nHost: x\r\n\r\n"
                    + "POST /up HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "3\r\nabc\r\n4\r\ndefg\r\n0\r\n\r\n"
                    + "POST /after HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nok");
            assertEquals("GET  /before  0 ", client.read().text());
            assertEquals("7 " + digest("abcdefg".getBytes(StandardCharsets.US_ASCII)) + " 7", client.read().text());
            assertEquals("POST  /after  2 ok", client.read().text());
        }
    }

    /** The body's last byte is the one that stops the loop: the end of the body is still reported. */
    @Test
    void aStreamedBodyWhoseLastBytePausedReadingEnds() throws Exception {
        byte[] body = new byte[StreamingBody.BOUND + 1];
        new Random(17).nextBytes(body);
        HttpApplication waitsForAll = (request, response) -> {
            StreamingBody stream = (StreamingBody) request.body();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            synchronized (stream) {
                while (!stream.stalledLoop() && System.nanoTime() < deadline) {
                    stream.wait(10);
                }
            }
            DIGEST.handle(request, response);
        };
        streamingPrefixes.add("/up");
        // a byte a read: the loop stops exactly at the body's last byte, with nothing held behind it
        InetSocketAddress address = start(Map.of("recv_bytes", "1"), Map.of("/up", waitsForAll));
        try (RawClient client = client(address)) {
            client.send("PUT /up HTTP/1.1\r\nHost: x\r\nContent-Length: " + body.length + "\r\n\r\n").send(body);
            assertEquals(body.length + " " + digest(body) + " " + body.length, client.read().text());
        }
    }

    /**
     * A streamed request framed while the task before it still runs (read ahead) is answered when
     * that task ends: its body is not taken for one the earlier application left unread.
     */
    @Test
    void aStreamedRequestReadAheadIsAnsweredAfterTheOneBefore() throws Exception {
        // a held application on the I/O loop would hold the loop too: nothing could be read ahead
        org.junit.jupiter.api.Assumptions.assumeFalse(inline());
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        HttpApplication held = (request, response) -> {
            entered.countDown();
            release.await(10, TimeUnit.SECONDS);
            DESCRIBE.handle(request, response);
        };
        streamingPrefixes.add("/up");
        InetSocketAddress address = start(Map.of("channel_request_lookahead", "4"),
                Map.of("/up", DIGEST, "/held", held));
        try (RawClient client = client(address)) {
            client.send("GET /held HTTP/1.1\r\nHost: x\r\n\r\n");
            assertTrue(entered.await(10, TimeUnit.SECONDS));
            client.send("POST /up HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\na");
            LiveServerTest.awaitTrue(() -> server.pools().connectionsForTest().stream()
                    .anyMatch(Connection::streamingForTest));
            // the held task ends while the streamed body is still arriving
            release.countDown();
            assertEquals("GET /held   0 ", client.read().text());
            client.send("bc");
            assertEquals("3 " + digest("abc".getBytes(StandardCharsets.US_ASCII)) + " 3", client.read().text());
        }
    }

    /**
     * A request read ahead while one is answered is dropped when that answer ends the connection
     * (here: its application fails once committed). Found by the server fuzz target.
     */
    @Test
    void aRequestReadAheadOfAnAnswerThatEndsTheConnectionIsNeverAnswered() throws Exception {
        // an inline application holds its loop: nothing is read ahead of it
        org.junit.jupiter.api.Assumptions.assumeFalse(inline());
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        java.util.concurrent.atomic.AtomicInteger answeredAfter = new java.util.concurrent.atomic.AtomicInteger();
        HttpApplication failsOnceCommitted = (request, response) -> {
            entered.countDown();
            assertTrue(release.await(10, TimeUnit.SECONDS));
            response.body().write("ab".getBytes(StandardCharsets.US_ASCII));
            response.body().flush();
            throw new IllegalStateException("fails once committed");
        };
        HttpApplication counted = (request, response) -> {
            answeredAfter.incrementAndGet();
            DESCRIBE.handle(request, response);
        };
        InetSocketAddress address = start(Map.of("channel_request_lookahead", "2"),
                Map.of("/fail", failsOnceCommitted, "/", counted));
        try (RawClient client = client(address)) {
            client.send("GET /fail HTTP/1.1\r\nHost: x\r\n\r\n");
            assertTrue(entered.await(10, TimeUnit.SECONDS));
            client.send("GET /after HTTP/1.1\r\nHost: x\r\n\r\n");
            LiveServerTest.awaitTrue(() -> server.pools().connectionsForTest().stream()
                    .anyMatch(connection -> connection.framedForTest() == 1));
            release.countDown();
            assertTrue(client.bytesUntilClosed() > 0, "the failed response's head and first chunk");
        }
        assertEquals(0, answeredAfter.get(), "the request read ahead was answered");
    }

    /**
     * Requests read ahead while one is answered, then the end of the client's input: each is
     * answered, and the connection closes after the last.
     */
    @Test
    void requestsReadAheadThenTheEndOfInputAreAnsweredAndTheConnectionCloses() throws Exception {
        HttpApplication fail = (request, response) -> {
            request.body().readAllBytes();
            throw new IllegalStateException("fails on purpose");
        };
        InetSocketAddress address = start(Map.of("channel_request_lookahead", "2", "recv_bytes", "7"),
                Map.of("/fail", fail, "/", DESCRIBE));
        try (RawClient client = client(address)) {
            client.send("POST /fail HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nok"
                    + "GET /a HTTP/1.1\r\nHost: x\r\n\r\n"
                    + "POST /b HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello"
                    + "HEAD /c HTTP/1.1\r\nHost: x\r\n\r\n"
                    + "GET /d HTTP/1.1\r\nHost: x\r\n\r\n");
            client.shutdownOutput();
            assertEquals(500, client.read().status());
            assertEquals("GET  /a  0 ", client.read().text());
            assertEquals("POST  /b  5 hello", client.read().text());
            assertEquals(200, client.read(true).status());
            assertEquals("GET  /d  0 ", client.read().text());
            assertTrue(client.closedByServer(), "the end of input ends the connection once answered");
        }
    }

    @Test
    void aSlowStreamingReaderHoldsTheClientBack() throws Exception {
        byte[] body = new byte[32 << 20];
        new Random(13).nextBytes(body);
        long[] mostUnread = {0};
        HttpApplication slow = (request, response) -> {
            StreamingBody stream = (StreamingBody) request.body();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            synchronized (stream) {
                while (!stream.stalledLoop() && System.nanoTime() < deadline) {
                    stream.wait(10);
                }
            }
            mostUnread[0] = stream.available();
            DIGEST.handle(request, response);
        };
        streamingPrefixes.add("/up");
        InetSocketAddress address = start(Map.of(), Map.of("/up", slow));
        try (RawClient client = client(address)) {
            Thread writer = new Thread(() -> {
                try {
                    client.send("PUT /up HTTP/1.1\r\nHost: x\r\nContent-Length: " + body.length + "\r\n\r\n")
                            .send(body);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            writer.start();
            assertEquals(body.length + " " + digest(body) + " " + body.length, client.read().text());
            writer.join();
        }
        assertTrue(mostUnread[0] > 0 && mostUnread[0] <= StreamingBody.BOUND + largestRead(),
                "unread body held by the server: " + mostUnread[0]);
    }

    @Test
    void aStreamingClientThatLeavesMidBodyFailsTheRead() throws Exception {
        CountDownLatch failed = new CountDownLatch(1);
        HttpApplication reader = (request, response) -> {
            try {
                request.body().readAllBytes();
            } catch (IOException expected) {
                failed.countDown();
                throw expected;
            }
        };
        streamingPrefixes.add("/up");
        InetSocketAddress address = start(Map.of(), Map.of("/up", reader));
        try (RawClient client = client(address)) {
            client.send("POST /up HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\npartial");
        }
        assertTrue(failed.await(10, TimeUnit.SECONDS));
        // the client's doing, not the application's: a socket error at DEBUG, no ERROR with a stack
        awaitTrue(() -> log.lines.stream().anyMatch(l -> l.startsWith("DEBUG") && l.contains("reading the body of")),
                "the client leaving logged as a socket error");
        assertFalse(log.lines.stream().anyMatch(l -> l.startsWith("ERROR")), log.lines.toString());
    }

    @Test
    void aStreamedBodyRefusedAsItArrivesIsAnsweredWithItsOwnStatus() throws Exception {
        HttpApplication reader = (request, response) -> request.body().readAllBytes();
        streamingPrefixes.add("/up");
        InetSocketAddress address = start(Map.of("max_request_body_size", "10"), Map.of("/up", reader));
        try (RawClient client = client(address)) {
            RawClient.Response tooLarge = client.send("POST /up HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "5\r\nhello\r\n9\r\n").read();
            assertEquals(413, tooLarge.status());
            assertEquals("close", tooLarge.header("Connection"));
        }
        try (RawClient client = client(address)) {
            RawClient.Response malformed = client.send("POST /up HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "5\r\nhello\r\nzz\r\n").read();
            assertEquals(400, malformed.status());
        }
        assertFalse(log.lines.stream().anyMatch(l -> l.startsWith("ERROR")), log.lines.toString());
    }

    /** Where the servers of this class keep request bodies and responses past their thresholds. */
    @TempDir
    static Path spillDirectory;

    private static long temporaryFiles() {
        try (var files = Files.list(spillDirectory)) {
            return files.filter(f -> f.getFileName().toString().startsWith("usher-")).count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Waits for a condition the server reaches on its own threads, with a deadline. */
    private static void awaitTrue(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        Object monitor = new Object();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting: " + what);
            }
            synchronized (monitor) {
                monitor.wait(20);
            }
        }
    }

    @Test
    void applyRebindsBeforeClosingAndKeepsOpenConnections() throws Exception {
        InetSocketAddress first = start(Map.of(), Map.of("/", HELLO));
        int freePort;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            freePort = probe.getLocalPort();
        }
        try (RawClient idle = client(first)) {
            assertEquals(200, idle.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n").read().status());
            Map<String, Object> next = new HashMap<>(transportSettings());
            next.putAll(Map.of("listen", "127.0.0.1:" + freePort, "workers", "2", "ident", "other"));
            server.apply(Adjustments.parse(next));
            InetSocketAddress second = (InetSocketAddress) server.addresses().get(0);
            assertEquals(freePort, second.getPort());
            RawClient.Response r = idle.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n").read();
            assertEquals(200, r.status(), "the idle keep-alive connection survived the change");
            assertEquals("other", r.header("Server"), "per-request settings apply from the next request");
            try (RawClient fresh = client(second)) {
                assertEquals(200, fresh.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n").read().status());
            }
        }
    }
}
