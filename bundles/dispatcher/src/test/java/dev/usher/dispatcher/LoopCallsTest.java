package dev.usher.dispatcher;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.usher.api.HttpApplication;
import dev.usher.config.Adjustments;

/**
 * Blocking applications' calls on the I/O loop's own thread: quick ones run there, and a call
 * that blocks, or waits for its output to drain, releases the loop to a new thread, so that
 * the loop's other connections go on being served.
 */
class LoopCallsTest {

    private final RecordingLogger log = new RecordingLogger();
    private final Queue threads = new Queue();
    private Server server;

    /** The names of the threads the applications ran on, in order. */
    private static final class Queue extends ConcurrentLinkedQueue<String> {
        private static final long serialVersionUID = 1L;
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop();
        }
    }

    private InetSocketAddress start(Map<String, Object> extra, Map<String, HttpApplication> apps) throws Exception {
        Map<String, Object> settings = new HashMap<>(Map.of("listen", "127.0.0.1:0", "workers", "1"));
        settings.putAll(extra);
        Mounts mounts = LiveServerTest.mounts(apps);
        server = new Server("calls", Adjustments.parse(settings), () -> mounts, log.logger, log.logger);
        server.start();
        return LiveServerTest.tcpAddress(server);
    }

    private HttpApplication hello() {
        return (request, response) -> {
            threads.add(Thread.currentThread().getName());
            response.body().write("hello".getBytes(StandardCharsets.US_ASCII));
        };
    }

    @Test
    void quickBlockingCallsRunOnTheLoopsThread() throws Exception {
        InetSocketAddress address = start(Map.of(), Map.of("/warm", (request, response) -> response.body().write("warm".getBytes(StandardCharsets.US_ASCII)), "", hello()));
        try (RawClient client = new RawClient(address)) {
            // the server's first answers are slow, loading classes: the warm-up's application pays
            for (int i = 0; i < 500; i++) {
                assertEquals(200, client.send("GET /warm HTTP/1.1\r\nHost: x\r\n\r\n").read().status());
            }
            // a round of 20 calls all on the loop; a call that a loaded machine stalls for over a
            // millisecond is released, and sends its application to the pool for a second
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            boolean allOnTheLoop = false;
            while (!allOnTheLoop && System.nanoTime() < deadline) {
                threads.clear();
                for (int i = 0; i < 20; i++) {
                    assertEquals("hello", client.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n").read().text());
                }
                allOnTheLoop = threads.stream().allMatch(name -> name.endsWith("-io-0"));
            }
            assertTrue(allOnTheLoop, "no hand-off: " + threads);
        }
    }

    @Test
    void aCallThatBlocksReleasesTheLoopAndTheOtherConnectionsAreServed() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        HttpApplication waits = (request, response) -> {
            threads.add(Thread.currentThread().getName());
            entered.countDown();
            try {
                assertTrue(release.await(20, TimeUnit.SECONDS));
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            response.body().write("waited".getBytes(StandardCharsets.US_ASCII));
        };
        InetSocketAddress address = start(Map.of(), Map.of("/wait", waits, "", hello()));
        try (RawClient waiting = new RawClient(address); RawClient other = new RawClient(address)) {
            waiting.send("GET /wait HTTP/1.1\r\nHost: x\r\n\r\n");
            assertTrue(entered.await(10, TimeUnit.SECONDS));
            // the one loop is stuck in that call until the watch hands it to a new thread
            assertEquals("hello", other.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n").read().text());
            assertEquals("hello", other.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n").read().text());
            release.countDown();
            assertEquals("waited", waiting.read().text());
            // the connection whose call left the loop is served on as before
            assertEquals("hello", waiting.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n").read().text());
        }
        List<String> names = List.copyOf(threads);
        assertTrue(names.get(0).endsWith("-io-0"), "the first call ran on the loop: " + names);
        log.assertNoErrors();
    }

    @Test
    void aCallWaitingForItsOutputToDrainReleasesTheLoop() throws Exception {
        byte[] big = new byte[3_000_000];
        new Random(5).nextBytes(big);
        CountDownLatch writing = new CountDownLatch(1);
        HttpApplication large = (request, response) -> {
            threads.add(Thread.currentThread().getName());
            response.contentLength(big.length);
            writing.countDown();
            for (int at = 0; at < big.length; at += 50_000) {
                response.body().write(big, at, Math.min(50_000, big.length - at));
            }
        };
        InetSocketAddress address = start(Map.of("outbuf_high_watermark", "100000"),
                Map.of("/large", large, "", hello()));
        try (RawClient reader = new RawClient(address); RawClient other = new RawClient(address)) {
            // the client reads nothing yet: the call must wait for the loop to send what it holds
            reader.send("GET /large HTTP/1.1\r\nHost: x\r\n\r\n");
            assertTrue(writing.await(10, TimeUnit.SECONDS));
            assertEquals("hello", other.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n").read().text());
            RawClient.Response response = reader.read();
            assertArrayEquals(big, response.body());
            assertEquals("hello", reader.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n").read().text());
        }
        assertTrue(threads.peek().endsWith("-io-0"), "the large call started on the loop: " + threads);
    }

    @Test
    void aStopWaitsForACallReleasedFromItsLoop() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        HttpApplication waits = (request, response) -> {
            entered.countDown();
            try {
                release.await(20, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            response.body().write("waited".getBytes(StandardCharsets.US_ASCII));
        };
        InetSocketAddress address = start(Map.of("graceful_timeout", "20"), Map.of("", waits));
        try (RawClient client = new RawClient(address)) {
            client.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
            assertTrue(entered.await(10, TimeUnit.SECONDS));
            Thread stopping = new Thread(server::stop);
            stopping.start();
            release.countDown();
            assertEquals("waited", client.read().text());
            stopping.join();
            server = null;
        }
        assertTrue(Thread.getAllStackTraces().keySet().stream()
                .noneMatch(t -> t.getName().endsWith("-calls-loopwatch")), "the watch's thread ended");
    }
}
