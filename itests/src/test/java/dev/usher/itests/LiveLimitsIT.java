package dev.usher.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

import dev.usher.itests.ClientConnection.Response;

/**
 * Limits and timeouts changed on the running server, and configurations it must refuse: each
 * test holds an idle keep-alive connection and a request in flight across the changes.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class LiveLimitsIT extends UsherTestSupport {

    /** How long a connection that must get no answer is watched. */
    private static final Duration NO_ANSWER = Duration.ofMillis(500);

    @Configuration
    public Option[] configuration() {
        return UsherOptions.withDemo();
    }

    @Test
    public void loweredLimitsApplyFromTheNextRequest() throws Exception {
        int port = freePort();
        org.osgi.service.cm.Configuration configuration =
                configureDefaultServer("listen", "127.0.0.1:" + port, "max_request_body_size", "100000");
        assertHello(awaitAnswer(port, "/"));
        SlowApplication slow = mountSlow("/slow", port);
        byte[] large = new byte[10_000];
        new Random(7).nextBytes(large);
        byte[] small = new byte[500];
        new Random(8).nextBytes(small);
        String longValue = "v".repeat(3_000);

        try (ClientConnection idle = ClientConnection.open(port);
                ClientConnection inFlight = ClientConnection.open(port)) {
            assertHello(idle.get("/"));
            assertEcho(idle.request("POST", "/echo", Map.of(), large), large);
            assertHello(idle.request("GET", "/", Map.of("X-Long", longValue), new byte[0]));
            slow.begin(inFlight, "limits");

            reconfigure(configuration, "listen", "127.0.0.1:" + port, "max_request_body_size", "1000",
                    "max_request_header_size", "2048");

            try (ClientConnection fresh = ClientConnection.open(port)) {
                Response tooLarge = fresh.request("POST", "/echo", Map.of(), large);
                assertEquals("a 10000-byte body with max_request_body_size=1000: " + tooLarge, 413, tooLarge.status());
            }
            try (ClientConnection fresh = ClientConnection.open(port)) {
                Response tooLong = fresh.request("GET", "/", Map.of("X-Long", longValue), new byte[0]);
                assertEquals("a 3000-byte field with max_request_header_size=2048: " + tooLong, 431,
                        tooLong.status());
            }
            assertEcho(idle.request("POST", "/echo", Map.of(), small), small);
            assertHello(idle.get("/"));

            slow.release();
            slow.assertFinished(inFlight, "limits");
            assertHello(inFlight.get("/"));

            // the idle connection, opened under the old limit, gets the new one too
            Response tooLarge = idle.request("POST", "/echo", Map.of(), large);
            assertEquals("a 10000-byte body on the old connection: " + tooLarge, 413, tooLarge.status());
        }
    }

    @Test
    public void badConfigurationKeepsTheOldServer() throws Exception {
        int[] ports = freePorts(3);
        int port = ports[0];
        int other = ports[1];
        int held = ports[2];
        org.osgi.service.cm.Configuration configuration =
                configureDefaultServer("listen", "127.0.0.1:" + port, "ident", "before", "threads", "2");
        assertServer("before", awaitAnswer(port, "/"));
        SlowApplication slow = mountSlow("/slow", port);

        try (ClientConnection idle = ClientConnection.open(port);
                ClientConnection inFlight = ClientConnection.open(port)) {
            assertServer("before", idle.get("/"));
            slow.begin(inFlight, "bad-configurations");

            String refusal = reconfigureRefused(configuration, "server default keeps its settings",
                    "listen", "127.0.0.1:" + other, "ident", "after", "threads", "zero");
            assertContains(refusal, "threads");
            assertOldSettings(port, other, idle);

            refusal = reconfigureRefused(configuration, "server default keeps its settings",
                    "host", "127.0.0.1", "port", "99999", "ident", "after");
            assertContains(refusal, "port");
            assertOldSettings(port, other, idle);

            try (ServerSocket holder = new ServerSocket()) {
                holder.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), held));
                refusal = reconfigureRefused(configuration, "keeping the current settings",
                        "listen", "127.0.0.1:" + held, "ident", "after");
                assertContains(refusal, "Server default: cannot listen on");
                assertContains(refusal, String.valueOf(held));
                assertOldSettings(port, other, idle);
            }

            assertEquals("still one server", 1, serverSettings().length);
            // the request held since before the first bad configuration
            slow.release();
            slow.assertFinished(inFlight, "bad-configurations");

            // a good configuration after the bad ones applies in full
            reconfigure(configuration, "listen", "127.0.0.1:" + other, "ident", "after", "threads", "2");
            assertServer("after", awaitAnswer(other, "/"));
            awaitRefused(port);
            assertServer("after", idle.get("/"));
            assertServer("after", inFlight.get("/"));
        }
    }

    private static void assertOldSettings(int port, int other, ClientConnection idle) throws Exception {
        assertServer("before", ClientConnection.get(port, "/"));
        assertServer("before", idle.get("/"));
        assertTrue("nothing listens on " + other, ClientConnection.refuses(other));
    }

    /**
     * {@code connection_limit} lowered to the one request in service: the next request waits in
     * line, unanswered, and is answered once the first is; and {@code waiting_connection_limit}
     * lowered to the idle connection: the next connection sheds it. Nothing is closed by the
     * changes themselves.
     */
    @Test
    public void connectionLimitsAppliedLive() throws Exception {
        int port = freePort();
        org.osgi.service.cm.Configuration configuration = configureDefaultServer("listen", "127.0.0.1:" + port);
        assertHello(awaitAnswer(port, "/"));
        SlowApplication slow = mountSlow("/slow", port);

        try (ClientConnection inFlight = ClientConnection.open(port)) {
            ClientConnection idle = ClientConnection.open(port);
            try {
                assertHello(idle.get("/"));
                slow.begin(inFlight, "at-the-limit");

                reconfigure(configuration, "listen", "127.0.0.1:" + port, "connection_limit", "1");
                // lowering the limit below the connections open closes nothing
                try (ClientConnection third = ClientConnection.open(port)) {
                    third.send("GET", "/third", Map.of(), new byte[0]);
                    assertTrue("the third request must wait in line while one is served", third.quietFor(NO_ANSWER));
                    slow.release();
                    slow.assertFinished(inFlight, "at-the-limit");
                    assertHello(third.readResponse());
                    assertHello(idle.get("/"));
                }

                reconfigure(configuration, "listen", "127.0.0.1:" + port, "connection_limit", "1",
                        "waiting_connection_limit", "2");
                assertHello(idle.get("/"));
                assertHello(inFlight.get("/"));
                // new connections, kept open, until the waiting pool is over its limit: the one idle
                // longest is shed for them, never one that was just answered
                List<ClientConnection> more = new ArrayList<>();
                try {
                    Await.condition("the idle connection to be shed for new ones", () -> {
                        ClientConnection next = ClientConnection.open(port);
                        more.add(next);
                        assertHello(next.get("/"));
                        return !idle.quietFor(Duration.ofMillis(50));
                    });
                    idle.awaitClosedByServer(Duration.ofSeconds(10));
                    assertHello(more.get(more.size() - 1).get("/"));
                } finally {
                    for (ClientConnection next : more) {
                        next.close();
                    }
                }
            } finally {
                idle.close();
            }
        }
    }

    @Test
    public void channelTimeoutClosesIdleConnections() throws Exception {
        int port = freePort();
        org.osgi.service.cm.Configuration configuration = configureDefaultServer("listen", "127.0.0.1:" + port);
        assertHello(awaitAnswer(port, "/"));
        SlowApplication slow = mountSlow("/slow", port);

        try (ClientConnection idle = ClientConnection.open(port);
                ClientConnection inFlight = ClientConnection.open(port)) {
            assertHello(idle.get("/"));
            slow.begin(inFlight, "longer-than-the-timeout");

            reconfigure(configuration, "listen", "127.0.0.1:" + port, "channel_timeout", "1",
                    "cleanup_interval", "1");
            assertHello(idle.get("/"));
            long lastTraffic = System.nanoTime();
            try (ClientConnection silent = ClientConnection.open(port)) {
                idle.awaitClosedByServer(Duration.ofSeconds(10));
                long idleFor = Duration.ofNanos(System.nanoTime() - lastTraffic).toMillis();
                assertTrue("closed after " + idleFor + " ms idle; channel_timeout is 1 s", idleFor >= 500);
                silent.awaitClosedByServer(Duration.ofSeconds(10));
            }
            // a request in progress for longer than channel_timeout keeps its connection
            slow.release();
            slow.assertFinished(inFlight, "longer-than-the-timeout");
            assertHello(inFlight.get("/"));
        }
    }

    private void assertEcho(Response echo, byte[] body) throws Exception {
        assertEquals("status of " + echo, 200, echo.status());
        assertContains(echo.text(), "\"body_length\":" + body.length);
        assertContains(echo.text(), "\"body_sha256\":\"" + sha256(body) + "\"");
    }

    private static void assertServer(String ident, Response response) {
        assertHello(response);
        assertEquals("Server header of " + response, ident, response.header("Server"));
    }
}
