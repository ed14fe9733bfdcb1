package dev.usher.dispatcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.usher.api.HttpApplication;
import dev.usher.config.Adjustments;

/** Settings applied to a running server, over real sockets. */
class LiveServerTest {

    private final RecordingLogger log = new RecordingLogger();
    private Server server;
    private final Map<String, Object> settings = new HashMap<>(Map.of("listen", "127.0.0.1:0", "workers", "1"));

    @TempDir
    Path dir;

    private static final HttpApplication ORIGIN = (request, response) -> response.body().write((request.remoteAddress()
            + " " + request.scheme() + " " + request.host() + " " + request.port() + " " + request.headers())
            .getBytes(StandardCharsets.UTF_8));

    @AfterEach
    void stop() {

        if (server != null) {
            server.stop();
        }
    }

    private void start(HttpApplication app) throws Exception {
        Mounts mounts = new Mounts(List.of(new MountPoint("", app, 0, 1, Set.of(), false, false)));
        server = new Server("live", Adjustments.parse(settings), () -> mounts, log.logger, log.logger);
        server.start();
    }

    private void change(String... pairs) throws Exception {
        for (int i = 0; i < pairs.length; i += 2) {
            settings.put(pairs[i], pairs[i + 1]);
        }
        server.apply(Adjustments.parse(settings));
    }

    private InetSocketAddress tcp() {
        return tcpAddress(server);
    }

    /** The first TCP address {@code server} listens on. */
    static InetSocketAddress tcpAddress(Server server) {
        return server.addresses().stream().filter(InetSocketAddress.class::isInstance)
                .map(InetSocketAddress.class::cast).findFirst().orElseThrow();
    }

    /** Each application mounted at its prefix, ranked alike. */
    static Mounts mounts(Map<String, HttpApplication> apps) {
        return new Mounts(apps.entrySet().stream()
                .map(e -> new MountPoint(e.getKey(), e.getValue(), 0, 1, Set.of(), false, false)).toList());
    }

    private static String get(RawClient client, String path) throws IOException {
        return client.send("GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n").read().text();
    }

    @Test
    void workersGrowAndShrinkWhileKeepAliveConnectionsStayUsable() throws Exception {
        start(ORIGIN);
        List<RawClient> clients = new ArrayList<>();
        try {
            for (int i = 0; i < 6; i++) {
                clients.add(new RawClient(tcp()));
                get(clients.get(i), "/");
            }
            change("workers", "3");
            assertEquals(3, server.workers());
            for (int i = 0; i < 6; i++) {
                clients.add(new RawClient(tcp()));
            }
            for (RawClient client : clients) {
                get(client, "/");
            }
            change("workers", "1");
            assertEquals(1, server.workers());
            for (int round = 0; round < 3; round++) {
                for (RawClient client : clients) {
                    assertTrue(get(client, "/").startsWith("127.0.0.1 http x 80"));
                }
            }
        } finally {
            for (RawClient client : clients) {
                client.close();
            }
        }
    }

    @Test
    void threadsResizeInPlace() throws Exception {
        start(ORIGIN);
        change("threads", "9");
        assertEquals(9, server.threads());
        change("threads", "2");
        assertEquals(2, server.threads());
        try (RawClient client = new RawClient(tcp())) {
            assertTrue(get(client, "/").startsWith("127.0.0.1"));
        }
    }

    @Test
    void unixSocketWithPermissionsIsAddedAndRemoved() throws Exception {
        Path socket = dir.resolve("usher.sock");
        settings.remove("listen");
        settings.put("unix_socket", socket.toString());
        settings.put("unix_socket_perms", "660");
        start(ORIGIN);
        assertEquals("rw-rw----", PosixFilePermissions.toString(Files.getPosixFilePermissions(socket)));
        assertTrue(log.lines.contains("INFO Serving on unix:" + socket));
        assertTrue(overUnixSocket(socket).startsWith("localhost http x 80"), "a unix peer is localhost");
        settings.remove("unix_socket");
        change("listen", "127.0.0.1:0");
        awaitTrue(() -> !Files.exists(socket));
        try (RawClient client = new RawClient(tcp())) {
            assertTrue(get(client, "/").startsWith("127.0.0.1"));
        }
    }

    @Test
    void aStaleSocketFileIsReplacedButARegularFileIsNot() throws Exception {
        Path stale = dir.resolve("stale.sock");
        try (var old = java.nio.channels.ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            old.bind(UnixDomainSocketAddress.of(stale));
        }
        assertTrue(Files.exists(stale));
        settings.remove("listen");
        settings.put("unix_socket", stale.toString());
        start(ORIGIN);
        assertTrue(overUnixSocket(stale).startsWith("localhost"));
        server.stop();
        Path regular = Files.writeString(dir.resolve("regular"), "keep me");
        settings.put("unix_socket", regular.toString());
        server = new Server("live", Adjustments.parse(settings), () -> Mounts.EMPTY, log.logger, log.logger);
        assertTrue(org.junit.jupiter.api.Assertions.assertThrows(IOException.class, server::start).getMessage()
                .contains("is not a socket"));
        server = null;
        assertEquals("keep me", Files.readString(regular));
    }

    private static String overUnixSocket(Path socket) throws IOException {
        try (SocketChannel channel = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
            channel.write(ByteBuffer.wrap("GET / HTTP/1.0\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII)));
            ByteBuffer in = ByteBuffer.allocate(4096);
            while (channel.read(in) >= 0) {
                if (!in.hasRemaining()) {
                    break;
                }
            }
            String response = new String(in.array(), 0, in.position(), StandardCharsets.UTF_8);
            return response.substring(response.indexOf("\r\n\r\n") + 4);
        }
    }

    @Test
    void aBindFailureKeepsTheOldListenersAndSettings() throws Exception {
        start(ORIGIN);
        InetSocketAddress first = tcp();
        int takenPort;
        try (var taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            takenPort = taken.getLocalPort();
            change("listen", "127.0.0.1:" + takenPort, "ident", "changed");
        }
        assertEquals(first, tcp());
        assertTrue(log.lines.stream().anyMatch(l -> l.startsWith("ERROR") && l.contains("keeping the current settings")
                && l.contains("cannot listen on 127.0.0.1:" + takenPort + ": ")), log.lines::toString);
        try (RawClient client = new RawClient(first)) {
            assertEquals("usher", client.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n").read().header("Server"));
        }
    }

    @Test
    void aNewAddressAnswersWithTheSettingsThatCameWithIt() throws Exception {
        start(ORIGIN);
        int port;
        try (var probe = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        // asked the moment the server says it serves there, while it is still applying the change
        CompletableFuture<String> firstAnswer = new CompletableFuture<>();
        log.onLine = line -> {
            if (line.contains("Serving on http://127.0.0.1:" + port) && !firstAnswer.isDone()) {
                try (RawClient client = new RawClient(new InetSocketAddress("127.0.0.1", port))) {
                    firstAnswer.complete(client.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n").read().header("Server"));
                } catch (IOException e) {
                    firstAnswer.completeExceptionally(e);
                }
            }
        };
        change("listen", "127.0.0.1:" + port, "ident", "moved");
        assertEquals("moved", firstAnswer.getNow("never served"));
    }

    @Test
    void idleConnectionsCloseAfterTheChannelTimeout() throws Exception {
        settings.put("channel_timeout", "1");
        settings.put("cleanup_interval", "1");
        start(ORIGIN);
        try (RawClient client = new RawClient(tcp())) {
            get(client, "/");
            long start = System.nanoTime();
            assertTrue(client.closedByServer());
            assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(5));
        }
    }

    @Test
    void lookaheadFramesPipelinedRequestsWhileOneIsAnswered() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        HttpApplication gate = (request, response) -> {
            if (request.pathInfo().equals("/wait")) {
                release.await(10, TimeUnit.SECONDS);
            }
            response.body().write(request.pathInfo().getBytes(StandardCharsets.US_ASCII));
        };
        settings.put("channel_request_lookahead", "4");
        start(gate);
        try (RawClient client = new RawClient(tcp())) {
            client.send("GET /wait HTTP/1.1\r\nHost: x\r\n\r\n");
            client.send("GET /a HTTP/1.1\r\nHost: x\r\n\r\nGET /b HTTP/1.1\r\nHost: x\r\n\r\n");
            release.countDown();
            assertEquals("/wait", client.read().text());
            assertEquals("/a", client.read().text());
            assertEquals("/b", client.read().text());
        }
    }

    @Test
    void trustedProxyFieldsSetTheOriginAndUntrustedOnesAreHidden() throws Exception {
        settings.put("trusted_proxy", "127.0.0.1");
        settings.put("trusted_proxy_headers", "x-forwarded-for x-forwarded-proto x-forwarded-host");
        start(ORIGIN);
        try (RawClient client = new RawClient(tcp())) {
            String seen = client.send("GET / HTTP/1.1\r\nHost: x\r\nX-Forwarded-For: 10.0.0.9, 10.0.0.1\r\n"
                    + "X-Forwarded-Proto: https\r\nX-Forwarded-Host: example.org\r\nX-Forwarded-Port: 99\r\n\r\n")
                    .read().text();
            assertTrue(seen.startsWith("10.0.0.1 https example.org 443 "), seen);
            assertFalse(seen.contains("x-forwarded-port"), "not among trusted_proxy_headers: hidden");
            assertTrue(seen.contains("x-forwarded-for"));
            RawClient.Response bad = client.send("GET / HTTP/1.1\r\nHost: x\r\nX-Forwarded-Proto: https, http\r\n\r\n").read();
            assertEquals(400, bad.status());
        }
        change("trusted_proxy", "10.9.9.9", "trusted_proxy_count", "2");
        try (RawClient client = new RawClient(tcp())) {
            String seen = client.send("GET / HTTP/1.1\r\nHost: x\r\nX-Forwarded-For: 10.0.0.9\r\n\r\n").read().text();
            assertTrue(seen.startsWith("127.0.0.1 http x 80 {host: x}"), "a peer other than the proxy is not believed: " + seen);
        }
    }

    @Test
    void perRequestSettingsApplyFromTheNextRequest() throws Exception {
        start(ORIGIN);
        try (RawClient client = new RawClient(tcp())) {
            get(client, "/");
            change("max_request_body_size", "10", "url_scheme", "https", "ident", "");
            RawClient.Response r = client.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n").read();
            assertEquals(null, r.header("Server"));
            assertTrue(r.text().startsWith("127.0.0.1 https x 443"));
            assertEquals(413, client.send("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n").read().status());
        }
    }

    @Test
    void stoppingFinishesRequestsInFlightAndClosesIdleConnections() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        HttpApplication slow = (request, response) -> {
            if (request.pathInfo().equals("/slow")) {
                entered.countDown();
                release.await(10, TimeUnit.SECONDS);
            }
            response.body().write("done".getBytes(StandardCharsets.US_ASCII));
        };
        start(slow);
        InetSocketAddress address = tcp();
        try (RawClient busy = new RawClient(address); RawClient idle = new RawClient(address)) {
            assertEquals("done", get(idle, "/"));
            busy.send("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n");
            assertTrue(entered.await(10, TimeUnit.SECONDS));
            Thread stopper = new Thread(server::stop);
            stopper.start();
            assertTrue(idle.closedByServer(), "the idle keep-alive connection is closed once silent");
            release.countDown();
            RawClient.Response answer = busy.read();
            assertEquals("done", answer.text(), "the request in flight is answered");
            assertEquals("close", answer.header("Connection"), "and the client is told the connection ends");
            assertTrue(busy.closedByServer());
            stopper.join(10_000);
            assertFalse(stopper.isAlive());
        }
        server = null;
        assertTrue(log.lines.contains("INFO Server live stopped"));
    }

    @Test
    void stoppingGivesUpAfterTheGracefulTimeout() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        HttpApplication stuck = (request, response) -> {
            entered.countDown();
            new CountDownLatch(1).await(20, TimeUnit.SECONDS);
        };
        settings.put("graceful_timeout", "1");
        start(stuck);
        try (RawClient busy = new RawClient(tcp())) {
            busy.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
            assertTrue(entered.await(10, TimeUnit.SECONDS));
            long start = System.nanoTime();
            server.stop();
            server = null;
            assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(8));
            assertTrue(busy.closedByServer());
        }
        assertTrue(log.lines.stream().anyMatch(l -> l.contains("still busy after graceful_timeout")));
    }

    @Test
    void aCallPastTheTimeoutIsLoggedWithItsStackAndInterrupted() throws Exception {
        CountDownLatch interrupted = new CountDownLatch(1);
        HttpApplication stuck = (request, response) -> {
            try {
                new CountDownLatch(1).await(20, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                interrupted.countDown();
                throw e;
            }
        };
        settings.put("timeout", "1");
        start(stuck);
        try (RawClient client = new RawClient(tcp())) {
            RawClient.Response r = client.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n").read();
            assertTrue(interrupted.await(10, TimeUnit.SECONDS));
            assertEquals(500, r.status(), "the interrupted application's failure is a 500");
            assertEquals(500, client.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n").read().status(),
                    "the connection and the thread go on serving");
        }
        assertTrue(log.lines.stream().anyMatch(l -> l.contains("exceeded timeout=1s") && l.contains("CountDownLatch.await")));
    }

    @Test
    void threadsCarryTheProcessNameAndAccessLogFilesTheUmask() throws Exception {
        Path accessLog = dir.resolve("access.log");
        settings.put("accesslog", accessLog.toString());
        settings.put("access_log_format", "%(h)s \"%(r)s\" %(s)s %(b)s %({x-test}i)s");
        Mounts mounts = new Mounts(List.of(new MountPoint("", ORIGIN, 0, 1, Set.of(), false, false)));
        server = new Server("live", Adjustments.parse(settings), () -> mounts, log.logger, log.logger, Map.of(),
                new ProcessIdentity("web1", 027));
        server.start();
        try (RawClient client = new RawClient(tcp())) {
            client.send("GET /a?b HTTP/1.1\r\nHost: x\r\nX-Test: yes\r\n\r\n").read();
        }
        awaitTrue(() -> Files.exists(accessLog) && readQuietly(accessLog).endsWith("\n"));
        assertTrue(readQuietly(accessLog).matches("127\\.0\\.0\\.1 \"GET /a\\?b HTTP/1\\.1\" 200 \\d+ yes\n"),
                readQuietly(accessLog));
        assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(accessLog)));
        assertTrue(Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().startsWith("web1-live-io-")));
    }

    private static String readQuietly(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return "";
        }
    }

    /**
     * A loop retired while a connection on it has output its client does not read: the connection
     * cannot move, and the loop's sweep still closes it after {@code channel_timeout}, which lets
     * go of the application thread waiting to write.
     */
    @Test
    void aRetiringLoopStillSweepsTheConnectionsThatCannotLeaveIt() throws Exception {
        CountDownLatch finished = new CountDownLatch(2);
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
        settings.put("workers", "2");
        settings.put("outbuf_high_watermark", "100000");
        start(flood);
        // one connection on each loop (round robin), neither read by its client
        try (RawClient first = new RawClient(tcp()); RawClient second = new RawClient(tcp())) {
            first.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
            second.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
            awaitTrue(() -> server.connectionCount() == 2);
            IoLoop retiring = server.loopsForTest().get(1);
            change("workers", "1", "channel_timeout", "1", "cleanup_interval", "1");
            assertEquals(1, server.workers());
            assertTrue(finished.await(20, TimeUnit.SECONDS), "both stalled connections were swept");
            awaitTrue(() -> server.connectionCount() == 0);
            assertFalse(server.loopsForTest().contains(retiring));
        }
    }

    @Test
    void aLoopKilledByAnUnexpectedThrowableIsReplaced() throws Exception {
        start(ORIGIN);
        IoLoop first = server.loopsForTest().get(0);
        first.execute(() -> {
            throw new IllegalStateException("a bug in the loop");
        });
        awaitTrue(() -> log.lines.stream().anyMatch(l -> l.contains("died; replacing it")));
        awaitTrue(() -> !server.loopsForTest().contains(first));
        try (RawClient client = new RawClient(tcp())) {
            assertTrue(get(client, "/").startsWith("127.0.0.1"), "the replacement accepts and serves");
        }
    }

    @Test
    void socketErrorsAreLoggedOnlyWithLogSocketErrors() throws Exception {
        HttpApplication large = (request, response) -> response.body().write(new byte[8 << 20]);
        start(large);
        resetMidResponse();
        awaitTrue(() -> log.lines.stream().anyMatch(l -> l.startsWith("DEBUG") && l.contains("socket error")));
        change("log_socket_errors", "false");
        log.lines.clear();
        resetMidResponse();
        try (RawClient client = new RawClient(tcp())) {
            // the server has handled the reset connection before it answers this one
            client.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n").read();
        }
        assertFalse(log.lines.stream().anyMatch(l -> l.contains("socket error")), log.lines.toString());
    }

    /** A client that asks for a large response and resets the connection as it starts reading. */
    private void resetMidResponse() throws IOException {
        java.net.Socket socket = new java.net.Socket();
        socket.connect(tcp());
        socket.getOutputStream().write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        socket.getInputStream().read(new byte[1]);
        socket.setSoLinger(true, 0);
        socket.close();
    }

    static void awaitTrue(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        Object monitor = new Object();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out");
            }
            synchronized (monitor) {
                monitor.wait(20);
            }
        }
    }
}
