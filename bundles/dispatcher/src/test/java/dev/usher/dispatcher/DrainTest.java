package dev.usher.dispatcher;

import static dev.usher.dispatcher.LiveServerTest.awaitTrue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.usher.api.HttpApplication;
import dev.usher.config.Adjustments;

/**
 * A stopping server loses no request: a keep-alive client that sends its next request while the
 * server drains has it answered, with {@code Connection: close}; only connections that stay
 * silent are closed without an answer; and the stop ends as soon as the last response is sent.
 */
class DrainTest {

    private final RecordingLogger log = new RecordingLogger();
    private Server server;
    private CompletableFuture<Void> stopped;

    /** Answers with the length of the body it read. */
    private static final HttpApplication LENGTH = (request, response) -> response.body().write(
            Long.toString(request.body().transferTo(java.io.OutputStream.nullOutputStream()))
                    .getBytes(StandardCharsets.US_ASCII));

    @AfterEach
    void stop() {
        if (stopped == null && server != null) {
            server.stop();
        }
    }

    private InetSocketAddress start() throws Exception {
        Mounts mounts = new Mounts(List.of(new MountPoint("", LENGTH, 0, 1, Set.of(), false, false)));
        // graceful_timeout far above anything awaited here: a stop that waits it out fails the test
        server = new Server("drain", Adjustments.parse(Map.of("listen", "127.0.0.1:0", "workers", "2",
                "graceful_timeout", "60")), () -> mounts, log.logger, log.logger);
        server.start();
        return (InetSocketAddress) server.addresses().get(0);
    }

    /** Starts stopping the server on another thread, and waits until it drains. */
    private void beginStop() throws InterruptedException {
        stopped = CompletableFuture.runAsync(server::stop);
        awaitTrue(server::stopping);
    }

    private void awaitStopped() throws Exception {
        stopped.get(20, TimeUnit.SECONDS);
        assertFalse(log.lines.stream().anyMatch(l -> l.contains("still busy after graceful_timeout")), log.lines.toString());
    }

    @Test
    void aKeepAliveClientsNextRequestIsAnsweredWithConnectionClose() throws Exception {
        InetSocketAddress address = start();
        try (RawClient client = new RawClient(address)) {
            assertEquals("0", client.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n").read().text());
            beginStop();
            RawClient.Response next = client.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n").read();
            assertEquals(200, next.status());
            assertEquals("close", next.header("Connection"));
            assertTrue(client.closedByServer());
        }
        awaitStopped();
    }

    @Test
    void aBodyThatEndsDuringTheDrainIsAnsweredAndTheStopEndsWithIt() throws Exception {
        InetSocketAddress address = start();
        try (RawClient client = new RawClient(address)) {
            client.send("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n" + "a".repeat(50));
            awaitTrue(() -> server.connectionCount() == 1);
            beginStop();
            RawClient.Response answer = client.send("a".repeat(50)).read();
            assertEquals("100", answer.text());
            assertEquals("close", answer.header("Connection"));
            assertTrue(client.closedByServer());
            awaitStopped();
        }
    }

    @Test
    void aConnectionSilentThroughTheDrainIsClosedAndTheStopEnds() throws Exception {
        InetSocketAddress address = start();
        try (RawClient idle = new RawClient(address); RawClient fresh = new RawClient(address)) {
            assertEquals("0", idle.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n").read().text());
            awaitTrue(() -> server.connectionCount() == 2);
            beginStop();
            assertTrue(idle.closedByServer());
            assertTrue(fresh.closedByServer(), "a connection that never sent a byte too");
            awaitStopped();
        }
    }

    @Test
    void pipelinedRequestsBehindTheLastAnsweredOneAreLeftForTheClientToRetry() throws Exception {
        InetSocketAddress address = start();
        try (RawClient client = new RawClient(address)) {
            assertEquals("0", client.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n").read().text());
            beginStop();
            client.send("GET /1 HTTP/1.1\r\nHost: x\r\n\r\nGET /2 HTTP/1.1\r\nHost: x\r\n\r\n");
            RawClient.Response first = client.read();
            assertEquals(200, first.status());
            assertEquals("close", first.header("Connection"), "the client learns /2 was not answered");
            assertTrue(client.closedByServer());
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        awaitStopped();
    }
}
