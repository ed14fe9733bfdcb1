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
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Hashtable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import javax.inject.Inject;

import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.rules.TestName;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.log.LogReaderService;

import dev.usher.api.HttpApplication;
import dev.usher.api.HttpRequest;
import dev.usher.api.HttpResponse;
import dev.usher.itests.ClientConnection.Response;

/**
 * What every in-container test uses: the injected services, Usher configurations that are
 * deleted after each test (and waited for until every server has stopped), configuration
 * changes awaited through the server's log, test applications (unregistered after each test,
 * {@link SlowApplication}s opened first), free loopback ports and the log printed to stdout.
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
    private final List<ServiceRegistration<?>> registrations = new ArrayList<>();
    private final List<SlowApplication> slowApplications = new ArrayList<>();

    @Before
    public void captureLog() {
        System.out.println("==== " + getClass().getSimpleName() + "." + testName.getMethodName());
        logReader.addLogListener(log);
    }

    @After
    public void deleteConfigurations() throws Exception {
        try {
            // held requests first: a server that stops waits for its application threads
            slowApplications.forEach(SlowApplication::release);
            for (Configuration configuration : configurations) {
                try {
                    configuration.delete();
                } catch (IllegalStateException alreadyDeleted) {
                    // the test deleted it itself
                }
            }
            Await.condition("every Usher server to be gone", () -> serverSettings().length == 0);
        } finally {
            for (ServiceRegistration<?> registration : registrations) {
                try {
                    registration.unregister();
                } catch (IllegalStateException alreadyUnregistered) {
                    // the test unregistered it itself
                }
            }
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

    /** Creates or updates the factory configuration {@code dev.usher.server~name} with typed values. */
    protected Configuration configureNamedServer(String name, Dictionary<String, Object> properties)
            throws IOException {
        return track(configAdmin.getFactoryConfiguration(SERVER_PID, name, "?"), properties);
    }

    private Configuration track(Configuration configuration, String... keysAndValues) throws IOException {
        return track(configuration, properties(keysAndValues));
    }

    private Configuration track(Configuration configuration, Dictionary<String, Object> properties)
            throws IOException {
        configuration.update(properties);
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

    /** Unregisters {@code registration} after the test. */
    protected void track(ServiceRegistration<?> registration) {
        registrations.add(registration);
    }

    /** An application for the tests: answers with where it was mounted and the path it got. */
    protected static void describeRequest(HttpRequest request, HttpResponse response) throws Exception {
        byte[] body = ("itest script_name=" + request.scriptName() + " path_info=" + request.pathInfo())
                .getBytes(StandardCharsets.UTF_8);
        response.setHeader("Content-Type", "text/plain");
        response.contentLength(body.length);
        response.body().write(body);
    }

    /**
     * Updates {@code configuration} (a server's, made by this class) to exactly these properties
     * and waits until its server logs {@code Server NAME: configuration applied}.
     *
     * @return the log mark taken before the update: what the change logged comes after it
     */
    protected int reconfigure(Configuration configuration, String... keysAndValues) throws Exception {
        int mark = log.mark();
        configuration.update(properties(keysAndValues));
        log.awaitSince(mark, "Server " + serverName(configuration) + ": configuration applied", seconds(15));
        return mark;
    }

    /**
     * Updates {@code configuration} with settings that must be refused, and waits for the error
     * that says so: a message containing {@code expected}. Asserts that the server did not
     * apply anything.
     *
     * @return the refusal's log message
     */
    protected String reconfigureRefused(Configuration configuration, String expected, String... keysAndValues)
            throws Exception {
        int mark = log.mark();
        configuration.update(properties(keysAndValues));
        String message = log.awaitSince(mark, expected, seconds(15));
        assertEquals("applied after " + message, List.of(),
                log.since(mark, "Server " + serverName(configuration) + ": configuration applied"));
        return message;
    }

    /** The server name of a configuration: {@code default}, or the name of a factory configuration. */
    protected static String serverName(Configuration configuration) {
        String pid = configuration.getPid();
        int tilde = pid.indexOf('~');
        return tilde < 0 ? "default" : pid.substring(tilde + 1);
    }

    /**
     * Registers {@code application} at {@code mount} (a String or String[]), on the servers
     * {@code servers} names ({@code usher.server}: null for all, a String or a String[]); it is
     * unregistered after the test.
     */
    protected ServiceRegistration<HttpApplication> registerApplication(HttpApplication application, Object mount,
            Object servers) {
        Hashtable<String, Object> properties = new Hashtable<>();
        properties.put("usher.mount", mount);
        if (servers != null) {
            properties.put("usher.server", servers);
        }
        ServiceRegistration<HttpApplication> registration =
                context.registerService(HttpApplication.class, application, properties);
        registrations.add(registration);
        return registration;
    }

    /**
     * Mounts a {@link SlowApplication} at {@code mount} on every server and waits until the
     * server on 127.0.0.1:{@code port} serves it. Its gate is opened after the test.
     */
    protected SlowApplication mountSlow(String mount, int port) {
        SlowApplication slow = registerSlow(mount, null);
        Await.condition(mount + " mounted on 127.0.0.1:" + port,
                () -> ClientConnection.get(port, mount + "/probe").text().equals("probe"));
        return slow;
    }

    /**
     * Registers a {@link SlowApplication} at {@code mount} on the servers {@code servers} names
     * (see {@link #registerApplication}); its gate is opened after the test.
     */
    protected SlowApplication registerSlow(String mount, Object servers) {
        SlowApplication slow = new SlowApplication(mount);
        register(slow, servers);
        return slow;
    }

    /**
     * Registers {@code slow} at its mount on the servers {@code servers} names (see
     * {@link #registerApplication}); its gate is opened, and it is unregistered, after the test.
     */
    protected ServiceRegistration<HttpApplication> register(SlowApplication slow, Object servers) {
        slowApplications.add(slow);
        return registerApplication(slow, slow.mount(), servers);
    }

    /**
     * Registers {@code application} with exactly these service properties (e.g.
     * {@code usher.mount} and {@code service.ranking}); it is unregistered after the test.
     */
    protected ServiceRegistration<HttpApplication> registerApplication(HttpApplication application,
            Dictionary<String, Object> properties) {
        ServiceRegistration<HttpApplication> registration =
                context.registerService(HttpApplication.class, application, properties);
        registrations.add(registration);
        return registration;
    }

    /** An application for the tests: answers {@code 200 TEXT server=NAME} as text/plain. */
    protected static HttpApplication answering(String text) {
        return (request, response) -> {
            byte[] body = (text + " server=" + request.server()).getBytes(StandardCharsets.UTF_8);
            response.setHeader("Content-Type", "text/plain");
            response.contentLength(body.length);
            response.body().write(body);
        };
    }

    /** How many I/O loop threads of the server {@code serverName} are alive in this JVM. */
    protected static long ioThreads(String serverName) {
        String prefix = "usher-" + serverName + "-io-";
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().startsWith(prefix))
                .count();
    }

    /** Whether the IPv6 loopback address {@code ::1} can be bound here. */
    protected static boolean ipv6LoopbackAvailable() {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(InetAddress.getByName("::1"), 0));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** A port free right now on {@code host} (an IP literal): bound by the system, then released. */
    protected static int freePort(String host) throws IOException {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(false);
            socket.bind(new InetSocketAddress(InetAddress.getByName(host), 0));
            return socket.getLocalPort();
        }
    }

    /** {@code count} distinct loopback ports, each free right now. */
    protected static int[] freePorts(int count) throws IOException {
        int[] ports = new int[count];
        Set<Integer> seen = new HashSet<>();
        for (int i = 0; i < count; ) {
            int port = freePort();
            if (seen.add(port)) {
                ports[i++] = port;
            }
        }
        return ports;
    }

    /**
     * An application for the tests: answers, one {@code name=value} a line, where the request
     * came from as the server tells it ({@code remote_address}, {@code remote_port},
     * {@code scheme}, {@code host}, {@code port}, {@code server}) and every header field it sees
     * ({@code header.NAME}, repeats joined with {@code ", "}).
     */
    protected static void describeOrigin(HttpRequest request, HttpResponse response) throws Exception {
        StringBuilder text = new StringBuilder();
        text.append("remote_address=").append(request.remoteAddress()).append('\n');
        text.append("remote_port=").append(request.remotePort()).append('\n');
        text.append("scheme=").append(request.scheme()).append('\n');
        text.append("host=").append(request.host()).append('\n');
        text.append("port=").append(request.port()).append('\n');
        text.append("server=").append(request.server()).append('\n');
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 0; i < request.headers().size(); i++) {
            headers.merge(request.headers().name(i), request.headers().value(i), (a, b) -> a + ", " + b);
        }
        headers.forEach((name, value) -> text.append("header.").append(name).append('=').append(value).append('\n'));
        byte[] body = text.toString().getBytes(StandardCharsets.UTF_8);
        response.setHeader("Content-Type", "text/plain");
        response.contentLength(body.length);
        response.body().write(body);
    }

    /** The lines of a {@link #describeOrigin} answer as a map; asserts it is a 200. */
    protected static Map<String, String> origin(Response response) {
        assertEquals("status of " + response, 200, response.status());
        Map<String, String> values = new LinkedHashMap<>();
        for (String line : response.text().split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                values.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        return values;
    }

    protected static Duration seconds(long seconds) {
        return Duration.ofSeconds(seconds);
    }
}
