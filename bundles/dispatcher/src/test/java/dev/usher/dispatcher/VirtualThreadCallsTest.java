package dev.usher.dispatcher;

import static dev.usher.dispatcher.LiveServerTest.awaitTrue;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.usher.api.HttpApplication;
import dev.usher.config.Adjustments;

/**
 * {@code worker_class=virtual}: every blocking call on a virtual thread of its own, so that many
 * more requests wait at once than there are {@code threads}. Runs on Java 21 or later (CI runs
 * this module a second time on Java 25, with {@code -Dusher.test.virtual=true}, which makes a
 * skip a failure); skipped on Java 17, where the setting is refused ({@code AdjustmentsTest}).
 */
class VirtualThreadCallsTest {

    private static final String GET_WAIT = "GET /wait HTTP/1.1\r\nHost: x\r\n\r\n";

    private final RecordingLogger log = new RecordingLogger();
    private final ConcurrentLinkedQueue<Thread> callThreads = new ConcurrentLinkedQueue<>();
    private final AtomicReference<Mounts> mounts = new AtomicReference<>();
    private Server server;
    private InetSocketAddress address;
    private CountDownLatch release = new CountDownLatch(1);
    private final AtomicInteger entered = new AtomicInteger();

    /** Set by CI's second pass, on Java 25: there the tests must run, not skip. */
    static final boolean REQUIRED = Boolean.getBoolean("usher.test.virtual");

    @BeforeEach
    void virtualThreads() {
        if (REQUIRED) {
            assertTrue(Runtime.version().feature() >= 21, "usher.test.virtual needs Java 21 or later");
        }
        assumeTrue(Runtime.version().feature() >= 21, "virtual threads need Java 21");
    }

    @AfterEach
    void stop() {
        release.countDown();
        if (server != null) {
            server.stop();
        }
    }

    /** Waits for {@link #release} (at most 20 s), then answers "waited". */
    private HttpApplication waits() {
        return (request, response) -> {
            callThreads.add(Thread.currentThread());
            entered.incrementAndGet();
            if (!release.await(20, TimeUnit.SECONDS)) {
                throw new IllegalStateException("never released");
            }
            response.body().write("waited".getBytes(StandardCharsets.US_ASCII));
        };
    }

    private void start(Map<String, Object> extra, Map<String, HttpApplication> apps) throws Exception {
        Map<String, Object> settings = new HashMap<>(Map.of("listen", "127.0.0.1:0", "workers", "1",
                "worker_class", "virtual", "threads", "2", "connection_limit", "1000"));
        settings.putAll(extra);
        mount(apps);
        server = new Server("virtual", Adjustments.parse(settings), mounts::get, log.logger, log.logger);
        server.start();
        address = LiveServerTest.tcpAddress(server);
    }

    private void mount(Map<String, HttpApplication> apps) {
        mounts.set(LiveServerTest.mounts(apps));
    }

    private static boolean isVirtual(Thread thread) {
        try {
            return (Boolean) Thread.class.getMethod("isVirtual").invoke(thread);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void farMoreCallsWaitAtOnceThanThereAreThreads() throws Exception {
        start(Map.of(), Map.of("/wait", waits()));
        int clients = 200;
        List<RawClient> waiting = new ArrayList<>();
        try {
            for (int i = 0; i < clients; i++) {
                waiting.add(new RawClient(address).send(GET_WAIT));
            }
            // threads=2, yet every call is in its application at once
            awaitTrue(() -> entered.get() == clients);
            assertEquals(clients, server.applicationCalls().virtualCallsRunning());
            release.countDown();
            for (RawClient client : waiting) {
                assertEquals("waited", client.read().text());
            }
        } finally {
            for (RawClient client : waiting) {
                client.close();
            }
        }
        assertTrue(callThreads.stream().allMatch(VirtualThreadCallsTest::isVirtual), "every call on a virtual thread");
        assertTrue(callThreads.stream().allMatch(t -> t.getName().startsWith("usher-virtual-virtual-")),
                callThreads.peek().getName());
        awaitTrue(() -> server.applicationCalls().virtualCallsRunning() == 0);
        log.assertNoErrors();
    }

    @Test
    void theTimeoutInterruptsAVirtualCall() throws Exception {
        start(Map.of("timeout", "1", "cleanup_interval", "1", "asyncore_loop_timeout", "1"), Map.of("/wait", waits()));
        try (RawClient client = new RawClient(address)) {
            // interrupted, the application's wait throws: 500, and the call's thread is free
            assertEquals(500, client.send(GET_WAIT).read().status());
        }
        assertTrue(log.lines.stream().anyMatch(line -> line.contains("exceeded timeout=1s; interrupting it")),
                log.lines.toString());
        awaitTrue(() -> server.applicationCalls().virtualCallsRunning() == 0);
    }

    @Test
    void aVirtualCallWaitsForItsOutputToDrainAboveTheHighWatermark() throws Exception {
        // more than loopback's socket buffers take
        byte[] big = new byte[24_000_000];
        new Random(7).nextBytes(big);
        AtomicInteger written = new AtomicInteger();
        HttpApplication large = (request, response) -> {
            response.contentLength(big.length);
            for (int at = 0; at < big.length; at += 500_000) {
                response.body().write(big, at, Math.min(500_000, big.length - at));
                written.addAndGet(Math.min(500_000, big.length - at));
            }
        };
        start(Map.of("outbuf_high_watermark", "100000"), Map.of("/large", large));
        try (RawClient reader = new RawClient(address)) {
            reader.send("GET /large HTTP/1.1\r\nHost: x\r\n\r\n");
            // the client reads nothing: the writer stops somewhere short of the whole body
            awaitTrue(() -> written.get() > 0);
            awaitTrue(() -> server.pools().connectionsForTest().stream().anyMatch(c -> c.pendingForTest() > 100_000));
            assertTrue(written.get() < big.length, "the writer waits: " + written.get());
            assertArrayEquals(big, reader.read().body());
        }
        assertEquals(big.length, written.get());
        log.assertNoErrors();
    }

    @Test
    void aClientThatLeavesWhileItsCallWaitsCostsNothingOnceTheCallEnds() throws Exception {
        start(Map.of(), Map.of("/wait", waits()));
        RawClient leaving = new RawClient(address).send(GET_WAIT);
        try (RawClient staying = new RawClient(address).send(GET_WAIT)) {
            awaitTrue(() -> entered.get() == 2);
            leaving.close();
            release.countDown();
            assertEquals("waited", staying.read().text());
            // the answer to the client that left goes nowhere; its connection closes
            awaitTrue(() -> server.pools().connectionsForTest().size() == 1);
        }
        awaitTrue(() -> server.applicationCalls().virtualCallsRunning() == 0);
        log.assertNoErrors();
    }

    @Test
    void aGracefulStopEndsWaitingCallsWithinGracefulTimeout() throws Exception {
        start(Map.of("graceful_timeout", "1"), Map.of("/wait", waits()));
        try (RawClient one = new RawClient(address).send(GET_WAIT);
                RawClient two = new RawClient(address).send(GET_WAIT)) {
            awaitTrue(() -> entered.get() == 2);
            long start = System.nanoTime();
            server.stop();
            long stopMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            server = null;
            // interrupted at the deadline: the calls end, their connections with them
            assertTrue(stopMillis < 10_000, "stopped in " + stopMillis + " ms");
            assertTrue(one.closedByServer() || one.read() != null);
            assertTrue(two.closedByServer() || two.read() != null);
        }
        for (Thread thread : callThreads) {
            thread.join(TimeUnit.SECONDS.toMillis(10));
            assertFalse(thread.isAlive(), "the call's thread ended");
        }
    }

    @Test
    void anApplicationUnregisteredWhileItsCallsWaitLetsThemFinish() throws Exception {
        start(Map.of(), Map.of("/wait", waits()));
        try (RawClient client = new RawClient(address).send(GET_WAIT)) {
            awaitTrue(() -> entered.get() == 1);
            mount(Map.of());
            release.countDown();
            assertEquals("waited", client.read().text());
            assertEquals(404, client.send(GET_WAIT).read().status());
        }
        log.assertNoErrors();
    }

    @Test
    void asynchronousResponsesWaitingWhileTheWorkerClassChangesAreAnsweredAsBefore() throws Exception {
        ConcurrentLinkedQueue<dev.usher.api.AsyncResponse> asyncWaiting = new ConcurrentLinkedQueue<>();
        start(Map.of("worker_class", "sync"), Map.of("/async", (request, response) -> {
            callThreads.add(Thread.currentThread());
            asyncWaiting.add(response.startAsync());
        }));
        Map<String, Object> settings = new HashMap<>(Map.of("listen", "127.0.0.1:0", "workers", "1", "threads", "2",
                "connection_limit", "1000"));
        try (RawClient onPool = new RawClient(address).send("GET /async HTTP/1.1\r\nHost: x\r\n\r\n")) {
            awaitTrue(() -> asyncWaiting.size() == 1);
            settings.put("worker_class", "virtual");
            server.apply(Adjustments.parse(settings));
            try (RawClient onVirtual = new RawClient(address).send("GET /async HTTP/1.1\r\nHost: x\r\n\r\n")) {
                awaitTrue(() -> asyncWaiting.size() == 2);
                settings.put("worker_class", "sync");
                server.apply(Adjustments.parse(settings));
                for (dev.usher.api.AsyncResponse async : asyncWaiting) {
                    async.response().body().write("later".getBytes(StandardCharsets.US_ASCII));
                    assertTrue(async.complete());
                }
                assertEquals("later", onPool.read().text());
                assertEquals("later", onVirtual.read().text());
            }
        }
        List<Thread> threads = List.copyOf(callThreads);
        assertFalse(isVirtual(threads.get(0)));
        assertTrue(isVirtual(threads.get(1)));
        log.assertNoErrors();
    }

    @Test
    void theWorkerClassChangesLiveWithCallsInFlight() throws Exception {
        start(Map.of("worker_class", "sync"), Map.of("/wait", waits()));
        Map<String, Object> settings = new HashMap<>(Map.of("listen", "127.0.0.1:0",
                "workers", "1", "threads", "2", "connection_limit", "1000"));
        try (RawClient onPool = new RawClient(address).send(GET_WAIT)) {
            awaitTrue(() -> entered.get() == 1);
            settings.put("worker_class", "virtual");
            server.apply(Adjustments.parse(settings));
            try (RawClient onVirtual = new RawClient(address).send(GET_WAIT)) {
                awaitTrue(() -> entered.get() == 2);
                settings.put("worker_class", "sync");
                server.apply(Adjustments.parse(settings));
                release.countDown();
                assertEquals("waited", onPool.read().text());
                assertEquals("waited", onVirtual.read().text());
            }
            release = new CountDownLatch(0);
            assertEquals("waited", onPool.send(GET_WAIT).read().text());
        }
        List<Thread> threads = List.copyOf(callThreads);
        assertFalse(isVirtual(threads.get(0)), "before the change: the pool");
        assertTrue(isVirtual(threads.get(1)), "after it: a virtual thread " + threads + log.lines);
        assertFalse(isVirtual(threads.get(2)), "back on the pool");
        log.assertNoErrors();
    }
}
