package dev.usher.karaf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.LifecycleMethodExecutionExceptionHandler;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;

/**
 * Usher as a Karaf user gets it: the {@code usher-demo} feature installed with {@code feature:repo-add}
 * and {@code feature:install} into a real, unmodified Apache Karaf 4.4.10 distribution started as a
 * process, configured through etc/ and Karaf's shell, and observed over HTTP and through Karaf's
 * own commands.
 *
 * <p>It proves what neither of the other checks can: karaf-maven-plugin's {@code verify} (features/)
 * resolves the features but never starts a bundle, and the pax-exam tests (itests/) run the bundles
 * in a bare Felix provisioned by hand. Here the features descriptor is read by Karaf's feature
 * service, the bundles wire against Karaf's framework exports, Declarative Services comes from
 * Karaf's {@code scr} feature, the Log Service from pax-logging, and the configuration from
 * Karaf's Config Admin through fileinstall ({@code etc/dev.usher.server.cfg}). In particular:
 * <ul>
 * <li>a cfg file written before start is what the server listens by: {@code listen=127.0.0.1:PORT}
 * serves on loopback, and not on the machine's other address (its first non-loopback IPv4 address,
 * when it has one);
 * <li>{@code config:property-set} reaches the running server in place: a keep-alive connection
 * opened before the change is still served after it, and the new {@code ident} is the
 * {@code Server} header;
 * <li>{@code usher:servers}, the Gogo command, lists the server by name and address;
 * <li>{@code accesslog=log} lands in Karaf's log under logger {@code dev.usher.access}, where
 * {@code log:display} shows it;
 * <li>the status is off until {@code config:property-set} configures PID {@code dev.usher.status}.
 * </ul>
 *
 * <p>Nothing here depends on {@code mvn install}: the build copies the reactor's bundles and
 * descriptor into a repository under target/ that Karaf resolves {@code mvn:dev.usher/...} from.
 * Karaf gets no remote repository and no ~/.m2: what is not in its system/ folder comes from that
 * repository, or from a second one the build fills with Karaf's own {@code scr} feature (which
 * 4.4.10 does not ship in system/), so the test shows the features install offline. Karaf gets
 * free ports of its own (SSH, the JMX RMI registry and server) so it runs beside other builds and
 * beside a Karaf on the defaults.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RealKarafIT {

    private static final Duration SERVING = Duration.ofSeconds(60);
    private static final Duration APPLIED = Duration.ofSeconds(30);
    private static final Duration LOGGED = Duration.ofSeconds(60);

    private static Karaf karaf;
    private static int httpPort;

    /** On any failure, Karaf's log tail: a failure over the shell rarely explains itself. */
    @RegisterExtension
    static final KarafLogOnFailure LOG_ON_FAILURE = new KarafLogOnFailure();

    @BeforeAll
    static void startKarafAndInstallTheDemo() throws Exception {
        Map<String, Path> repositories = new LinkedHashMap<>();
        repositories.put("usher", path("usher.repository"));
        repositories.put("karaf-scr", path("karaf.scr.repository"));
        karaf = Karaf.prepare(path("karaf.dist"), path("karaf.run"), repositories);
        httpPort = Karaf.freePort();
        // before the first start, as an administrator would: the server comes up on it at install
        Files.writeString(karaf.etc().resolve("dev.usher.server.cfg"), String.join("\n",
                "listen = 127.0.0.1:" + httpPort,
                "accesslog = log",
                ""));
        karaf.start();
        awaitShell();
        String version = System.getProperty("usher.version");
        karaf.shell("feature:repo-add mvn:dev.usher/usher-features/" + version + "/xml/features");
        karaf.shell("feature:install usher-demo");
        // feature:install returns with the bundles started; the components activate (and bind the
        // listener) on SCR's own time
        Poll.until("GET / on 127.0.0.1:" + httpPort + " answering", SERVING, () -> {
            try (Http http = Http.connect(httpPort)) {
                return http.get("/").status() == 200;
            } catch (IOException e) {
                return false;
            }
        });
    }

    @AfterAll
    static void stopKaraf() throws Exception {
        if (karaf != null) {
            karaf.close();
        }
    }

    @Test
    @Order(1)
    void servesTheDemoOnLoopbackOnly() throws Exception {
        try (Http http = Http.connect(httpPort)) {
            Http.Response response = http.get("/");
            assertEquals(200, response.status(), response.toString());
            assertTrue(response.body().contains("Hello"), response.body());
        }
        // 127.0.0.1 must mean that address alone: a wildcard bind would answer on this one too
        Optional<InetAddress> elsewhere = nonLoopbackAddress();
        if (elsewhere.isPresent()) {
            try (Http http = Http.connect(elsewhere.get(), httpPort)) {
                fail("served on " + elsewhere.get().getHostAddress() + ":" + httpPort + " too, not on loopback only");
            } catch (IOException expected) {
                // refused (or filtered): not listening there
            }
        }
    }

    @Test
    @Order(2)
    void keepAliveConnectionIsServedThroughALiveIdentChange() throws Exception {
        String ident = "usher-in-karaf-" + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 16);
        try (Http keepAlive = Http.connect(httpPort)) {
            Http.Response before = keepAlive.get("/before-change");
            assertEquals(200, before.status(), before.toString());
            assertEquals("usher", before.header("Server"), "the default ident: " + before);

            karaf.shell("config:property-set -p dev.usher.server ident " + ident);

            // every look is a request on the same connection, which must still be served; the
            // change may also show on new connections first
            String seenOn = Poll.value("Server: " + ident + " after config:property-set", APPLIED, () -> {
                Http.Response response = keepAlive.get("/after-change");
                assertEquals(200, response.status(), "the keep-alive connection after the change: " + response);
                assertTrue(response.body().contains("Hello"), response.body());
                if (ident.equals(response.header("Server"))) {
                    return "the keep-alive connection";
                }
                try (Http fresh = Http.connect(httpPort)) {
                    return ident.equals(fresh.get("/").header("Server")) ? "a new connection" : null;
                }
            });
            Http.Response after = keepAlive.get("/after-applied");
            assertEquals(200, after.status(), "the keep-alive connection once the change applied (seen on "
                    + seenOn + "): " + after);
            assertNotEquals("close", after.header("Connection"), after.toString());
        }
    }

    /**
     * {@code usher:servers}: a header row, then one row per server holding its name and listen
     * address. Run once, not polled: the command is a service of a bundle the feature started, and
     * the server already answered, so it is there or it is missing.
     */
    @Test
    @Order(3)
    void usherServersListsTheDefaultServer() throws Exception {
        Karaf.Result result = karaf.run("usher:servers");
        assertEquals(0, result.status(), "usher:servers failed:\n" + result.output());
        String address = "127.0.0.1:" + httpPort;
        List<String> rows = result.output().lines().filter(line -> line.contains(address)).toList();
        assertTrue(rows.stream().anyMatch(row -> Pattern.compile("(^|\\W)default(\\W|$)").matcher(row).find()),
                "no row with server 'default' and " + address + ":\n" + result.output());
    }

    @Test
    @Order(4)
    void accessLogShowsInLogDisplay() throws Exception {
        String target = "/karaf-probe-" + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 16);
        try (Http http = Http.connect(httpPort)) {
            assertEquals(200, http.get(target).status());
        }
        String requestLine = "\"GET " + target + " HTTP/1.1\"";
        // one entry per "ENTRY " line start, its logger first: an entry may hold several access lines
        // (the access log writes a batch per entry)
        String entry = Poll.value(requestLine + " in log:display", LOGGED, () -> {
            String output = karaf.shell("log:display --no-color -p 'ENTRY %c %m%n' dev.usher.access");
            return Pattern.compile("(?m)^ENTRY ").splitAsStream(output)
                    .filter(e -> e.contains(requestLine))
                    .findFirst().orElse(null);
        });
        assertTrue(entry.startsWith("dev.usher.access "), "logged by another logger: " + entry);
    }

    /**
     * The status, off in the feature until configured: {@code config:property-set} on PID
     * {@code dev.usher.status} mounts it, and its JSON and metrics are Karaf's server's.
     */
    @Test
    @Order(5)
    void theStatusIsOffUntilConfiguredWithKarafsCommands() throws Exception {
        try (Http http = Http.connect(httpPort)) {
            assertEquals("Hello, World!", http.get("/usher/health").body(), "before: the demo's catch-all answers");
        }
        karaf.shell("config:property-set -p dev.usher.status mount /usher");
        String json = Poll.value("the status's JSON", SERVING, () -> {
            try (Http http = Http.connect(httpPort)) {
                Http.Response response = http.get("/usher/json");
                return response.status() == 200 && response.body().startsWith("{") ? response.body() : null;
            }
        });
        assertTrue(json.contains("\"listeners\":[\"http://127.0.0.1:" + httpPort + "\"]"), json);
        Karaf.Result stats = karaf.run("usher:stats");
        assertEquals(0, stats.status(), stats.output());
        assertTrue(stats.output().lines().anyMatch(line -> line.startsWith("default ")), stats.output());
    }

    /**
     * The servlet whiteboard in Karaf: the demo feature's servlet (built with bnd and the
     * whiteboard annotations) is served beside the native demo, and {@code usher-webconsole}
     * brings the Felix Web Console up on Usher, behind its login.
     */
    @Test
    @Order(6)
    void theDemoServletAndTheWebConsoleRunOnTheWhiteboard() throws Exception {
        try (Http http = Http.connect(httpPort)) {
            Http.Response hello = Poll.value("the demo servlet", SERVING, () -> {
                Http.Response r = http.get("/servlet/hello");
                return r.status() == 200 ? r : null;
            });
            assertEquals("Hello, World!", hello.body());
            assertEquals("Hello, World!", http.get("/").body(), "the native demo still answers at /");
        }
        karaf.shell("feature:install usher-webconsole");
        String basic = "Authorization: Basic " + java.util.Base64.getEncoder().encodeToString("admin:admin".getBytes());
        String bundles = Poll.value("the Web Console's bundle list", SERVING, () -> {
            try (Http http = Http.connect(httpPort)) {
                Http.Response r = http.get("/system/console/bundles.json", basic);
                return r.status() == 200 ? r.body() : null;
            }
        });
        assertTrue(bundles.contains("\"symbolicName\":\"dev.usher.servlet\""), bundles);
        try (Http http = Http.connect(httpPort)) {
            assertEquals(401, http.get("/system/console/bundles").status(), "without credentials");
            Http.Response page = http.get("/system/console/bundles", basic);
            assertEquals(200, page.status());
            assertTrue(page.body().contains("Apache Felix Web Console"), page.body());
        }
    }

    /** Until the shell's commands are registered, bin/client gets in but says "Command not found". */
    private static void awaitShell() throws Exception {
        Poll.until("Karaf's feature commands over bin/client", Karaf.START, () -> {
            if (!karaf.isAlive()) {
                fail("Karaf exited" + karaf.diagnostics());
            }
            return karaf.run("feature:repo-list").status() == 0;
        });
    }

    private static Optional<InetAddress> nonLoopbackAddress() throws SocketException {
        return NetworkInterface.networkInterfaces()
                .filter(network -> {
                    try {
                        return network.isUp() && !network.isLoopback();
                    } catch (SocketException e) {
                        return false;
                    }
                })
                .flatMap(NetworkInterface::inetAddresses)
                .filter(address -> address instanceof Inet4Address && !address.isLoopbackAddress()
                        && !address.isLinkLocalAddress())
                .findFirst();
    }

    private static Path path(String property) {
        String value = System.getProperty(property);
        assertTrue(value != null, property + " is not set (failsafe passes it; run with mvn verify -Pkaraf)");
        return Path.of(value).toAbsolutePath();
    }

    /** Prints Karaf's log tail when a test, or the start in {@code @BeforeAll}, fails. */
    static final class KarafLogOnFailure implements TestExecutionExceptionHandler, LifecycleMethodExecutionExceptionHandler {

        @Override
        public void handleTestExecutionException(ExtensionContext context, Throwable throwable) throws Throwable {
            report(context, throwable);
        }

        @Override
        public void handleBeforeAllMethodExecutionException(ExtensionContext context, Throwable throwable)
                throws Throwable {
            report(context, throwable);
        }

        private static void report(ExtensionContext context, Throwable throwable) throws Throwable {
            if (karaf != null && !String.valueOf(throwable.getMessage()).contains("---- ")) {
                System.err.println("==== " + context.getDisplayName() + " failed: " + throwable
                        + karaf.diagnostics().lines().collect(Collectors.joining("\n", "\n", "\n")));
            }
            throw throwable;
        }
    }
}
