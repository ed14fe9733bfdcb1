package dev.usher.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.HexFormat;
import java.util.Hashtable;
import java.util.List;

import javax.inject.Inject;

import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.rules.TestName;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.log.LogReaderService;

import dev.usher.api.HttpRequest;
import dev.usher.api.HttpResponse;
import dev.usher.itests.ClientConnection.Response;

/**
 * What every in-container test uses: the injected services, Usher configurations that are
 * deleted after each test (and waited for until every server has stopped), free loopback ports
 * and the log printed to stdout.
 */
public abstract class UsherTestSupport {

    /** The configuration PID, and factory PID, of Usher servers. */
    static final String SERVER_PID = "dev.usher.server";
    /** The service the config bundle registers per server configuration. */
    static final String SERVER_SETTINGS = "dev.usher.config.ServerSettings";

    @Inject
    protected BundleContext context;

    @Inject
    protected ConfigurationAdmin configAdmin;

    @Inject
    protected LogReaderService logReader;

    @Rule
    public final TestName testName = new TestName();

    protected final LogCapture log = new LogCapture();
    private final List<Configuration> configurations = new ArrayList<>();

    @Before
    public void captureLog() {
        System.out.println("==== " + getClass().getSimpleName() + "." + testName.getMethodName());
        logReader.addLogListener(log);
    }

    @After
    public void deleteConfigurations() throws Exception {
        try {
            for (Configuration configuration : configurations) {
                try {
                    configuration.delete();
                } catch (IllegalStateException alreadyDeleted) {
                    // the test deleted it itself
                }
            }
            Await.condition("every Usher server to be gone", () -> serverSettings().length == 0);
        } finally {
            logReader.removeLogListener(log);
        }
    }

    /**
     * Creates or updates the default server's configuration (PID {@value #SERVER_PID}), unbound
     * so the config bundle sees it (TOOLCHAIN gotcha 3).
     */
    protected Configuration configureDefaultServer(String... keysAndValues) throws IOException {
        Configuration configuration = configAdmin.getConfiguration(SERVER_PID, "?");
        return track(configuration, keysAndValues);
    }

    /** Creates or updates the factory configuration {@code dev.usher.server~name}. */
    protected Configuration configureNamedServer(String name, String... keysAndValues) throws IOException {
        Configuration configuration = configAdmin.getFactoryConfiguration(SERVER_PID, name, "?");
        return track(configuration, keysAndValues);
    }

    private Configuration track(Configuration configuration, String... keysAndValues) throws IOException {
        configuration.update(properties(keysAndValues));
        if (!configurations.contains(configuration)) {
            configurations.add(configuration);
        }
        return configuration;
    }

    /** Configuration properties from alternating keys and values. */
    protected static Dictionary<String, Object> properties(String... keysAndValues) {
        Hashtable<String, Object> properties = new Hashtable<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            properties.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return properties;
    }

    /** The {@code ServerSettings} services registered now. */
    protected ServiceReference<?>[] serverSettings() throws InvalidSyntaxException {
        ServiceReference<?>[] references = context.getAllServiceReferences(SERVER_SETTINGS, null);
        return references == null ? new ServiceReference<?>[0] : references;
    }

    /** A loopback port free right now: bound by the system, then released. */
    protected static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(false);
            socket.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
            return socket.getLocalPort();
        }
    }

    /** Polls {@code GET target} on a new connection until the server answers; returns the answer. */
    protected static Response awaitAnswer(int port, String target) {
        return Await.until("an HTTP answer on 127.0.0.1:" + port + target, () -> ClientConnection.get(port, target));
    }

    /** Polls until connections to {@code port} are refused. */
    protected static void awaitRefused(int port) {
        Await.condition("127.0.0.1:" + port + " to refuse connections", () -> ClientConnection.refuses(port));
    }

    /** Asserts a 200 {@code Hello, World!} from the demo's hello application. */
    protected static void assertHello(Response response) {
        assertEquals("status of " + response, 200, response.status());
        assertEquals("body of " + response, "Hello, World!", response.text());
    }

    /** Asserts that {@code text} contains {@code part}. */
    protected static void assertContains(String text, String part) {
        assertTrue("'" + part + "' in " + text, text.contains(part));
    }

    /** The SHA-256 of {@code bytes} in lower-case hex, as the echo application reports it. */
    protected static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    /** An application for the tests: answers with where it was mounted and the path it got. */
    protected static void describeRequest(HttpRequest request, HttpResponse response) throws Exception {
        byte[] body = ("itest script_name=" + request.scriptName() + " path_info=" + request.pathInfo())
                .getBytes(StandardCharsets.UTF_8);
        response.setHeader("Content-Type", "text/plain");
        response.contentLength(body.length);
        response.body().write(body);
    }

    protected static Duration seconds(long seconds) {
        return Duration.ofSeconds(seconds);
    }
}
