package dev.usher.bench;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.PreEncodedHttpField;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The yardstick for Usher: the smallest reasonable Jetty 12 server, answering
 * every request with 200 "Hello, World!". Usage: {@code java -jar jetty-hello.jar PORT [KEYSTORE]}:
 * with a PKCS#12 {@code KEYSTORE} (password {@code bench}) it speaks HTTPS through Jetty's
 * {@code SslConnectionFactory}, the JDK's SSLEngine beneath its HTTP/1.1 connection.
 */
public final class JettyHello {

    private static final ByteBuffer BODY =
            ByteBuffer.wrap("Hello, World!".getBytes(StandardCharsets.US_ASCII)).asReadOnlyBuffer();
    // Pre-encoded so each response copies bytes instead of re-encoding the header.
    private static final PreEncodedHttpField CONTENT_TYPE =
            new PreEncodedHttpField(HttpHeader.CONTENT_TYPE, "text/plain");
    private static final PreEncodedHttpField CONTENT_LENGTH =
            new PreEncodedHttpField(HttpHeader.CONTENT_LENGTH, Integer.toString(BODY.remaining()));

    public static void main(String[] args) throws Exception {
        if (args.length != 1 && args.length != 2) {
            System.err.println("usage: java -jar jetty-hello.jar PORT [KEYSTORE.p12]");
            System.exit(2);
        }
        int port = Integer.parseInt(args[0]);

        // Jetty's default of 200 threads is meant for blocking servlet apps; this handler
        // never blocks, so on a 2-core box a small pool avoids pointless context switching.
        // Overridable with the property name the Jetty distribution uses.
        int maxThreads = Integer.getInteger("jetty.threadPool.maxThreads", 16);
        QueuedThreadPool threads = new QueuedThreadPool(maxThreads, Math.min(8, maxThreads));
        threads.setName("hello");

        Server server = new Server(threads);
        ServerConnector connector;
        if (args.length == 2) {
            SslContextFactory.Server tls = new SslContextFactory.Server();
            tls.setKeyStorePath(args[1]);
            tls.setKeyStorePassword("bench");
            tls.setKeyStoreType("PKCS12");
            connector = new ServerConnector(server, tls);
        } else {
            connector = new ServerConnector(server);
        }
        connector.setHost("127.0.0.1");
        connector.setPort(port);
        server.addConnector(connector);
        server.setHandler(new Hello());
        // SIGTERM from the bench script should stop Jetty cleanly, not mid-write.
        server.setStopAtShutdown(true);
        server.start();
        server.join();
    }

    /** Non-blocking, so Jetty may run it on the selector thread without a dispatch. */
    private static final class Hello extends Handler.Abstract.NonBlocking {
        @Override
        public boolean handle(Request request, Response response, Callback callback) {
            response.setStatus(200);
            response.getHeaders().put(CONTENT_TYPE);
            response.getHeaders().put(CONTENT_LENGTH);
            response.write(true, BODY.slice(), callback);
            return true;
        }
    }
}
