package dev.usher.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.stream.Stream;

import org.junit.Assume;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

import dev.usher.itests.ClientConnection.Response;

/**
 * Listener changes applied to the running server: each test holds an idle keep-alive connection
 * (answered before the change) and a request in flight (held by {@link SlowApplication}) across
 * the change; both must complete afterwards, and the new addresses must be in force.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class LiveListenersIT extends UsherTestSupport {

    @Configuration
    public Option[] configuration() {
        return UsherOptions.withDemo();
    }

    @Test
    public void portChangeServesOnTheNewPortAndKeepsConnections() throws Exception {
        int[] ports = freePorts(2);
        int oldPort = ports[0];
        int newPort = ports[1];
        org.osgi.service.cm.Configuration configuration = configureDefaultServer("listen", "127.0.0.1:" + oldPort);
        assertHello(awaitAnswer(oldPort, "/"));
        SlowApplication slow = mountSlow("/slow", oldPort);

        try (ClientConnection idle = ClientConnection.open(oldPort);
                ClientConnection inFlight = ClientConnection.open(oldPort)) {
            assertHello(idle.get("/"));
            slow.begin(inFlight, "port-change");

            int mark = reconfigure(configuration, "listen", "127.0.0.1:" + newPort);
            assertEquals(1, log.since(mark, "Serving on http://127.0.0.1:" + newPort).size());
            assertEquals(1, log.since(mark, "Stopped serving on http://127.0.0.1:" + oldPort).size());

            assertHello(awaitAnswer(newPort, "/"));
            awaitRefused(oldPort);

            slow.release();
            slow.assertFinished(inFlight, "port-change");
            assertHello(idle.get("/"));
            assertHello(inFlight.get("/"));
        }
        assertEquals("still one server", 1, serverSettings().length);
    }

    @Test
    public void listenOnIpv4AndIpv6Loopback() throws Exception {
        boolean ipv6 = ipv6LoopbackAvailable();
        int[] ports = freePorts(3);
        int oldPort = ports[0];
        int v4Port = ports[1];
        int v6Port = ipv6 ? freePort("::1") : ports[2];
        org.osgi.service.cm.Configuration configuration = configureDefaultServer("listen", "127.0.0.1:" + oldPort);
        assertHello(awaitAnswer(oldPort, "/"));
        SlowApplication slow = mountSlow("/slow", oldPort);

        try (ClientConnection idle = ClientConnection.open(oldPort);
                ClientConnection inFlight = ClientConnection.open(oldPort)) {
            assertHello(idle.get("/"));
            slow.begin(inFlight, "dual-stack");

            String second = ipv6 ? "[::1]:" + v6Port : "127.0.0.1:" + v6Port;
            int mark = reconfigure(configuration, "listen", "127.0.0.1:" + v4Port + " " + second);
            assertEquals(1, log.since(mark, "Serving on http://127.0.0.1:" + v4Port).size());
            assertEquals(1, log.since(mark, "Stopped serving on http://127.0.0.1:" + oldPort).size());

            assertHello(awaitAnswer(v4Port, "/"));
            awaitRefused(oldPort);

            slow.release();
            slow.assertFinished(inFlight, "dual-stack");
            assertHello(idle.get("/"));

            if (ipv6) {
                // the log may name ::1 in full (getHostAddress), or shortest
                assertEquals(1, log.since(mark, ":1]:" + v6Port).stream()
                        .filter(m -> m.startsWith("Serving on http://[::1]:") || m.startsWith("Serving on http://[0:0:0:0:0:0:0:1]:"))
                        .count());
                Response response = Await.until("an HTTP answer on [::1]:" + v6Port,
                        () -> ClientConnection.get("::1", v6Port, "/"));
                assertHello(response);
                try (ClientConnection v6 = ClientConnection.open("::1", v6Port)) {
                    assertHello(v6.get("/"));
                    assertHello(v6.get("/again"));
                }
                assertTrue("only ::1 listens on " + v6Port + ", not 127.0.0.1", ClientConnection.refuses(v6Port));
            } else {
                assertHello(awaitAnswer(v6Port, "/"));
            }
        }
        Assume.assumeTrue("::1 is not available here: the IPv6 part was replaced by a second IPv4 address", ipv6);
    }

    @Test
    public void unixSocketAddedThenRemoved() throws Exception {
        Path directory = Files.createTempDirectory("usher-itest");
        try {
            unixSocketAddedThenRemoved(directory);
        } finally {
            try (Stream<Path> files = Files.walk(directory)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private void unixSocketAddedThenRemoved(Path directory) throws Exception {
        Path socketFile = directory.resolve("usher.sock");
        // a stale socket file, as a crashed server leaves it: the server replaces it
        try (ServerSocketChannel stale = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            stale.bind(UnixDomainSocketAddress.of(socketFile));
        }
        assertTrue("stale socket file " + socketFile, Files.exists(socketFile, LinkOption.NOFOLLOW_LINKS));

        int[] ports = freePorts(2);
        int tcpPort = ports[0];
        int laterPort = ports[1];
        org.osgi.service.cm.Configuration configuration = configureDefaultServer("listen", "127.0.0.1:" + tcpPort);
        assertHello(awaitAnswer(tcpPort, "/"));
        SlowApplication slow = mountSlow("/slow", tcpPort);

        try (ClientConnection idle = ClientConnection.open(tcpPort);
                ClientConnection inFlight = ClientConnection.open(tcpPort)) {
            assertHello(idle.get("/"));
            slow.begin(inFlight, "to-unix");

            // unix_socket excludes listen/host/port: the server now listens on the socket only
            int mark = reconfigure(configuration, "unix_socket", socketFile.toString(), "unix_socket_perms", "660");
            assertEquals(1, log.since(mark, "Serving on unix:" + socketFile).size());
            assertEquals(1, log.since(mark, "Stopped serving on http://127.0.0.1:" + tcpPort).size());
            awaitRefused(tcpPort);

            assertFalse("a socket, not a regular file", Files.isRegularFile(socketFile, LinkOption.NOFOLLOW_LINKS));
            assertEquals("permissions of " + socketFile, "rw-rw----",
                    PosixFilePermissions.toString(Files.getPosixFilePermissions(socketFile, LinkOption.NOFOLLOW_LINKS)));

            try (ClientConnection unixIdle = ClientConnection.openUnix(socketFile);
                    ClientConnection unixInFlight = ClientConnection.openUnix(socketFile)) {
                assertHello(unixIdle.get("/"));
                Response echo = unixIdle.get("/echo/over-unix");
                assertEquals("status of " + echo, 200, echo.status());
                assertContains(echo.text(), "\"path\":\"/over-unix\"");

                // the TCP connections accepted before the change stay with the server
                slow.release();
                slow.assertFinished(inFlight, "to-unix");
                assertHello(idle.get("/"));

                // second change, with a request in flight over the unix socket: back to TCP only
                SlowApplication slower = mountSlowOnUnix("/slower", socketFile);
                slower.begin(unixInFlight, "from-unix");
                mark = reconfigure(configuration, "listen", "127.0.0.1:" + laterPort);
                assertEquals(1, log.since(mark, "Stopped serving on unix:" + socketFile).size());
                assertHello(awaitAnswer(laterPort, "/"));
                Await.condition(socketFile + " to be removed",
                        () -> !Files.exists(socketFile, LinkOption.NOFOLLOW_LINKS));

                slower.release();
                slower.assertFinished(unixInFlight, "from-unix");
                assertHello(unixIdle.get("/"));
                assertHello(unixInFlight.get("/"));
                assertHello(idle.get("/"));
            }
        }
    }

    /** Mounts a slow application and waits until the server on the unix socket serves it. */
    private SlowApplication mountSlowOnUnix(String mount, Path socketFile) {
        SlowApplication slow = registerSlow(mount, null);
        Await.condition(mount + " mounted on unix:" + socketFile, () -> {
            try (ClientConnection probe = ClientConnection.openUnix(socketFile)) {
                return probe.get(mount + "/probe").text().equals("probe");
            }
        });
        return slow;
    }
}
