package dev.usher.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Certificate rotation in the real runtime, started the way gunicorn is ({@code --certfile},
 * {@code --keyfile}): wrk makes a new TLS connection for every request while the certificate and
 * key files are replaced ten times, and sees no error; after each replacement new connections
 * get the new certificate's serial number, and a keep-alive connection opened before the first
 * is still served after the last.
 */
class TlsRotationIT {

    private static final int ROTATIONS = 10;

    @TempDir
    Path directory;

    @Test
    void tenRotationsUnderWrkWithoutAnError() throws Exception {
        Assumptions.assumeTrue(Wrk.installed(), "wrk is not installed");
        Path caKey = directory.resolve("ca.key");
        Path caCert = directory.resolve("ca.pem");
        openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", caKey.toString());
        openssl("req", "-x509", "-new", "-key", caKey.toString(), "-out", caCert.toString(), "-days", "2",
                "-subj", "/CN=rotation CA");
        Path certfile = directory.resolve("server.pem");
        Path keyfile = directory.resolve("server.key");
        install(issue(caCert, caKey, 100), certfile, keyfile);
        SSLContext trusting = trusting(caCert);
        int port = UsherRun.freePort();
        InetSocketAddress address = new InetSocketAddress("127.0.0.1", port);
        try (UsherRun usher = UsherRun.start(directory, "-b", "127.0.0.1:" + port, "--certfile", certfile.toString(),
                "--keyfile", keyfile.toString(), "--access-logfile", "")) {
            usher.awaitServing();
            try (SSLSocket held = connect(trusting, address)) {
                assertEquals("Hello, World!", get(held));
                assertEquals(BigInteger.valueOf(100), serial(held));
                Wrk wrk = Wrk.start(directory, 8, Duration.ofSeconds(30), "https://127.0.0.1:" + port + "/",
                        "-H", "Connection: close");
                List<Long> seenAfterMillis = new ArrayList<>();
                for (int i = 1; i <= ROTATIONS; i++) {
                    BigInteger next = BigInteger.valueOf(100 + i);
                    install(issue(caCert, caKey, next.longValue()), certfile, keyfile);
                    long start = System.nanoTime();
                    usher.poll("new connections see serial " + next, Duration.ofSeconds(20), () -> {
                        try (SSLSocket fresh = connect(trusting, address)) {
                            return serial(fresh).equals(next);
                        } catch (IOException e) {
                            throw new AssertionError("a new connection failed during rotation " + next, e);
                        }
                    });
                    seenAfterMillis.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
                }
                Wrk.Report report = wrk.report(Duration.ofSeconds(90));
                System.out.println("TLS rotation: " + ROTATIONS + " replacements, new certificate seen after "
                        + seenAfterMillis + " ms; wrk -t1 -c8 -d30s -H 'Connection: close' (a handshake per "
                        + "request):\n" + report.text());
                assertTrue(report.requests() > 0, report::text);
                assertEquals(0, report.socketErrors(), report::text);
                assertEquals(0, report.non2xx(), report::text);
                assertEquals("Hello, World!", get(held), "the connection opened before the first rotation");
                assertEquals(BigInteger.valueOf(100), serial(held));
            }
            usher.signal("TERM");
            assertEquals(0, usher.awaitExit(UsherRun.SHUTDOWN), usher.console()::text);
        }
    }

    /** A server certificate for 127.0.0.1 with serial {@code serial}: its PEM certificate and key. */
    private Path[] issue(Path caCert, Path caKey, long serial) throws IOException, InterruptedException {
        Path key = directory.resolve("s" + serial + ".key");
        Path csr = directory.resolve("s" + serial + ".csr");
        Path cert = directory.resolve("s" + serial + ".pem");
        Path ext = directory.resolve("s" + serial + ".ext");
        Files.writeString(ext, "subjectAltName=IP:127.0.0.1,DNS:localhost\n");
        openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", key.toString());
        openssl("req", "-new", "-key", key.toString(), "-subj", "/CN=localhost", "-out", csr.toString());
        openssl("x509", "-req", "-in", csr.toString(), "-CA", caCert.toString(), "-CAkey", caKey.toString(),
                "-set_serial", Long.toString(serial), "-days", "2", "-extfile", ext.toString(), "-out", cert.toString());
        return new Path[] {cert, key};
    }

    /** Written aside and renamed over the old files, as deployment tools do. */
    private static void install(Path[] pair, Path certfile, Path keyfile) throws IOException {
        Path certNew = certfile.resolveSibling("server.pem.new");
        Path keyNew = keyfile.resolveSibling("server.key.new");
        Files.copy(pair[0], certNew, StandardCopyOption.REPLACE_EXISTING);
        Files.copy(pair[1], keyNew, StandardCopyOption.REPLACE_EXISTING);
        Files.move(certNew, certfile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        Files.move(keyNew, keyfile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static SSLContext trusting(Path caCert) throws Exception {
        KeyStore trusted = KeyStore.getInstance("PKCS12");
        trusted.load(null, null);
        try (var in = Files.newInputStream(caCert)) {
            trusted.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(trusted);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trust.getTrustManagers(), null);
        return context;
    }

    private static SSLSocket connect(SSLContext context, InetSocketAddress address) throws IOException {
        Socket plain = new Socket();
        plain.connect(address, 5000);
        plain.setSoTimeout(10_000);
        SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket(plain, "127.0.0.1", address.getPort(),
                true);
        socket.startHandshake();
        return socket;
    }

    private static BigInteger serial(SSLSocket socket) throws IOException {
        return ((X509Certificate) socket.getSession().getPeerCertificates()[0]).getSerialNumber();
    }

    /** One keep-alive GET of {@code /} on {@code socket}: the body of the hello demo. */
    private static String get(SSLSocket socket) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1));
        int length = -1;
        for (String line; !(line = in.readLine()).isEmpty(); ) {
            if (line.regionMatches(true, 0, "Content-Length:", 0, 15)) {
                length = Integer.parseInt(line.substring(15).trim());
            }
        }
        char[] body = new char[length];
        int read = 0;
        while (read < length) {
            read += in.read(body, read, length - read);
        }
        return new String(body);
    }

    private static void openssl(String... arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("openssl"));
        command.addAll(List.of(arguments));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " failed: " + output);
        }
    }
}
