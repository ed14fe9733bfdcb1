package dev.usher.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertNull;

import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

import dev.usher.itests.ClientConnection.Response;

/**
 * Configuration changes reach running servers: a new {@code listen} moves the server without
 * dropping open connections, and factory configurations give independent servers.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class ReconfigurationIT extends UsherTestSupport {

    @Configuration
    public Option[] configuration() {
        return UsherOptions.withDemo();
    }

    @Test
    public void listenChangeMovesServerAndKeepsIdleConnection() throws Exception {
        int oldPort = freePort();
        org.osgi.service.cm.Configuration configuration = configureDefaultServer("listen", "127.0.0.1:" + oldPort);
        assertHello(awaitAnswer(oldPort, "/"));

        try (ClientConnection idle = ClientConnection.open(oldPort)) {
            Response first = idle.get("/");
            assertHello(first);
            assertNull("kept alive: " + first, first.header("Connection"));

            int newPort = freePort();
            assertNotEquals(oldPort, newPort);
            configuration.update(properties("listen", "127.0.0.1:" + newPort));

            log.await("Serving on http://127.0.0.1:" + newPort, seconds(15));
            assertHello(awaitAnswer(newPort, "/"));
            awaitRefused(oldPort);

            // the connection accepted by the old listener stays with the server
            Response second = idle.get("/echo/after-change");
            assertEquals("status of " + second, 200, second.status());
            assertContains(second.text(), "\"path\":\"/after-change\"");
            assertHello(idle.get("/"));
        }
        assertEquals("still one server", 1, serverSettings().length);
    }

    @Test
    public void twoFactoryConfigurationsGiveTwoServers() throws Exception {
        int adminPort = freePort();
        int publicPort = freePort();
        assertNotEquals(adminPort, publicPort);
        configureNamedServer("admin", "listen", "127.0.0.1:" + adminPort, "ident", "usher-admin");
        org.osgi.service.cm.Configuration publicServer =
                configureNamedServer("public", "listen", "127.0.0.1:" + publicPort);

        Response admin = awaitAnswer(adminPort, "/");
        Response pub = awaitAnswer(publicPort, "/");
        assertHello(admin);
        assertHello(pub);
        assertEquals("usher-admin", admin.header("Server"));
        assertEquals("usher", pub.header("Server"));

        Set<Object> names = Arrays.stream(serverSettings()).map(r -> r.getProperty("usher.server.name"))
                .collect(Collectors.toSet());
        assertEquals(Set.of("admin", "public"), names);

        // deleting one leaves the other running
        publicServer.delete();
        awaitRefused(publicPort);
        assertHello(ClientConnection.get(adminPort, "/"));
    }
}
