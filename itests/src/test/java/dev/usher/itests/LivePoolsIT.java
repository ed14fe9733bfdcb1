package dev.usher.itests;

import static org.junit.Assert.assertEquals;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

/**
 * {@code threads} and {@code workers} changed on the running server: the application thread
 * pool and the I/O loops are resized in place, with idle keep-alive connections and requests in
 * flight across each change.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class LivePoolsIT extends UsherTestSupport {

    /** How long a request that should find no free application thread is watched. */
    private static final Duration NO_THREAD = Duration.ofMillis(400);

    @Configuration
    public Option[] configuration() {
        return UsherOptions.withDemo();
    }

    @Test
    public void threadsUpAndDown() throws Exception {
        int port = freePort();
        org.osgi.service.cm.Configuration configuration =
                configureDefaultServer("listen", "127.0.0.1:" + port, "threads", "1");
        assertHello(awaitAnswer(port, "/"));
        SlowApplication slow = mountSlow("/slow", port);
        SlowApplication second = mountSlow("/second", port);

        List<ClientConnection> connections = new ArrayList<>();
        try (ClientConnection idle = ClientConnection.open(port)) {
            assertHello(idle.get("/"));
            ClientConnection a = open(connections, port);
            ClientConnection b = open(connections, port);
            ClientConnection c = open(connections, port);
            ClientConnection d = open(connections, port);
            ClientConnection x = open(connections, port);
            ClientConnection y = open(connections, port);

            // threads=1: a holds the only application thread, b waits in the queue
            slow.begin(a, "a");
            slow.send(b, "b");
            slow.assertNoneEnters(NO_THREAD, "threads=1 and a holds the only thread");

            // up, 1 -> 3, with a in flight: the queued b gets a thread at once, the idle
            // connection the third, then c
            reconfigure(configuration, "listen", "127.0.0.1:" + port, "threads", "3");
            slow.awaitEntered(1, SlowApplication.ENTRY_TIMEOUT); // b
            assertHello(idle.get("/"));
            slow.begin(c, "c");
            // a, b and c hold all three threads: d waits
            slow.send(d, "d");
            slow.assertNoneEnters(NO_THREAD, "threads=3 and a, b, c hold them all");

            // down, 3 -> 1, with a, b and c in flight and d queued
            reconfigure(configuration, "listen", "127.0.0.1:" + port, "threads", "1");
            slow.release();
            slow.assertFinished(a, "a");
            slow.assertFinished(b, "b");
            slow.assertFinished(c, "c");
            slow.assertFinished(d, "d");
            assertHello(idle.get("/"));

            // threads=1 is in force: x holds the one thread, y waits for it
            second.begin(x, "x");
            second.send(y, "y");
            second.assertNoneEnters(NO_THREAD, "threads=1 again and x holds the only thread");
            second.release();
            second.assertFinished(x, "x");
            second.assertFinished(y, "y");
            assertHello(idle.get("/"));
            for (ClientConnection connection : connections) {
                assertHello(connection.get("/"));
            }
        } finally {
            for (ClientConnection connection : connections) {
                connection.close();
            }
        }
    }

    @Test
    public void workersUpAndDown() throws Exception {
        int port = freePort();
        org.osgi.service.cm.Configuration configuration =
                configureDefaultServer("listen", "127.0.0.1:" + port, "workers", "1", "threads", "4");
        assertHello(awaitAnswer(port, "/"));
        Await.condition("1 I/O loop", () -> ioThreads("default") == 1);
        SlowApplication slow = mountSlow("/slow", port);
        SlowApplication second = mountSlow("/second", port);

        List<ClientConnection> idle = new ArrayList<>();
        try {
            // six idle keep-alive connections, all on the one loop
            for (int i = 0; i < 6; i++) {
                assertHello(open(idle, port).get("/before-up/" + i));
            }
            ClientConnection inFlight = open(idle, port);
            slow.begin(inFlight, "across-up");

            reconfigure(configuration, "listen", "127.0.0.1:" + port, "workers", "3", "threads", "4");
            Await.condition("3 I/O loops", () -> ioThreads("default") == 3);
            slow.release();
            slow.assertFinished(inFlight, "across-up");
            for (ClientConnection connection : List.copyOf(idle)) {
                assertHello(connection.get("/after-up"));
            }
            // six more, spread over the three loops
            for (int i = 0; i < 6; i++) {
                assertHello(open(idle, port).get("/on-three-loops/" + i));
            }

            // down, 3 -> 1, with a request in flight (on whichever loop its connection is)
            ClientConnection inFlightDown = open(idle, port);
            second.begin(inFlightDown, "across-down");
            reconfigure(configuration, "listen", "127.0.0.1:" + port, "workers", "1", "threads", "4");
            for (ClientConnection connection : idle) {
                if (connection != inFlightDown) {
                    assertHello(connection.get("/after-down"));
                }
            }
            second.release();
            second.assertFinished(inFlightDown, "across-down");
            // the retired loops hand their (now quiet) connections over and end
            Await.condition("1 I/O loop", () -> ioThreads("default") == 1);
            for (int round = 0; round < 2; round++) {
                for (ClientConnection connection : idle) {
                    assertHello(connection.get("/on-one-loop/" + round));
                }
            }
            assertHello(ClientConnection.get(port, "/fresh"));
            assertEquals("I/O loops with workers=1", 1, ioThreads("default"));
        } finally {
            for (ClientConnection connection : idle) {
                connection.close();
            }
        }
    }

    private static ClientConnection open(List<ClientConnection> connections, int port) throws Exception {
        ClientConnection connection = ClientConnection.open(port);
        connections.add(connection);
        return connection;
    }
}
