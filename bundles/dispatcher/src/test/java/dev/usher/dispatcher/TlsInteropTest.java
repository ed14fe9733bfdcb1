package dev.usher.dispatcher;

import static dev.usher.dispatcher.LiveServerTest.awaitTrue;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.usher.api.HttpApplication;
import dev.usher.config.Adjustments;

/**
 * The TLS server against the clients people use, {@code curl} and {@code openssl s_client}:
 * both protocol versions, client certificates present, missing and from a wrong CA, a client
 * that does not trust the server, plain HTTP on the TLS port, a client killed without
 * close_notify, large bodies both ways, pipelining and {@code sendFile}.
 */
class TlsInteropTest {

    @TempDir
    static Path shared;
    private static TestCertificates ca;
    private static TestCertificates otherCa;
    private static TestCertificates.Pair serverPair;
    private static TestCertificates.Pair alice;
    private static TestCertificates.Pair mallory;
    private static Path served;
    private static byte[] servedBytes;

    private final RecordingLogger log = new RecordingLogger();
    private Server server;
    private int port;

    /** Who the client is, the body's length and digest. */
    private static final HttpApplication WHO = (request, response) -> {
        byte[] body = request.body().readAllBytes();
        String who = request.clientCertificates().isEmpty() ? "anonymous"
                : request.clientCertificates().get(0).getSubjectX500Principal().getName();
        response.body().write((who + " " + body.length + " " + sha256(body)).getBytes(StandardCharsets.UTF_8));
    };

    /** 8 MiB generated, streamed out. */
    private static final HttpApplication BIG = (request, response) -> {
        byte[] chunk = new byte[64 * 1024];
        Random random = new Random(9);
        for (int i = 0; i < 128; i++) {
            random.nextBytes(chunk);
            response.body().write(chunk);
        }
    };

    /** A file, with {@code sendFile}. */
    private static final HttpApplication FILE = (request, response) -> {
        FileChannel channel = FileChannel.open(served);
        response.contentLength(channel.size());
        response.sendFile(channel, 0, channel.size());
    };

    @BeforeAll
    static void certificates() throws IOException {
        ca = TestCertificates.ca(shared, "interop");
        otherCa = TestCertificates.ca(shared, "stranger");
        serverPair = ca.server(TestCertificates.KeyForm.RSA_PKCS8, 77);
        alice = ca.client("alice", 1001);
        mallory = otherCa.client("mallory", 666);
        served = shared.resolve("served.bin");
        servedBytes = new byte[5 << 20];
        new Random(4).nextBytes(servedBytes);
        Files.write(served, servedBytes);
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop();
        }
    }

    private void start(Map<String, Object> more) throws Exception {
        Map<String, Object> settings = new HashMap<>(Map.of("listen", "127.0.0.1:0", "workers", "1",
                "outbuf_overflow", "262144"));
        settings.putAll(serverPair.settings());
        settings.putAll(more);
        server = new Server("interop", Adjustments.parse(settings),
                () -> LiveServerTest.mounts(Map.of("/", WHO, "/big", BIG, "/file", FILE)), log.logger, log.logger);
        server.start();
        port = LiveServerTest.tcpAddress(server).getPort();
    }

    private String url(String path) {
        return "https://localhost:" + port + path;
    }

    @Test
    void curlOverTls12AndTls13() throws Exception {
        start(Map.of());
        Run tls12 = run(null, "curl", "-sS", "-v", "--cacert", ca.caCertificate().toString(), "--tlsv1.2", "--tls-max",
                "1.2", url("/"));
        assertEquals(0, tls12.exit(), tls12.err());
        assertTrue(tls12.err().contains("SSL connection using TLSv1.2"), tls12.err());
        assertTrue(tls12.err().contains("ALPN: server accepted http/1.1")
                || tls12.err().contains("ALPN, server accepted to use http/1.1"), tls12.err());
        assertEquals("anonymous 0 " + sha256(new byte[0]), tls12.out());
        Run tls13 = run(null, "curl", "-sS", "-v", "--cacert", ca.caCertificate().toString(), "--tlsv1.3", url("/"));
        assertEquals(0, tls13.exit(), tls13.err());
        assertTrue(tls13.err().contains("SSL connection using TLSv1.3"), tls13.err());
        assertNoLeftovers();
    }

    @Test
    void requiredClientCertificatesPresentMissingAndFromAnotherCa() throws Exception {
        start(Map.of("ca_certs", ca.caCertificate().toString(), "cert_reqs", "required"));
        Run present = curl("--cert", alice.certfile().toString(), "--key", alice.keyfile().toString(), url("/"));
        assertEquals(0, present.exit(), present.err());
        assertTrue(present.out().startsWith("CN=alice 0 "), present.out());
        Run missing = curl(url("/"));
        assertNotEquals(0, missing.exit(), "no certificate: refused");
        Run stranger = curl("--cert", mallory.certfile().toString(), "--key", mallory.keyfile().toString(), url("/"));
        assertNotEquals(0, stranger.exit(), "a certificate of another CA: refused");
        Run sClient = run("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", "openssl", "s_client", "-connect",
                "127.0.0.1:" + port, "-CAfile", ca.caCertificate().toString(), "-cert", mallory.certfile().toString(),
                "-key", mallory.keyfile().toString(), "-quiet");
        assertTrue(!sClient.out().contains("HTTP/1.1 200"), sClient.out());
        assertTrue(sClient.err().contains("alert") || sClient.exit() != 0, sClient.err());
        Run again = curl("--cert", alice.certfile().toString(), "--key", alice.keyfile().toString(), url("/"));
        assertTrue(again.out().startsWith("CN=alice 0 "), "the server goes on: " + again.out());
        assertNoLeftovers();
    }

    @Test
    void aClientThatDoesNotTrustTheServerGivesUpAndPlainHttpGets400() throws Exception {
        start(Map.of());
        Run distrust = run(null, "curl", "-sS", "--cacert", otherCa.caCertificate().toString(), url("/"));
        assertEquals(60, distrust.exit(), "curl: peer certificate cannot be authenticated: " + distrust.err());
        Run plain = run(null, "curl", "-sS", "-w", " %{http_code}", "http://localhost:" + port + "/");
        assertEquals(0, plain.exit(), plain.err());
        assertTrue(plain.out().endsWith(" 400"), plain.out());
        assertTrue(plain.out().contains("The plain HTTP request was sent to HTTPS port"), plain.out());
        assertNoLeftovers();
    }

    @Test
    void aClientKilledWithoutCloseNotifyCostsNothing() throws Exception {
        start(Map.of("suppress_ragged_eofs", "false"));
        Process sClient = new ProcessBuilder("openssl", "s_client", "-connect", "127.0.0.1:" + port, "-CAfile",
                ca.caCertificate().toString(), "-quiet").redirectError(ProcessBuilder.Redirect.DISCARD).start();
        sClient.getOutputStream().write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        sClient.getOutputStream().flush();
        InputStream out = sClient.getInputStream();
        StringBuilder response = new StringBuilder();
        while (!response.toString().contains("anonymous 0 ")) {
            int c = out.read();
            assertTrue(c >= 0, "answered before the kill: " + response);
            response.append((char) c);
        }
        assertEquals(1, server.connectionCount());
        sClient.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        awaitTrue(() -> server.connectionCount() == 0);
        assertNoLeftovers();
        log.assertNoErrors();
    }

    @Test
    void largeBodiesBothWaysWithCurl() throws Exception {
        start(Map.of());
        byte[] upload = new byte[3 << 20];
        new Random(8).nextBytes(upload);
        Path file = shared.resolve("upload.bin");
        Files.write(file, upload);
        Run up = curl("--data-binary", "@" + file, url("/"));
        assertEquals(0, up.exit(), up.err());
        assertEquals("anonymous " + upload.length + " " + sha256(upload), up.out());
        Path downloaded = shared.resolve("downloaded.bin");
        Run down = curl("-o", downloaded.toString(), url("/big"));
        assertEquals(0, down.exit(), down.err());
        assertEquals(8 << 20, Files.size(downloaded));
        Run sent = curl("-o", shared.resolve("file.bin").toString(), url("/file"));
        assertEquals(0, sent.exit(), sent.err());
        assertArrayEquals(servedBytes, Files.readAllBytes(shared.resolve("file.bin")), "sendFile over TLS");
        assertNoLeftovers();
    }

    @Test
    void pipelinedRequestsThroughOpensslSClient() throws Exception {
        start(Map.of());
        String requests = "GET / HTTP/1.1\r\nHost: x\r\n\r\n"
                + "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello"
                + "GET /file HTTP/1.1\r\nHost: x\r\n\r\n"
                + "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
        Run sClient = run(requests, "openssl", "s_client", "-connect", "127.0.0.1:" + port, "-CAfile",
                ca.caCertificate().toString(), "-quiet", "-ign_eof");
        assertEquals(4, count(sClient.out(), "HTTP/1.1 200 OK"), sClient.out().substring(0, 400));
        assertTrue(sClient.out().contains("anonymous 5 " + sha256("hello".getBytes(StandardCharsets.US_ASCII))));
        assertTrue(sClient.out().length() > servedBytes.length, "the file came whole in between");
        assertNoLeftovers();
    }

    private void assertNoLeftovers() throws InterruptedException {
        awaitTrue(() -> server.connectionCount() == 0);
        assertEquals(0, server.tlsForTest().records().outstanding(), "every record buffer went back to the pool");
    }

    private static int count(String text, String part) {
        int n = 0;
        for (int at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + 1)) {
            n++;
        }
        return n;
    }

    private Run curl(String... arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("curl", "-sS", "--cacert", ca.caCertificate().toString()));
        command.addAll(List.of(arguments));
        return run(null, command.toArray(new String[0]));
    }

    /** What a client process printed, and how it ended. */
    private record Run(int exit, String out, String err) {
    }

    private static Run run(String input, String... command) throws IOException, InterruptedException {
        Process process;
        try {
            process = new ProcessBuilder(command).start();
        } catch (IOException e) {
            throw new IOException("the interoperability tests need " + command[0] + " (apt-get install curl openssl)", e);
        }
        CompletableFuture<byte[]> out = CompletableFuture.supplyAsync(() -> readAll(process.getInputStream()));
        CompletableFuture<byte[]> err = CompletableFuture.supplyAsync(() -> readAll(process.getErrorStream()));
        if (input != null) {
            process.getOutputStream().write(input.getBytes(StandardCharsets.ISO_8859_1));
        }
        process.getOutputStream().close();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " did not end");
        }
        return new Run(process.exitValue(), new String(out.join(), StandardCharsets.ISO_8859_1),
                new String(err.join(), StandardCharsets.UTF_8));
    }

    private static byte[] readAll(InputStream in) {
        try {
            return in.readAllBytes();
        } catch (IOException e) {
            return new byte[0];
        }
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }
}
