package dev.usher.dispatcher;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Map;

import javax.net.ssl.SSLContext;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every {@link ServerTest} again over TLS: the server has a certificate, and each client
 * connects with a TLS handshake. Framing, limits, pipelining, streaming, spilled responses and
 * files must behave exactly as over plain TCP.
 */
class TlsServerTest extends ServerTest {

    @TempDir
    static Path certificates;
    private static TestCertificates.Pair pair;
    private static SSLContext clients;

    @BeforeAll
    static void certificates() throws IOException {
        TestCertificates ca = TestCertificates.ca(certificates, "engine");
        pair = ca.server(TestCertificates.KeyForm.EC_PKCS8, 42);
        clients = ca.clientContext(null);
    }

    @Override
    Map<String, Object> transportSettings() {
        return pair.settings();
    }

    @Override
    String scheme() {
        return "https";
    }

    @Override
    int largestRead() {
        // a record's plaintext
        return 16384;
    }

    @Override
    RawClient client(InetSocketAddress address) throws IOException {
        return new RawClient(TestCertificates.connect(clients, address));
    }
}
