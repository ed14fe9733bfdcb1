package dev.usher.itests;

import static org.junit.Assert.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.Hashtable;
import java.util.List;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.ServiceRegistration;

import dev.usher.api.HttpApplication;
import dev.usher.itests.ClientConnection.Response;

/**
 * Factory configurations {@code dev.usher.server~NAME} are independent servers, and an
 * application's {@code usher.server} property picks the servers it is mounted on. Without the
 * demo: nothing answers that the test did not mount.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class NamedServersIT extends UsherTestSupport {

    @Configuration
    public Option[] configuration() {
        return UsherOptions.withoutDemo();
    }

    @Test
    public void factoryServersServeTheirOwnApplications() throws Exception {
        int[] ports = freePorts(3);
        int defaultPort = ports[0];
        int aPort = ports[1];
        int bPort = ports[2];
        registerApplication(tagged("default-app"), "/app", "default");
        registerApplication(tagged("a-app"), "/app", "a");
        registerApplication(tagged("b-app"), "/app", new String[] {"b"});
        ServiceRegistration<HttpApplication> both =
                registerApplication(tagged("ab-app"), "/both", new String[] {"a", "b"});
        SlowApplication slow = registerSlow("/slow", null);

        configureDefaultServer("listen", "127.0.0.1:" + defaultPort);
        org.osgi.service.cm.Configuration a = configureNamedServer("a", "listen", "127.0.0.1:" + aPort, "ident",
                "usher-a");
        configureNamedServer("b", "listen", "127.0.0.1:" + bPort, "ident", "usher-b");

        assertTagged("default-app server=default path=/x", "usher", awaitAnswer(defaultPort, "/app/x"));
        assertTagged("a-app server=a path=/x", "usher-a", awaitAnswer(aPort, "/app/x"));
        assertTagged("b-app server=b path=/x", "usher-b", awaitAnswer(bPort, "/app/x"));
        assertTagged("ab-app server=a path=", "usher-a", ClientConnection.get(aPort, "/both"));
        assertTagged("ab-app server=b path=", "usher-b", ClientConnection.get(bPort, "/both"));
        Response notOnDefault = ClientConnection.get(defaultPort, "/both");
        assertEquals("ab-app is not on the default server: " + notOnDefault, 404, notOnDefault.status());

        try (ClientConnection idleA = ClientConnection.open(aPort);
                ClientConnection idleB = ClientConnection.open(bPort);
                ClientConnection inFlightA = ClientConnection.open(aPort);
                ClientConnection inFlightB = ClientConnection.open(bPort)) {
            assertTagged("a-app server=a path=/idle", "usher-a", idleA.get("/app/idle"));
            assertTagged("b-app server=b path=/idle", "usher-b", idleB.get("/app/idle"));
            slow.begin(inFlightA, "on-a");
            slow.begin(inFlightB, "on-b");

            // server a changes; b and the default server do not notice
            int mark = reconfigure(a, "listen", "127.0.0.1:" + aPort, "ident", "usher-a2");
            assertEquals(List.of(), log.since(mark, "Server b:"));
            assertEquals(List.of(), log.since(mark, "Server default:"));
            assertTagged("a-app server=a path=/after", "usher-a2", idleA.get("/app/after"));
            assertTagged("b-app server=b path=/after", "usher-b", idleB.get("/app/after"));

            // ab-app moves to server a only
            Hashtable<String, Object> properties = new Hashtable<>();
            properties.put("usher.mount", "/both");
            properties.put("usher.server", "a");
            both.setProperties(properties);
            Response gone = Await.until("/both to leave server b", () -> {
                Response r = idleB.get("/both");
                return r.status() == 404 ? r : null;
            });
            assertEquals(404, gone.status());
            assertTagged("ab-app server=a path=", "usher-a2", idleA.get("/both"));

            slow.release();
            slow.assertFinished(inFlightA, "on-a");
            slow.assertFinished(inFlightB, "on-b");
            assertTagged("a-app server=a path=/end", "usher-a2", idleA.get("/app/end"));
            assertTagged("b-app server=b path=/end", "usher-b", idleB.get("/app/end"));
            assertTagged("default-app server=default path=/end", "usher", ClientConnection.get(defaultPort,
                    "/app/end"));
        }
    }

    /** An application that answers {@code TAG server=NAME path=PATH_INFO}. */
    private static HttpApplication tagged(String tag) {
        return (request, response) -> {
            byte[] body = (tag + " server=" + request.server() + " path=" + request.pathInfo())
                    .getBytes(StandardCharsets.UTF_8);
            response.setHeader("Content-Type", "text/plain");
            response.contentLength(body.length);
            response.body().write(body);
        };
    }

    private static void assertTagged(String text, String ident, Response response) {
        assertEquals("status of " + response, 200, response.status());
        assertEquals(text, response.text());
        assertEquals("Server header of " + response, ident, response.header("Server"));
    }
}
