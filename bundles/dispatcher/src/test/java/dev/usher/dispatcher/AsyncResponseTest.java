package dev.usher.dispatcher;

import static dev.usher.dispatcher.LiveServerTest.awaitTrue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.usher.api.AsyncResponse;
import dev.usher.api.AsyncResponse.Ending;
import dev.usher.api.HttpApplication;
import dev.usher.config.Adjustments;

/**
 * Asynchronous responses ({@code HttpResponse.startAsync}): the application returns from
 * {@code handle} and answers later from its own thread; timeouts, clients leaving and a stop end
 * them and tell the application. No application thread is held while they wait.
 */
class AsyncResponseTest {

    private static final String GET_WAIT = "GET /wait HTTP/1.1\r\nHost: x\r\n\r\n";

    private final RecordingLogger log = new RecordingLogger();
    private final AtomicReference<Mounts> mounts = new AtomicReference<>();
    /** The responses waiting, in the order their requests came. */
    private final BlockingQueue<AsyncResponse> waiting = new LinkedBlockingQueue<>();
    /** Why responses ended without the application ending them. */
    private final BlockingQueue<Ending> endings = new LinkedBlockingQueue<>();
    private Server server;
    private InetSocketAddress address;

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop();
        }
    }

    /** Starts an asynchronous response (with a timeout of {@code ?ms}, if given) and returns. */
    private HttpApplication waits() {
        return (request, response) -> {
            String query = request.query();
            AsyncResponse async = query.startsWith("ms=")
                    ? response.startAsync(Duration.ofMillis(Long.parseLong(query.substring(3))))
                    : response.startAsync();
            async.onEnd(endings::add);
            waiting.add(async);
        };
    }

    private void start(Map<String, Object> extra, Map<String, HttpApplication> apps) throws Exception {
        Map<String, Object> settings = new HashMap<>(Map.of("listen", "127.0.0.1:0", "workers", "1", "threads", "1",
                "connection_limit", "1000"));
        settings.putAll(extra);
        mount(apps);
        server = new Server("async", Adjustments.parse(settings), mounts::get, log.logger, log.logger);
        server.start();
        address = LiveServerTest.tcpAddress(server);
    }

    private void mount(Map<String, HttpApplication> apps) {
        mounts.set(LiveServerTest.mounts(apps));
    }

    private AsyncResponse next() throws InterruptedException {
        AsyncResponse async = waiting.poll(10, TimeUnit.SECONDS);
        assertNotNull(async, "the application was called");
        return async;
    }

    private static void write(AsyncResponse async, String text) throws IOException {
        async.response().body().write(text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void manyMoreResponsesWaitThanThereAreThreadsAndAreAnsweredFromAnotherThread() throws Exception {
        start(Map.of(), Map.of("/wait", waits()));
        int clients = 300;
        List<RawClient> clientsWaiting = new ArrayList<>();
        try {
            for (int i = 0; i < clients; i++) {
                clientsWaiting.add(new RawClient(address).send(GET_WAIT));
            }
            List<AsyncResponse> responses = new ArrayList<>();
            for (int i = 0; i < clients; i++) {
                responses.add(next());
            }
            // threads=1: every one of them waits, none holds the thread
            for (AsyncResponse async : responses) {
                write(async, "message");
                assertTrue(async.complete());
                assertFalse(async.complete(), "it ends once");
                assertFalse(async.isOpen());
            }
            for (RawClient client : clientsWaiting) {
                RawClient.Response response = client.read();
                assertEquals(200, response.status());
                assertEquals("7", response.header("Content-Length"));
                assertEquals("message", response.text());
                // the connection serves on
                client.send(GET_WAIT);
            }
            for (int i = 0; i < clients; i++) {
                next().complete();
            }
            for (RawClient client : clientsWaiting) {
                assertEquals(200, client.read().status());
            }
        } finally {
            for (RawClient client : clientsWaiting) {
                client.close();
            }
        }
        assertTrue(endings.isEmpty(), "the application ended them all: " + endings);
        log.assertNoErrors();
    }

    @Test
    void anotherRequestsCallAnswersEveryWaitingResponseEachWithItsOwnBody() throws Exception {
        // the demo's fan-out: a POST's call completes the waiting responses from a server thread
        start(Map.of(), Map.of("/wait", waits(), "/post", (request, response) -> {
            int i = 0;
            for (AsyncResponse async; (async = waiting.poll()) != null; i++) {
                write(async, "message " + i);
                async.complete();
            }
            response.body().write(("answered " + i).getBytes(StandardCharsets.US_ASCII));
        }));
        List<RawClient> clients = new ArrayList<>();
        try {
            for (int i = 0; i < 50; i++) {
                clients.add(new RawClient(address).send(GET_WAIT));
            }
            awaitTrue(() -> waiting.size() == 50);
            try (RawClient poster = new RawClient(address)) {
                assertEquals("answered 50", poster.send("GET /post HTTP/1.1\r\nHost: x\r\n\r\n").read().text());
            }
            Set<String> bodies = new java.util.HashSet<>();
            for (RawClient client : clients) {
                bodies.add(client.read().text());
            }
            assertEquals(50, bodies.size(), "each its own body: " + bodies);
        } finally {
            for (RawClient client : clients) {
                client.close();
            }
        }
        log.assertNoErrors();
    }

    @Test
    void aTimeoutAnswers503AndTellsTheApplication() throws Exception {
        start(Map.of(), Map.of("/wait", waits()));
        try (RawClient client = new RawClient(address)) {
            RawClient.Response response = client.send("GET /wait?ms=100 HTTP/1.1\r\nHost: x\r\n\r\n").read();
            assertEquals(503, response.status());
            assertEquals(Ending.TIMED_OUT, endings.poll(10, TimeUnit.SECONDS));
            AsyncResponse async = next();
            assertFalse(async.isOpen());
            assertFalse(async.complete(), "too late");
            assertThrowsIo(() -> write(async, "late"));
            // and the connection goes on
            client.send(GET_WAIT);
            next().complete();
            assertEquals(200, client.read().status());
        }
        log.assertNoErrors();
    }

    private interface IoAction {
        void run() throws IOException;
    }

    private static void assertThrowsIo(IoAction action) {
        try {
            action.run();
        } catch (IOException expected) {
            return;
        }
        throw new AssertionError("no IOException");
    }

    @Test
    void aStreamWrittenFromAnotherThreadArrivesAsItIsFlushedAndATimeoutAfterTheHeadClosesTheConnection()
            throws Exception {
        start(Map.of(), Map.of("/wait", waits()));
        try (RawClient client = new RawClient(address)) {
            client.send("GET /wait?ms=1500 HTTP/1.1\r\nHost: x\r\n\r\n");
            AsyncResponse async = next();
            async.response().setHeader("Content-Type", "text/event-stream");
            for (int i = 0; i < 3; i++) {
                write(async, "data: " + i + "\n\n");
                async.response().body().flush();
                String read = client.readUntil("data: " + i + "\n\n");
                assertNotNull(read, "event " + i + " arrived");
                if (i == 0) {
                    assertTrue(read.startsWith("HTTP/1.1 200 "), read);
                    assertTrue(read.contains("Transfer-Encoding: chunked"), read);
                }
            }
            // the head went long ago: the timeout can only cut the stream short
            assertEquals(Ending.TIMED_OUT, endings.poll(10, TimeUnit.SECONDS));
            assertNull(client.readUntil("0\r\n\r\n"), "no last chunk: the connection closed");
        }
        awaitTrue(() -> server.pools().connectionsForTest().isEmpty());
    }

    @Test
    void aClientThatLeavesEndsItsResponseAndTellsTheApplication() throws Exception {
        start(Map.of(), Map.of("/wait", waits()));
        RawClient leaving = new RawClient(address).send(GET_WAIT);
        AsyncResponse async = next();
        leaving.close();
        assertEquals(Ending.CLIENT_LEFT, endings.poll(10, TimeUnit.SECONDS));
        assertFalse(async.isOpen());
        assertFalse(async.complete());
        awaitTrue(() -> server.pools().connectionsForTest().isEmpty());
        log.assertNoErrors();
    }

    @Test
    void aGracefulStopClosesWhatStillWaitsAtGracefulTimeoutAndTellsTheApplication() throws Exception {
        start(Map.of("graceful_timeout", "1"), Map.of("/wait", waits()));
        try (RawClient client = new RawClient(address).send(GET_WAIT)) {
            AsyncResponse async = next();
            server.stop();
            server = null;
            assertEquals(Ending.SERVER_STOPPED, endings.poll(10, TimeUnit.SECONDS));
            assertFalse(async.isOpen());
            assertTrue(client.closedByServer());
        }
        assertTrue(Thread.getAllStackTraces().keySet().stream()
                .noneMatch(t -> t.getName().endsWith("-async-timer")), "the timer's thread ended");
    }

    @Test
    void requestsPipelinedBehindAWaitingResponseAreAnsweredAfterItInOrder() throws Exception {
        start(Map.of(), Map.of("/wait", waits(), "/now", (request, response) -> response.body().write(
                "now".getBytes(StandardCharsets.US_ASCII))));
        try (RawClient client = new RawClient(address)) {
            client.send(GET_WAIT + "GET /now HTTP/1.1\r\nHost: x\r\n\r\n");
            AsyncResponse async = next();
            write(async, "first");
            async.complete();
            assertEquals("first", client.read().text());
            assertEquals("now", client.read().text());
        }
        log.assertNoErrors();
    }

    @Test
    void anExceptionAfterStartAsyncFailsTheResponse() throws Exception {
        start(Map.of(), Map.of("/wait", (request, response) -> {
            AsyncResponse async = response.startAsync();
            async.onEnd(endings::add);
            throw new IllegalStateException("boom");
        }));
        try (RawClient client = new RawClient(address)) {
            assertEquals(500, client.send(GET_WAIT).read().status());
        }
        assertTrue(log.lines.stream().anyMatch(line -> line.startsWith("ERROR") && line.contains("Application failed")),
                log.lines.toString());
        assertTrue(endings.isEmpty(), "a failure is not an ending the application is told of");
    }

    @Test
    void aResponseCompletedBeforeHandleReturnsIsAnsweredAtOnce() throws Exception {
        start(Map.of(), Map.of("/wait", (request, response) -> {
            AsyncResponse async = response.startAsync(Duration.ofSeconds(30));
            Thread other = new Thread(() -> {
                try {
                    write(async, "raced");
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
                async.complete();
            });
            other.start();
            other.join();
        }));
        try (RawClient client = new RawClient(address)) {
            for (int i = 0; i < 3; i++) {
                assertEquals("raced", client.send(GET_WAIT).read().text());
            }
        }
        log.assertNoErrors();
    }

    @Test
    void anApplicationUnregisteredWhileItsResponsesWaitCanStillAnswerThem() throws Exception {
        start(Map.of(), Map.of("/wait", waits()));
        try (RawClient client = new RawClient(address).send(GET_WAIT)) {
            AsyncResponse async = next();
            mount(Map.of());
            write(async, "after");
            assertTrue(async.complete());
            assertEquals("after", client.read().text());
            assertEquals(404, client.send(GET_WAIT).read().status());
        }
        log.assertNoErrors();
    }
}
