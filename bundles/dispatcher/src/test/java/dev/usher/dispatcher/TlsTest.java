package dev.usher.dispatcher;

import static dev.usher.dispatcher.LiveServerTest.awaitTrue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import dev.usher.api.HttpApplication;
import dev.usher.config.Adjustments;

/**
 * What TLS adds to the server: key files in every form, protocol versions, ALPN, client
 * certificates, what a plain HTTP client or garbage gets, the handshake's deadline, ragged EOFs,
 * and certificates replaced while the server runs.
 */
class TlsTest {

    @TempDir
    static Path shared;
    private static TestCertificates ca;
    private static TestCertificates otherCa;
    private static TestCertificates.Pair first;
    private static SSLContext trusting;

    @TempDir
    Path dir;
    private final RecordingLogger log = new RecordingLogger();
    private final Map<String, Object> settings = new HashMap<>(Map.of("listen", "127.0.0.1:0", "workers", "1"));
    private Server server;

    /** Tells who the client is: its certificate's subject, or "anonymous"; echoes a body's length. */
    private static final HttpApplication WHO = (request, response) -> {
        long length = request.body().readAllBytes().length;
        String who = request.clientCertificates().isEmpty() ? "anonymous"
                : request.clientCertificates().get(0).getSubjectX500Principal().getName();
        response.body().write((who + " " + request.scheme() + " " + length).getBytes(StandardCharsets.UTF_8));
    };

    @BeforeAll
    static void certificates() throws IOException {
        ca = TestCertificates.ca(shared, "main");
        otherCa = TestCertificates.ca(shared, "other");
        first = ca.server(TestCertificates.KeyForm.EC_PKCS8, 1);
        trusting = ca.clientContext(null);
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop();
        }
    }

    private InetSocketAddress start(Map<String, Object> more) throws Exception {
        settings.putAll(more);
        server = new Server("tls", Adjustments.parse(settings), () -> LiveServerTest.mounts(Map.of("/", WHO)),
                log.logger, log.logger);
        server.start();
        return LiveServerTest.tcpAddress(server);
    }

    private void change(Map<String, Object> more) throws Exception {
        settings.putAll(more);
        server.apply(Adjustments.parse(settings));
    }

    private static String get(RawClient client) throws IOException {
        return client.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n").read().text();
    }

    @ParameterizedTest
    @EnumSource(TestCertificates.KeyForm.class)
    void everyKeyFormServes(TestCertificates.KeyForm form) throws Exception {
        TestCertificates.Pair pair = ca.server(form, 7);
        InetSocketAddress address = start(pair.settings());
        try (SSLSocket socket = TestCertificates.connect(trusting, address);
                RawClient client = new RawClient(socket)) {
            assertEquals(BigInteger.valueOf(7), TestCertificates.serverSerial(socket));
            assertEquals("anonymous https 0", get(client));
            assertEquals("http/1.1", socket.getApplicationProtocol(), "ALPN settles on HTTP/1.1");
        }
        log.assertNoErrors();
    }

    @Test
    void tls12AndTls13AreOfferedAndSslVersionNarrowsThem() throws Exception {
        InetSocketAddress address = start(first.settings());
        assertTrue(log.lines.contains("INFO Serving on https://127.0.0.1:" + address.getPort()), log.lines::toString);
        for (String protocol : List.of("TLSv1.2", "TLSv1.3")) {
            try (SSLSocket socket = TestCertificates.connect(trusting, address, protocol);
                    RawClient client = new RawClient(socket)) {
                assertEquals(protocol, socket.getSession().getProtocol());
                assertEquals("anonymous https 0", get(client));
            }
        }
        change(Map.of("ssl_version", "TLSv1.3"));
        assertThrows(SSLException.class, () -> TestCertificates.connect(trusting, address, "TLSv1.2").close());
        try (SSLSocket socket = TestCertificates.connect(trusting, address, "TLSv1.3")) {
            assertEquals("TLSv1.3", socket.getSession().getProtocol());
        }
    }

    @Test
    void aRequiredClientCertificateIsCheckedAndShownToTheApplication() throws Exception {
        Map<String, Object> required = new HashMap<>(first.settings());
        required.put("ca_certs", ca.caCertificate().toString());
        required.put("cert_reqs", "required");
        InetSocketAddress address = start(required);
        TestCertificates.Pair alice = ca.client("alice", 100);
        try (RawClient client = new RawClient(TestCertificates.connect(ca.clientContext(alice), address))) {
            assertEquals("CN=alice https 0", get(client));
        }
        // missing: TLS 1.3 clients learn of the refusal at their first read
        assertRefused(address, trusting);
        TestCertificates.Pair mallory = otherCa.client("mallory", 666);
        assertRefused(address, ca.clientContext(mallory));
        change(Map.of("cert_reqs", "optional"));
        try (RawClient client = new RawClient(TestCertificates.connect(trusting, address))) {
            assertEquals("anonymous https 0", get(client), "optional: a client without one is served");
        }
        try (RawClient client = new RawClient(TestCertificates.connect(ca.clientContext(alice), address))) {
            assertEquals("CN=alice https 0", get(client));
        }
        try (RawClient client = new RawClient(TestCertificates.connect(ca.clientContext(mallory), address))) {
            // the JDK's client presents only certificates of the CAs the server names; openssl
            // s_client presents it anyway, and is refused (TlsInteropTest)
            assertEquals("anonymous https 0", get(client), "optional: no certificate from the CAs asked for");
        }
    }

    private static void assertRefused(InetSocketAddress address, SSLContext context) {
        assertThrows(IOException.class, () -> {
            try (RawClient client = new RawClient(TestCertificates.connect(context, address))) {
                get(client);
            }
        });
    }

    @Test
    void aClientThatTrustsAnotherCaGivesUp() throws Exception {
        InetSocketAddress address = start(first.settings());
        assertThrows(SSLException.class, () -> TestCertificates.connect(otherCa.clientContext(null), address).close());
        try (RawClient client = new RawClient(TestCertificates.connect(trusting, address))) {
            assertEquals("anonymous https 0", get(client), "the server goes on");
        }
    }

    @Test
    void onlyAWholeRecordIsInputToReadWithoutTheSelector() {
        // application data, TLS 1.2 on the wire, 4 bytes; then the start of a second record
        ByteBuffer bytes = ByteBuffer.wrap(new byte[] {23, 3, 3, 0, 4, 1, 2, 3, 4, 23, 3, 3, 0, 2, 9, 9});
        assertTrue(TlsTransport.holdsWholeRecord(bytes.duplicate().limit(9)));
        assertFalse(TlsTransport.holdsWholeRecord(bytes.duplicate().limit(8)), "a record in part waits for the socket");
        assertFalse(TlsTransport.holdsWholeRecord(bytes.duplicate().position(9).limit(12)), "a header in part too");
        assertFalse(TlsTransport.holdsWholeRecord(bytes.duplicate().position(9).limit(15)));
        assertTrue(TlsTransport.holdsWholeRecord(bytes.duplicate().position(9)));
    }

    @Test
    void plainHttpToTheTlsPortGets400InPlainText() throws Exception {
        InetSocketAddress address = start(first.settings());
        try (RawClient client = new RawClient(address)) {
            RawClient.Response response = client.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n").read();
            assertEquals(400, response.status());
            assertTrue(response.text().contains("The plain HTTP request was sent to HTTPS port"), response.text());
            assertEquals("close", response.header("Connection"));
            assertTrue(client.closedByServer());
        }
        awaitTrue(() -> server.connectionCount() == 0);
        assertEquals(0, server.tlsForTest().records().outstanding(), "no record buffer is left behind");
    }

    @Test
    void garbageInsteadOfAClientHelloClosesTheConnection() throws Exception {
        InetSocketAddress address = start(first.settings());
        try (Socket socket = plainSocket(address)) {
            byte[] garbage = new byte[300];
            new java.util.Random(3).nextBytes(garbage);
            garbage[0] = 0x01;
            socket.getOutputStream().write(garbage);
            assertUntilEnd(socket.getInputStream(), "the connection closes");
        }
        awaitTrue(() -> server.connectionCount() == 0);
        try (RawClient client = new RawClient(TestCertificates.connect(trusting, address))) {
            assertEquals("anonymous https 0", get(client));
        }
    }

    @Test
    void aStalledHandshakeIsClosedAfterTheChannelTimeout() throws Exception {
        Map<String, Object> quick = new HashMap<>(first.settings());
        quick.put("channel_timeout", "1");
        quick.put("cleanup_interval", "1");
        InetSocketAddress address = start(quick);
        try (Socket socket = plainSocket(address)) {
            // a handshake record's header announcing 512 bytes, then a trickle that stops
            socket.getOutputStream().write(new byte[] {0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00});
            long started = System.nanoTime();
            assertUntilEnd(socket.getInputStream(), "the server gives up on the handshake");
            assertTrue(System.nanoTime() - started < 9_000_000_000L);
        }
        awaitTrue(() -> server.connectionCount() == 0);
    }

    @Test
    void aRaggedEofIsAnOrdinaryEndOfInputUnlessSuppressRaggedEofsIsOff() throws Exception {
        // the loop reads on while the application answers, so it meets the end of input meanwhile
        settings.put("channel_request_lookahead", "2");
        settings.putAll(first.settings());
        java.util.concurrent.Semaphore answer = new java.util.concurrent.Semaphore(0);
        HttpApplication held = (request, response) -> {
            request.body().readAllBytes();
            answer.acquireUninterruptibly();
            response.body().write("answered".getBytes(StandardCharsets.US_ASCII));
        };
        server = new Server("tls", Adjustments.parse(with(first.settings())),
                () -> LiveServerTest.mounts(Map.of("/", held)), log.logger, log.logger);
        server.start();
        InetSocketAddress address = LiveServerTest.tcpAddress(server);
        answer.release();
        assertEquals("answered", raggedPost(address, () -> { }), "a cut is an end of input: what came before is answered");
        change(Map.of("suppress_ragged_eofs", "false"));
        assertNull(raggedPost(address, () -> {
            awaitTrue(() -> server.connectionCount() == 0);
            answer.release();
        }), "a cut without close_notify ends the connection at once, unanswered");
    }

    /** Something a test does between the cut and the answer. */
    private interface Step {
        void run() throws Exception;
    }

    /**
     * Sends a POST, then ends TCP without TLS's close_notify, does {@code meanwhile}, and
     * returns the answer, or null when the server closed without one.
     */
    private String raggedPost(InetSocketAddress address, Step meanwhile) throws Exception {
        Socket plain = plainSocket(address);
        SSLSocket tls = TestCertificates.wrap(trusting, plain, address);
        try (RawClient client = new RawClient(tls)) {
            client.send("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello");
            plain.shutdownOutput();
            meanwhile.run();
            try {
                return client.read().text();
            } catch (IOException e) {
                return null;
            }
        }
    }

    @Test
    void replacedFilesServeNewConnectionsWhileOpenOnesCarryOn() throws Exception {
        Path certfile = dir.resolve("server.pem");
        Path keyfile = dir.resolve("server.key");
        InetSocketAddress address = startOnFiles(certfile, keyfile);
        try (SSLSocket held = TestCertificates.connect(trusting, address); RawClient kept = new RawClient(held)) {
            assertEquals("anonymous https 0", get(kept));
            TestCertificates.Pair second = ca.server(TestCertificates.KeyForm.RSA_TRADITIONAL, 2);
            install(second, certfile, keyfile);
            awaitTrue(() -> serialOfANewConnection(address).equals(BigInteger.valueOf(2)));
            assertEquals("anonymous https 0", get(kept), "the connection opened before carries on");
            assertEquals(BigInteger.ONE, TestCertificates.serverSerial(held));

            // a key that does not match its certificate: logged, naming the file; the pair before stays
            Files.copy(ca.server(TestCertificates.KeyForm.EC_PKCS8, 3).keyfile(), keyfile,
                    StandardCopyOption.REPLACE_EXISTING);
            awaitTrue(() -> log.lines.stream().anyMatch(line -> line.startsWith("ERROR")
                    && line.contains(keyfile + ": the key does not match the certificate of " + certfile)));
            assertEquals(BigInteger.valueOf(2), serialOfANewConnection(address));
            assertEquals("anonymous https 0", get(kept));

            // files that are not PEM at all: the same
            Files.writeString(certfile, "not a certificate\n");
            awaitTrue(() -> log.lines.stream().anyMatch(line -> line.startsWith("ERROR") && line.contains(
                    certfile.toString())));
            assertEquals(BigInteger.valueOf(2), serialOfANewConnection(address));

            TestCertificates.Pair fourth = ca.server(TestCertificates.KeyForm.EC_TRADITIONAL, 4);
            install(fourth, certfile, keyfile);
            awaitTrue(() -> serialOfANewConnection(address).equals(BigInteger.valueOf(4)));
            assertEquals("anonymous https 0", get(kept));
        }
    }

    @Test
    void theSameSettingsAppliedAgainReadReplacedFilesAtOnce() throws Exception {
        // what HUP does: the runtime writes every configuration anew, and equal TLS settings reach
        // the server again; the files' watch would take a second or more to settle on a change
        Path certfile = dir.resolve("server.pem");
        Path keyfile = dir.resolve("server.key");
        InetSocketAddress address = startOnFiles(certfile, keyfile);
        try (SSLSocket held = TestCertificates.connect(trusting, address); RawClient kept = new RawClient(held)) {
            assertEquals("anonymous https 0", get(kept));
            install(ca.server(TestCertificates.KeyForm.EC_PKCS8, 5), certfile, keyfile);
            server.apply(Adjustments.parse(settings));
            assertEquals(BigInteger.valueOf(5), serialOfANewConnection(address), "read when applied");
            assertEquals("anonymous https 0", get(kept), "the connection opened before carries on");
            assertEquals(BigInteger.ONE, TestCertificates.serverSerial(held));
            // applied again with nothing changed on disk, nothing is reloaded
            int reloads = reloadsLogged();
            server.apply(Adjustments.parse(settings));
            assertEquals(reloads, reloadsLogged());
        }
    }

    /** Starts the server on the first pair, installed as {@code certfile} and {@code keyfile}. */
    private InetSocketAddress startOnFiles(Path certfile, Path keyfile) throws Exception {
        install(first, certfile, keyfile);
        return start(Map.of("certfile", certfile.toString(), "keyfile", keyfile.toString()));
    }

    private int reloadsLogged() {
        return (int) log.lines.stream().filter(line -> line.contains("TLS certificate reloaded")).count();
    }

    @Test
    void configurationChangesLoadAtOnceAndBadOnesKeepThePairBefore() throws Exception {
        InetSocketAddress address = start(first.settings());
        TestCertificates.Pair second = ca.server(TestCertificates.KeyForm.EC_PKCS8, 20);
        change(second.settings());
        assertEquals(BigInteger.valueOf(20), serialOfANewConnection(address), "applied with the change");
        TestCertificates.Pair third = ca.server(TestCertificates.KeyForm.EC_PKCS8, 30);
        Path missing = dir.resolve("missing.pem");
        change(Map.of("certfile", missing.toString(), "keyfile", third.keyfile().toString()));
        assertTrue(log.lines.stream().anyMatch(line -> line.startsWith("ERROR") && line.contains("missing.pem")),
                log.lines::toString);
        assertEquals(BigInteger.valueOf(20), serialOfANewConnection(address));
        // the files the settings name are watched: once the certificate is there, it is used
        Files.copy(third.certfile(), missing);
        awaitTrue(() -> serialOfANewConnection(address).equals(BigInteger.valueOf(30)));
        // and off: new connections are plain, the scheme follows
        settings.remove("certfile");
        settings.remove("keyfile");
        server.apply(Adjustments.parse(settings));
        assertNull(server.tlsForTest());
        try (RawClient client = new RawClient(address)) {
            assertEquals("anonymous http 0", get(client));
        }
    }

    @Test
    void aServerWhoseFilesDoNotLoadDoesNotStart() throws Exception {
        Path broken = dir.resolve("broken.pem");
        Files.writeString(broken, "-----BEGIN CERTIFICATE-----\nnot base64 at all!\n-----END CERTIFICATE-----\n");
        Map<String, Object> bad = new HashMap<>(settings);
        bad.put("certfile", broken.toString());
        bad.put("keyfile", first.keyfile().toString());
        Server refused = new Server("broken", Adjustments.parse(bad), () -> Mounts.EMPTY, log.logger, log.logger);
        IOException e = assertThrows(IOException.class, refused::start);
        assertTrue(e.getMessage().startsWith(broken.toString()), e.getMessage());
        assertTrue(refused.addresses().isEmpty(), "nothing bound");
    }

    @Test
    void largeBodiesBothWaysPipelinedInBoundedMemory() throws Exception {
        settings.put("outbuf_overflow", "65536");
        HttpApplication big = (request, response) -> {
            byte[] in = request.body().readAllBytes();
            byte[] out = new byte[3 << 20];
            java.util.Arrays.fill(out, (byte) 'z');
            response.body().write(out);
            response.body().write(Integer.toString(in.length).getBytes(StandardCharsets.US_ASCII));
        };
        server = new Server("tls", Adjustments.parse(with(first.settings())),
                () -> LiveServerTest.mounts(Map.of("/", big)), log.logger, log.logger);
        server.start();
        InetSocketAddress address = LiveServerTest.tcpAddress(server);
        byte[] upload = new byte[2 << 20];
        try (RawClient client = new RawClient(TestCertificates.connect(trusting, address))) {
            String request = "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: " + upload.length + "\r\n\r\n";
            client.send(request).send(upload).send(request).send(upload);
            for (int i = 0; i < 2; i++) {
                RawClient.Response response = client.read();
                assertEquals(200, response.status());
                assertEquals((3 << 20) + 7, response.body().length);
                assertTrue(response.text().endsWith(Integer.toString(upload.length)));
            }
        }
        awaitTrue(() -> server.connectionCount() == 0);
        assertEquals(0, server.tlsForTest().records().outstanding(), "every record buffer went back");
    }

    private Map<String, Object> with(Map<String, Object> more) {
        Map<String, Object> all = new HashMap<>(settings);
        all.putAll(more);
        return all;
    }

    private BigInteger serialOfANewConnection(InetSocketAddress address) {
        try (SSLSocket socket = TestCertificates.connect(trusting, address)) {
            return TestCertificates.serverSerial(socket);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** Replaces the files as an operator's tool does: written aside, then renamed over the old ones. */
    private static void install(TestCertificates.Pair pair, Path certfile, Path keyfile) throws IOException {
        Path certTemp = certfile.resolveSibling(certfile.getFileName() + ".new");
        Path keyTemp = keyfile.resolveSibling(keyfile.getFileName() + ".new");
        Files.copy(pair.certfile(), certTemp, StandardCopyOption.REPLACE_EXISTING);
        Files.copy(pair.keyfile(), keyTemp, StandardCopyOption.REPLACE_EXISTING);
        Files.move(certTemp, certfile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        Files.move(keyTemp, keyfile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static Socket plainSocket(InetSocketAddress address) throws IOException {
        Socket socket = new Socket();
        socket.connect(address, 5000);
        socket.setSoTimeout(10_000);
        return socket;
    }

    /** Reads until the server ends the connection (a reset counts); fails if it does not within the timeout. */
    private static void assertUntilEnd(InputStream in, String what) throws IOException {
        try {
            while (in.read() >= 0) {
                // an alert, perhaps
            }
        } catch (java.net.SocketTimeoutException e) {
            throw new AssertionError(what + ": still open", e);
        } catch (java.net.SocketException reset) {
            // ended all the same
        }
    }
}
