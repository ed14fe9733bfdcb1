package dev.usher.dispatcher;

import static dev.usher.dispatcher.LiveServerTest.awaitTrue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.usher.api.HttpApplication;
import dev.usher.config.Adjustments;

/**
 * What a server does at its limits: requests beyond {@code connection_limit} wait in line (or
 * shed a stalled served connection), and each connection beyond {@code waiting_connection_limit}
 * sheds the waiting one furthest behind; a connection an application is answering is never
 * shed, so slow or idle clients cannot keep the next client out and busy ones are never cut off.
 */
class ConnectionLimitTest {

    private final RecordingLogger log = new RecordingLogger();
    private final Map<String, Object> settings = new HashMap<>(Map.of("listen", "127.0.0.1:0", "workers", "2"));
    private Server server;
    private final CountDownLatch release = new CountDownLatch(1);
    private final Semaphore entered = new Semaphore(0);

    /** Says hello and how many body bytes it read; on {@code /block}, first waits for {@link #release}. */
    private final HttpApplication app = (request, response) -> {
        if (request.pathInfo().equals("/block")) {
            entered.release();
            release.await(20, TimeUnit.SECONDS);
        }
        long read = request.body().transferTo(java.io.OutputStream.nullOutputStream());
        response.body().write(("hello " + read).getBytes(StandardCharsets.US_ASCII));
    };

    @AfterEach
    void stop() {
        release.countDown();
        if (server != null) {
            server.stop();
        }
    }

    private InetSocketAddress start(int served, int waiting) throws Exception {
        settings.put("connection_limit", Integer.toString(served));
        settings.put("waiting_connection_limit", Integer.toString(waiting));
        Mounts mounts = new Mounts(List.of(new MountPoint("", app, 0, 1, Set.of(), false, false)));
        server = new Server("limit", Adjustments.parse(settings), () -> mounts, log.logger, log.logger);
        server.start();
        return (InetSocketAddress) server.addresses().get(0);
    }

    /** Waits until {@code count} connections wait: the requests answered have handed their slots back. */
    private void awaitWaiting(int count) throws InterruptedException {
        awaitTrue(() -> server.pools().waiting() == count
                && server.pools().connectionsForTest().size() == server.connectionCount());
    }

    /** Has each client's request block in the application, holding a slot, until {@link #release}. */
    private void occupy(RawClient... clients) throws IOException, InterruptedException {
        for (RawClient client : clients) {
            client.send("GET /block HTTP/1.1\r\nHost: x\r\n\r\n");
        }
        assertTrue(entered.tryAcquire(clients.length, 10, TimeUnit.SECONDS));
    }

    private static String get(RawClient client, String path) throws IOException {
        return client.send("GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n").read().text();
    }

    @Test
    void requestsBeyondTheConnectionLimitWaitInLineUnreadAndAreAnswered() throws Exception {
        InetSocketAddress address = start(2, 100);
        try (RawClient one = new RawClient(address); RawClient two = new RawClient(address);
                RawClient third = new RawClient(address)) {
            occupy(one, two);
            third.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
            assertFalse(third.answersWithin(300), "two requests are served: the third waits in line");
            assertEquals(2, server.pools().served());
            release.countDown();
            assertEquals("hello 0", one.read().text());
            assertEquals("hello 0", two.read().text());
            assertEquals("hello 0", third.read().text());
            assertEquals("hello 0", get(one, "/"), "nothing was closed");
        }
        assertFalse(log.lines.stream().anyMatch(l -> l.contains("shed")), log.lines.toString());
    }

    /**
     * A request in line stops its connection being read only once more input arrives: the
     * selector would otherwise report that input on every wakeup, and the loop spin.
     */
    @Test
    void aConnectionInLineThatSendsMoreStopsBeingReadUntilAdmitted() throws Exception {
        InetSocketAddress address = start(1, 100);
        try (RawClient busy = new RawClient(address); RawClient next = new RawClient(address)) {
            occupy(busy);
            next.send("GET /one HTTP/1.1\r\nHost: x\r\n\r\n");
            awaitTrue(() -> server.pools().connectionsForTest().stream().anyMatch(Connection::inLineForTest));
            Connection inLine = server.pools().connectionsForTest().stream().filter(Connection::inLineForTest)
                    .findFirst().orElseThrow();
            assertTrue(inLine.readInterestForTest(), "waiting in line costs no interest change by itself");
            next.send("GET /two HTTP/1.1\r\nHost: x\r\n\r\n");
            awaitTrue(() -> !inLine.readInterestForTest());
            assertTrue(inLine.inLineForTest());
            release.countDown();
            assertEquals("hello 0", busy.read().text());
            assertEquals("hello 0", next.read().text());
            assertEquals("hello 0", next.read().text(), "the input that arrived while in line is answered");
            awaitTrue(inLine::readInterestForTest);
        }
    }

    /** Many more busy keep-alive clients than the limit: all are answered, none is closed. */
    @Test
    void busyClientsBeyondTheLimitAreAllAnsweredAndNoneIsShed() throws Exception {
        InetSocketAddress address = start(3, 100);
        List<CompletableFuture<Void>> clients = new ArrayList<>();
        for (int c = 0; c < 12; c++) {
            clients.add(CompletableFuture.runAsync(() -> {
                try (RawClient client = new RawClient(address)) {
                    for (int i = 0; i < 50; i++) {
                        assertEquals("hello 5", client.send("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\n"
                                + "hello").read().text());
                    }
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }));
        }
        CompletableFuture.allOf(clients.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        assertFalse(log.lines.stream().anyMatch(l -> l.contains("shed")), log.lines.toString());
    }

    @Test
    void raisingTheConnectionLimitAdmitsTheRequestsInLine() throws Exception {
        InetSocketAddress address = start(1, 100);
        try (RawClient busy = new RawClient(address); RawClient next = new RawClient(address)) {
            occupy(busy);
            next.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
            assertFalse(next.answersWithin(300));
            settings.put("connection_limit", "5");
            server.apply(Adjustments.parse(settings));
            assertEquals("hello 0", next.read().text());
            release.countDown();
            assertEquals("hello 0", busy.read().text(), "lowering or raising never closes connections");
        }
    }

    @Test
    void aServedConnectionStalledOnAClientThatDoesNotReadIsShedForARequestInLine() throws Exception {
        HttpApplication large = (request, response) -> response.body().write(new byte[8 << 20]);
        settings.put("connection_limit", "1");
        Mounts mounts = new Mounts(List.of(new MountPoint("/large", large, 0, 1, Set.of(), false, false),
                new MountPoint("", app, 0, 1, Set.of(), false, false)));
        server = new Server("limit", Adjustments.parse(settings), () -> mounts, log.logger, log.logger);
        server.start();
        InetSocketAddress address = (InetSocketAddress) server.addresses().get(0);
        try (RawClient stalled = new RawClient(address); RawClient next = new RawClient(address)) {
            stalled.send("GET /large HTTP/1.1\r\nHost: x\r\n\r\n");
            awaitTrue(() -> server.pools().served() == 1);
            assertEquals("hello 0", get(next, "/"), "the request got the stalled connection's slot");
            assertTrue(stalled.bytesUntilClosed() < 8 << 20, "the stalled response was cut off");
        }
        assertTrue(log.lines.stream().anyMatch(l -> l.startsWith("WARN Server limit: at connection_limit=1: requests "
                + "now shed")), log.lines.toString());
    }

    @Test
    void atTheWaitingLimitANewConnectionShedsTheOneIdleLongest() throws Exception {
        InetSocketAddress address = start(10, 2);
        try (RawClient first = new RawClient(address); RawClient second = new RawClient(address)) {
            assertEquals("hello 0", get(first, "/"));
            // the first request's task done: a client can have its answer before the task returns
            awaitWaiting(2);
            assertEquals("hello 0", get(second, "/"));
            awaitTrue(() -> server.pools().served() == 0);
            try (RawClient third = new RawClient(address)) {
                assertEquals("hello 0", get(third, "/"), "the new client is served at once");
                assertTrue(first.closedByServer(), "the connection idle longest made room");
                assertEquals("hello 0", get(second, "/"));
                assertEquals("hello 0", get(third, "/"));
            }
        }
        assertTrue(log.lines.stream().anyMatch(l -> l.startsWith("WARN Server limit: at waiting_connection_limit=2: "
                + "each new connection now sheds")), log.lines.toString());
    }

    @Test
    void aSilentConnectionIsShedBeforeOneThatBroughtBytes() throws Exception {
        InetSocketAddress address = start(10, 2);
        // 1,000 bytes of a head earn 2 s at 500 bytes a second: far more than the silent one is younger
        try (RawClient head = new RawClient(address); RawClient silent = new RawClient(address)) {
            head.send("GET / HTTP/1.1\r\nHost: x\r\nX-Long: " + "a".repeat(1000));
            long ahead = TimeUnit.SECONDS.toNanos(1);
            // both registered with their loops, the head read
            awaitTrue(() -> server.pools().connectionsForTest().size() == 2 && server.pools().connectionsForTest()
                    .stream().anyMatch(c -> c.paidUntil() - System.nanoTime() > ahead));
            try (RawClient next = new RawClient(address)) {
                assertEquals("hello 0", get(next, "/"));
                assertTrue(silent.closedByServer(), "the silent connection made room");
                head.send("\r\n\r\n");
                assertEquals("hello 0", head.read().text(), "the head went on");
            }
        }
    }

    @Test
    void aConnectionAnApplicationIsAnsweringIsNeverShed() throws Exception {
        InetSocketAddress address = start(10, 1);
        try (RawClient busy = new RawClient(address)) {
            occupy(busy);
            RawClient idle = new RawClient(address);
            assertEquals("hello 0", get(idle, "/"));
            awaitWaiting(1);
            try (RawClient next = new RawClient(address)) {
                assertEquals("hello 0", get(next, "/"));
                assertTrue(idle.closedByServer());
                awaitWaiting(1);
                try (RawClient after = new RawClient(address)) {
                    assertEquals("hello 0", get(after, "/"));
                }
                assertTrue(next.closedByServer(), "the waiting one was shed, not the busy one older than it");
                release.countDown();
                assertEquals("hello 0", busy.read().text());
            } finally {
                idle.close();
            }
        }
    }

    /**
     * Many more hostile connections than the connection limit, each reopened if the server closed
     * it: heads and bodies trickled in, connections opened and left silent, keep-alive connections
     * held idle. Within the waiting limit they are all kept, and every request of a client that
     * sends one whole is answered.
     */
    @Test
    void slowClientsWithinTheWaitingLimitAreHeldAndCostTheOthersNothing() throws Exception {
        InetSocketAddress address = start(5, 100);
        try (Attack attack = new Attack(address, 60)) {
            awaitTrue(() -> server.connectionCount() >= 60);
            for (int i = 0; i < 100; i++) {
                try (RawClient client = new RawClient(address)) {
                    assertEquals(200, client.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n").read().status());
                }
            }
            assertEquals(0, attack.closedByServer());
            assertEquals(List.of(), attack.failures());
        }
    }

    /** Hostile clients of four kinds, each reconnecting as soon as the server closes it. */
    private static final class Attack implements AutoCloseable {

        private static final String[] OPENINGS = {
            "", // silent
            "GET / HTTP/1.1\r\nHost: a\r\n", // a head, then a field line every 200 ms
            "POST /upload HTTP/1.1\r\nHost: a\r\nContent-Length: 100000\r\n\r\n", // a body, a byte every 200 ms
            "GET / HTTP/1.1\r\nHost: a\r\n\r\n", // one request, then held idle
        };
        private static final String[] TRICKLES = {null, "X-a: b\r\n", "b", null};

        private final InetSocketAddress address;
        private final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2);
        private final List<Socket> sockets = new CopyOnWriteArrayList<>();
        private final List<Thread> readers = new ArrayList<>();
        private final List<String> failures = new CopyOnWriteArrayList<>();
        private final AtomicInteger closedByServer = new AtomicInteger();
        private volatile boolean stopped;

        Attack(InetSocketAddress address, int connections) {
            this.address = address;
            for (int i = 0; i < connections; i++) {
                int kind = i % OPENINGS.length;
                Thread reader = new Thread(() -> hold(kind), "hostile-" + i);
                reader.setDaemon(true);
                readers.add(reader);
                reader.start();
            }
        }

        /** Opens a connection of {@code kind}, waits for the server to close it, and again. */
        private void hold(int kind) {
            while (!stopped) {
                try (Socket socket = new Socket()) {
                    sockets.add(socket);
                    if (stopped) {
                        // close() may have closed the others before this one was added
                        return;
                    }
                    socket.connect(address, 10_000);
                    socket.getOutputStream().write(OPENINGS[kind].getBytes(StandardCharsets.US_ASCII));
                    if (TRICKLES[kind] != null) {
                        byte[] trickle = TRICKLES[kind].getBytes(StandardCharsets.US_ASCII);
                        scheduler.scheduleAtFixedRate(() -> {
                            try {
                                socket.getOutputStream().write(trickle);
                            } catch (IOException closed) {
                                throw new IllegalStateException("stop trickling", closed);
                            }
                        }, 200, 200, TimeUnit.MILLISECONDS);
                    }
                    InputStream in = socket.getInputStream();
                    while (in.read(new byte[1024]) >= 0) {
                        // an idle keep-alive one reads its response, then waits like the rest
                    }
                    if (!stopped) {
                        closedByServer.incrementAndGet();
                    }
                } catch (IOException e) {
                    if (!stopped && !(e instanceof java.net.SocketException)) {
                        failures.add(e.toString());
                    } else if (!stopped) {
                        closedByServer.incrementAndGet();
                    }
                } finally {
                    sockets.removeIf(Socket::isClosed);
                }
            }
        }

        int closedByServer() {
            return closedByServer.get();
        }

        List<String> failures() {
            return failures;
        }

        @Override
        public void close() throws Exception {
            stopped = true;
            scheduler.shutdownNow();
            for (Socket socket : sockets) {
                socket.close();
            }
            for (Thread reader : readers) {
                reader.join(10_000);
            }
        }
    }
}
