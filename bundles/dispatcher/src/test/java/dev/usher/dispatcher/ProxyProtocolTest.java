package dev.usher.dispatcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import javax.net.ssl.SSLSocket;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.usher.api.HttpApplication;
import dev.usher.config.Adjustments;

/**
 * {@code proxy_protocol}: a balancer's header names the client the application sees, before
 * plain HTTP and before TLS; a connection without a good header, or from a peer not in
 * {@code proxy_allow_ips}, closes before anything of it reaches an application.
 */
class ProxyProtocolTest {

    @TempDir
    Path dir;
    private final RecordingLogger log = new RecordingLogger();
    private final AtomicInteger calls = new AtomicInteger();
    private Server server;

    /** Tells the remote and local ends the request reports. */
    private final HttpApplication who = (request, response) -> {
        calls.incrementAndGet();
        response.body().write((request.remoteAddress() + " " + request.remotePort() + " " + request.scheme())
                .getBytes(StandardCharsets.UTF_8));
    };

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop();
        }
    }

    private final Map<String, Object> settings = new HashMap<>(Map.of("listen", "127.0.0.1:0", "workers", "1",
            "proxy_protocol", "auto"));

    private InetSocketAddress start(Map<String, Object> more) throws Exception {
        settings.putAll(more);
        server = new Server("proxied", Adjustments.parse(settings), () -> LiveServerTest.mounts(Map.of("/", who)),
                log.logger, log.logger);
        server.start();
        return LiveServerTest.tcpAddress(server);
    }

    private static Socket connect(InetSocketAddress address) throws IOException {
        Socket socket = new Socket();
        socket.connect(address, 5000);
        socket.setSoTimeout(10_000);
        return socket;
    }

    private static final String GET = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";

    @Test
    void bothVersionsNameTheClientForEveryRequestOfTheConnection() throws Exception {
        InetSocketAddress address = start(Map.of());
        try (RawClient client = new RawClient(connect(address))) {
            client.send(ProxyHeaderTest.v1("PROXY TCP4 192.0.2.7 127.0.0.1 56324 " + address.getPort()));
            assertEquals("192.0.2.7 56324 http", client.send(GET).read().text());
            assertEquals("192.0.2.7 56324 http", client.send(GET).read().text(), "the next request too");
        }
        byte[] v2 = ProxyHeaderTest.v2(1, 2, java.net.InetAddress.getByName("2001:db8::7").getAddress(),
                java.net.InetAddress.getByName("::1").getAddress(), 443, 8080, new byte[] {0x04, 0x00, 0x01, 0x00});
        try (RawClient client = new RawClient(connect(address))) {
            // header and request in one write, as a balancer may send them
            byte[] request = GET.getBytes(StandardCharsets.US_ASCII);
            byte[] both = new byte[v2.length + request.length];
            System.arraycopy(v2, 0, both, 0, v2.length);
            System.arraycopy(request, 0, both, v2.length, request.length);
            assertEquals("2001:db8:0:0:0:0:0:7 443 http", client.send(both).read().text());
        }
        try (RawClient client = new RawClient(connect(address))) {
            // a balancer's health check: its own address stands
            client.send(ProxyHeaderTest.v1("PROXY UNKNOWN"));
            assertTrue(client.send(GET).read().text().startsWith("127.0.0.1 "));
        }
    }

    @Test
    void aHeaderTrickledByteByByteIsWaitedFor() throws Exception {
        InetSocketAddress address = start(Map.of());
        try (Socket socket = connect(address); RawClient client = new RawClient(socket)) {
            for (byte b : ProxyHeaderTest.v1("PROXY TCP4 203.0.113.9 127.0.0.1 1234 80")) {
                socket.getOutputStream().write(b);
                socket.getOutputStream().flush();
            }
            assertEquals("203.0.113.9 1234 http", client.send(GET).read().text());
        }
    }

    @Test
    void noHeaderAMalformedOneOrTheWrongVersionClosesUnanswered() throws Exception {
        InetSocketAddress address = start(Map.of("proxy_protocol", "v1"));
        byte[] v2 = ProxyHeaderTest.v2(1, 1, new byte[] {10, 0, 0, 1}, new byte[] {10, 0, 0, 2}, 1, 2, new byte[0]);
        for (byte[] opening : new byte[][] {GET.getBytes(StandardCharsets.US_ASCII),
            ProxyHeaderTest.v1("PROXY TCP4 10.0.0.1 10.0.0.2 1 99999"), v2}) {
            try (Socket socket = connect(address)) {
                send(socket, opening);
                send(socket, GET.getBytes(StandardCharsets.US_ASCII));
                assertClosedUnanswered(socket.getInputStream());
            }
        }
        assertEquals(0, calls.get(), "nothing reached the application");
    }

    @Test
    void aPeerNotAllowedIsClosedAtOnce() throws Exception {
        InetSocketAddress address = start(Map.of("proxy_allow_ips", "192.0.2.1, 2001:db8::1"));
        try (Socket socket = connect(address)) {
            send(socket, ProxyHeaderTest.v1("PROXY TCP4 192.0.2.7 127.0.0.1 1 80"));
            send(socket, GET.getBytes(StandardCharsets.US_ASCII));
            assertClosedUnanswered(socket.getInputStream());
        }
        assertEquals(0, calls.get());
        assertTrue(log.lines.stream().anyMatch(line -> line.contains("127.0.0.1 is not in proxy_allow_ips")),
                log.lines::toString);
    }

    @Test
    void aNetworkAllowsItsPeers() throws Exception {
        InetSocketAddress address = start(Map.of("proxy_allow_ips", "192.0.2.0/24, 127.0.0.0/8"));
        try (RawClient client = new RawClient(connect(address))) {
            client.send(ProxyHeaderTest.v1("PROXY TCP4 198.51.100.4 127.0.0.1 5 80"));
            assertEquals("198.51.100.4 5 http", client.send(GET).read().text());
        }
    }

    @Test
    void theHeaderComesBeforeTls() throws Exception {
        TestCertificates ca = TestCertificates.ca(dir, "proxy");
        TestCertificates.Pair pair = ca.server(TestCertificates.KeyForm.EC_PKCS8, 7);
        Map<String, Object> tls = new HashMap<>(pair.settings());
        InetSocketAddress address = start(tls);
        Socket plain = connect(address);
        plain.getOutputStream().write(ProxyHeaderTest.v1("PROXY TCP6 2001:db8::9 ::1 4444 443"));
        try (SSLSocket secure = TestCertificates.wrap(ca.clientContext(null), plain, address);
                RawClient client = new RawClient(secure)) {
            assertEquals("2001:db8:0:0:0:0:0:9 4444 https", client.send(GET).read().text());
        }
    }

    @Test
    void offIsPlainHttpAndTheSettingAppliesToNewConnections() throws Exception {
        InetSocketAddress address = start(Map.of("proxy_protocol", "off"));
        try (RawClient client = new RawClient(connect(address))) {
            assertTrue(client.send(GET).read().text().startsWith("127.0.0.1 "));
            settings.put("proxy_protocol", true);
            server.apply(Adjustments.parse(settings));
            assertTrue(client.send(GET).read().text().startsWith("127.0.0.1 "), "an open connection carries on");
        }
        try (RawClient client = new RawClient(connect(address))) {
            client.send(ProxyHeaderTest.v1("PROXY TCP4 192.0.2.8 127.0.0.1 9 80"));
            assertEquals("192.0.2.8 9 http", client.send(GET).read().text(), log.lines::toString);
        }
    }

    /** Writes {@code bytes}, unless the server has closed the connection already. */
    private static void send(Socket socket, byte[] bytes) throws IOException {
        try {
            socket.getOutputStream().write(bytes);
        } catch (SocketException closed) {
            // the server closed first: what the test checks next
        }
    }

    /** Reads to the end: the server closes without a byte of response (a reset counts). */
    private static void assertClosedUnanswered(InputStream in) throws IOException {
        try {
            assertEquals(-1, in.read());
        } catch (SocketException reset) {
            // closed with unread input: a reset
        }
    }
}
