package dev.usher.dispatcher;

import static dev.usher.dispatcher.LiveServerTest.awaitTrue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.usher.api.HttpApplication;
import dev.usher.config.Adjustments;
import dev.usher.dispatcher.monitor.ConnectionPhase;
import dev.usher.dispatcher.monitor.ConnectionStatus;
import dev.usher.dispatcher.monitor.DurationHistogram;
import dev.usher.dispatcher.monitor.MountStatus;
import dev.usher.dispatcher.monitor.ServerStatus;
import dev.usher.dispatcher.monitor.StatusClass;
import dev.usher.dispatcher.monitor.Traffic;

/**
 * What a server's status says: connections by the phase their loops see them in, the pool, and
 * what it counted (responses by mount and class, durations, bytes, refusals, spills,
 * configuration changes), and that {@code metrics=false} stops the counting.
 */
class ServerStatusTest {

    private final RecordingLogger log = new RecordingLogger();
    private final Map<String, Object> settings = new HashMap<>(Map.of("listen", "127.0.0.1:0", "workers", "2",
            "threads", "3", "inbuf_overflow", "1024", "outbuf_overflow", "4096"));
    private final CountDownLatch release = new CountDownLatch(1);
    private final CountDownLatch blocked = new CountDownLatch(1);
    private Server server;
    private Mounts mounts;

    /** {@code /app/block} waits for {@link #release}; {@code /app/big} sends 4 MiB; else reads the body and says how long it was. */
    private final HttpApplication app = (request, response) -> {
        switch (request.pathInfo()) {
            case "/block" -> {
                blocked.countDown();
                release.await(20, TimeUnit.SECONDS);
            }
            case "/big" -> {
                byte[] chunk = new byte[64 * 1024];
                OutputStream body = response.body();
                for (int i = 0; i < 64; i++) {
                    body.write(chunk);
                }
                return;
            }
            case "/fail" -> {
                response.status(503);
                return;
            }
            default -> { }
        }
        long read = request.body().transferTo(OutputStream.nullOutputStream());
        response.body().write(("read " + read).getBytes(StandardCharsets.US_ASCII));
    };

    private final HttpApplication hello = (request, response) -> response.body().write("hello".getBytes(
            StandardCharsets.US_ASCII));

    @AfterEach
    void stop() {
        release.countDown();
        if (server != null) {
            server.stop();
        }
    }

    private InetSocketAddress start() throws Exception {
        mounts = new Mounts(List.of(new MountPoint("/app", app, 0, 1, Set.of(), false, false),
                new MountPoint("", hello, 0, 2, Set.of(), true, false)));
        server = new Server("status", Adjustments.parse(settings), () -> mounts, log.logger, log.logger);
        server.start();
        return (InetSocketAddress) server.addresses().get(0);
    }

    private ServerStatus status() {
        return StatusSnapshots.of(server, null, mounts, application -> application == app ? "app" : "hello");
    }

    @Test
    void connectionsAreShownInThePhaseTheirLoopSeesThemIn() throws Exception {
        InetSocketAddress address = start();
        List<RawClient> clients = new ArrayList<>();
        try {
            RawClient inApplication = new RawClient(address).send("GET /app/block HTTP/1.1\r\nHost: x\r\n\r\n");
            clients.add(inApplication);
            assertTrue(blocked.await(10, TimeUnit.SECONDS));
            clients.add(new RawClient(address).send("GET / HTTP/1.1\r\nHo"));
            clients.add(new RawClient(address).send("POST /app HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc"));
            RawClient idle = new RawClient(address).send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
            clients.add(idle);
            assertEquals("hello", idle.read().text());

            Map<ConnectionPhase, Integer> expected = new EnumMap<>(ConnectionPhase.class);
            for (ConnectionPhase phase : ConnectionPhase.values()) {
                expected.put(phase, 0);
            }
            expected.put(ConnectionPhase.IN_APPLICATION, 1);
            expected.put(ConnectionPhase.READING_HEAD, 1);
            expected.put(ConnectionPhase.READING_BODY, 1);
            expected.put(ConnectionPhase.IDLE, 1);
            awaitTrue(() -> status().connections().equals(expected));

            ServerStatus status = status();
            assertEquals(4, status.openConnections());
            assertEquals(2, status.loops().size());
            assertEquals(4, status.loops().stream().mapToInt(l -> l.connections()).sum(), status.loops().toString());
            assertEquals("sync", status.pool().workerClass());
            assertEquals(3, status.pool().threads());
            assertEquals(1, status.pool().busy(), "the blocked call holds a permit wherever it runs");
            assertEquals(2, status.pool().idle());
            assertEquals(List.of("http://127.0.0.1:" + address.getPort()), status.listeners());
            assertEquals(List.of("/", "/app"), status.mounts().stream().map(MountStatus::prefix).toList());
            assertEquals(List.of("hello", "app"), status.mounts().stream().map(MountStatus::application).toList());
            assertTrue(status.mounts().get(0).nonblocking());

            List<ConnectionStatus> connections = StatusSnapshots.connections(server);
            assertEquals(4, connections.size());
            for (RawClient client : clients) {
                String remote = "127.0.0.1:" + client.localPort();
                assertTrue(connections.stream().anyMatch(c -> c.remote().equals(remote) && c.transport().equals("plain")
                        && c.server().equals("status")), remote + " in " + connections);
            }
            ConnectionStatus blockedOne = connections.stream()
                    .filter(c -> c.remote().equals("127.0.0.1:" + inApplication.localPort())).findFirst().orElseThrow();
            assertEquals(ConnectionPhase.IN_APPLICATION, blockedOne.phase());
            assertTrue(blockedOne.age().compareTo(blockedOne.idle()) >= 0);
        } finally {
            release.countDown();
            for (RawClient client : clients) {
                client.close();
            }
        }
    }

    @Test
    void responsesAreCountedByMountAndClassWithDurationsBytesRefusalsAndSpills() throws Exception {
        InetSocketAddress address = start();
        long sent = 0;
        try (RawClient client = new RawClient(address)) {
            for (int i = 0; i < 3; i++) {
                String request = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";
                sent += request.length();
                assertEquals(200, client.send(request).read().status());
            }
            String upload = "POST /app HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\n\r\n" + "u".repeat(5000);
            sent += upload.length();
            assertEquals("read 5000", client.send(upload).read().text());
            String fail = "GET /app/fail HTTP/1.1\r\nHost: x\r\n\r\n";
            sent += fail.length();
            assertEquals(503, client.send(fail).read().status());
        }
        try (RawClient big = new RawClient(address)) {
            // not read until it has gone to a file: 4 MiB beyond outbuf_overflow, for a client that waits
            big.send("GET /app/big HTTP/1.1\r\nHost: x\r\n\r\n");
            awaitTrue(() -> server.metrics().traffic(System.nanoTime()).spilledResponses() == 1);
            assertEquals(4 * 1024 * 1024, big.read().body().length);
        }
        try (RawClient refused = new RawClient(address)) {
            assertEquals(400, refused.send("GET / HTTP/1.1\r\nHost: x\r\nNo colon here\r\n\r\n").read().status());
        }

        // a task adds its requests as it ends, which may be just after its client read them
        awaitTrue(() -> status().traffic().requests() == 7);
        ServerStatus status = status();
        Traffic traffic = status.traffic();
        assertEquals(Map.of(StatusClass.INFORMATIONAL, 0L, StatusClass.SUCCESS, 5L, StatusClass.REDIRECTION, 0L,
                StatusClass.CLIENT_ERROR, 1L, StatusClass.SERVER_ERROR, 1L), traffic.answered());
        assertEquals(3L, traffic.answeredByMount().get("/").get(StatusClass.SUCCESS));
        assertEquals(2L, traffic.answeredByMount().get("/app").get(StatusClass.SUCCESS));
        assertEquals(1L, traffic.answeredByMount().get("/app").get(StatusClass.SERVER_ERROR));
        assertEquals(1L, traffic.answeredByMount().get(Traffic.NO_MOUNT).get(StatusClass.CLIENT_ERROR));
        assertEquals(Map.of(400, 1L), traffic.refusals());
        assertEquals(1, traffic.spilledRequests(), "5000 bytes beyond inbuf_overflow");
        assertEquals(1, traffic.spilledResponses());
        assertTrue(traffic.bytesIn() >= sent, traffic.bytesIn() + " received, " + sent + " sent");
        assertTrue(traffic.bytesOut() > 4 * 1024 * 1024, "bytes out " + traffic.bytesOut());
        DurationHistogram durations = traffic.durations();
        assertEquals(7, durations.count());
        assertEquals(7, durations.counts().stream().mapToLong(Long::longValue).sum());
        assertTrue(durations.sumSeconds() > 0);
        assertEquals(2L, status.mounts().get(1).answered().get(StatusClass.SUCCESS), "/app on its mount status");
        // the last minute holds whole seconds: once this one is over, it holds them all
        awaitTrue(() -> server.metrics().traffic(System.nanoTime()).lastMinute().answered().values().stream()
                .mapToLong(Long::longValue).sum() == 7);
        assertTrue(status().traffic().lastMinute().requestsPerSecond() > 0);
    }

    @Test
    void metricsFalseStopsTheCountingAndChangesAreCountedAppliedOrRefused() throws Exception {
        InetSocketAddress address = start();
        try (RawClient client = new RawClient(address)) {
            assertEquals(200, client.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n").read().status());
            awaitTrue(() -> status().traffic().requests() == 1);
            settings.put("metrics", "false");
            server.apply(Adjustments.parse(settings));
            assertFalse(status().metrics());
            assertEquals(200, client.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n").read().status());
            assertEquals(1, status().config().applied());

            try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
                Map<String, Object> clash = new HashMap<>(settings);
                clash.put("listen", "127.0.0.1:" + address.getPort() + " 127.0.0.1:" + taken.getLocalPort());
                server.apply(Adjustments.parse(clash));
            }
            ServerStatus status = status();
            assertEquals(1, status.config().applied());
            assertEquals(1, status.config().refused());
            assertNotNull(status.config().lastRefusal());
            assertTrue(status.config().lastRefusal().contains("cannot listen on 127.0.0.1:"), status.config().lastRefusal());

            settings.put("metrics", "true");
            server.apply(Adjustments.parse(settings));
            assertEquals(200, client.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n").read().status());
            assertEquals(2, status().config().applied());
        }
        // once the connection is gone, each of its tasks has added what it counted
        awaitTrue(() -> status().openConnections() == 0);
        assertEquals(2, status().traffic().requests(), "the first and the third: counted while metrics was true");
    }
}
