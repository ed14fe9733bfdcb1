package dev.usher.itests;

import static org.junit.Assert.assertEquals;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;

import dev.usher.config.UnconfiguredServers;
import dev.usher.itests.ClientConnection.Response;

/**
 * An {@link UnconfiguredServers} service says what a server runs on once its configuration is
 * deleted: the server goes straight from the configuration to the answer, its {@code
 * ServerSettings} service and its listener kept, connections open before served on. A server it
 * answers none for stops; without the service, the config bundle's own rule holds.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class UnconfiguredServersIT extends UsherTestSupport {

    @Configuration
    public Option[] configuration() {
        return UsherOptions.withDemo();
    }

    @Test
    public void aDeletedConfigurationGivesWayToTheAnswerWithoutStoppingTheServer() throws Exception {
        int[] ports = freePorts(3);
        int defaultPort = ports[0];
        int aPort = ports[1];
        int bPort = ports[2];
        Map<String, Map<String, Object>> answers = new ConcurrentHashMap<>();
        answers.put(SERVER_PID, Map.of("listen", "127.0.0.1:" + defaultPort, "ident", "unconfigured"));
        answers.put(SERVER_PID + "~a", Map.of("listen", "127.0.0.1:" + aPort, "ident", "a-unconfigured"));
        ServiceRegistration<UnconfiguredServers> registration = context.registerService(UnconfiguredServers.class,
                pid -> Optional.ofNullable(answers.get(pid)), null);
        try {
            org.osgi.service.cm.Configuration defaultServer = configureDefaultServer("listen",
                    "127.0.0.1:" + defaultPort, "ident", "configured");
            org.osgi.service.cm.Configuration a = configureNamedServer("a", "listen", "127.0.0.1:" + aPort, "ident",
                    "a-configured");
            org.osgi.service.cm.Configuration b = configureNamedServer("b", "listen", "127.0.0.1:" + bPort);
            assertEquals("configured", awaitAnswer(defaultPort, "/").header("Server"));
            assertEquals("a-configured", awaitAnswer(aPort, "/").header("Server"));
            assertHello(awaitAnswer(bPort, "/"));
            Object defaultId = serviceId("default");
            Object aId = serviceId("a");

            try (ClientConnection onDefault = ClientConnection.open(defaultPort);
                    ClientConnection onA = ClientConnection.open(aPort)) {
                assertHello(onDefault.get("/"));
                assertHello(onA.get("/"));
                int mark = log.mark();

                defaultServer.delete();
                log.awaitSince(mark, "Server default: configuration applied", seconds(15));
                Response response = onDefault.get("/");
                assertHello(response);
                assertEquals("unconfigured", response.header("Server"));

                a.delete();
                log.awaitSince(mark, "Server a: configuration applied", seconds(15));
                response = onA.get("/");
                assertHello(response);
                assertEquals("a-unconfigured", response.header("Server"));

                b.delete();
                log.awaitSince(mark, "Server b stopped", seconds(15));
                awaitRefused(bPort);

                assertEquals("no listener opened or closed but b's", List.of("Stopped serving on http://127.0.0.1:"
                        + bPort), log.since(mark, "erving on "));
                assertEquals(List.of(), log.since(mark, "Server default stopped"));
                assertEquals(List.of(), log.since(mark, "Server a stopped"));
                assertEquals("the default server's ServerSettings service stays", defaultId, serviceId("default"));
                assertEquals("server a's ServerSettings service stays", aId, serviceId("a"));
            }

            // answered none: the server stops
            answers.remove(SERVER_PID + "~a");
            int mark = log.mark();
            writeAndDelete(configAdmin.getFactoryConfiguration(SERVER_PID, "a", "?"), "listen", "127.0.0.1:" + aPort);
            log.awaitSince(mark, "Server a stopped", seconds(15));
            awaitRefused(aPort);
        } finally {
            registration.unregister();
        }

        // without the service: usher.server.default=false here, so the default server stops
        int mark = log.mark();
        writeAndDelete(configAdmin.getConfiguration(SERVER_PID, "?"), "listen", "127.0.0.1:" + defaultPort);
        log.awaitSince(mark, "Server default stopped", seconds(15));
        awaitRefused(defaultPort);
        assertEquals(0, serverSettings().length);
    }

    /**
     * Writes a configuration and deletes it: how to tell the config bundle anew that a server has
     * none. Not tracked by {@link UsherTestSupport} (whose list of configurations fails on a
     * configuration deleted before the test ends).
     */
    private static void writeAndDelete(org.osgi.service.cm.Configuration configuration, String... keysAndValues)
            throws Exception {
        configuration.update(properties(keysAndValues));
        configuration.delete();
    }

    /** The service id of the {@code ServerSettings} of the server {@code name}. */
    private Object serviceId(String name) throws Exception {
        for (ServiceReference<?> reference : serverSettings()) {
            if (name.equals(reference.getProperty("usher.server.name"))) {
                return reference.getProperty(Constants.SERVICE_ID);
            }
        }
        throw new AssertionError("no ServerSettings for server " + name);
    }
}
