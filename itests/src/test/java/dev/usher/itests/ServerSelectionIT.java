package dev.usher.itests;

import static org.junit.Assert.assertEquals;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

import dev.usher.itests.ClientConnection.Response;

/**
 * {@code usher.server} with the default server and a factory server {@code admin} (issue 5),
 * for what {@link NamedServersIT} does not already cover: a list naming the default server
 * beside a factory server, an application without the property on the default server too, and
 * on a server configured after the application was mounted. (An application naming one factory
 * server only, as a String or a String[], and one naming two factory servers, are covered
 * there.) Applications are registered while the servers run. Without the demo.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class ServerSelectionIT extends UsherTestSupport {

    @Configuration
    public Option[] configuration() {
        return UsherOptions.withoutDemo();
    }

    @Test
    public void usherServerSelectsTheServersAnApplicationIsMountedOn() throws Exception {
        int[] ports = freePorts(3);
        int defaultPort = ports[0];
        int adminPort = ports[1];
        int latePort = ports[2];
        configureDefaultServer("listen", "127.0.0.1:" + defaultPort);
        configureNamedServer("admin", "listen", "127.0.0.1:" + adminPort);
        awaitAnswer(defaultPort, "/");
        awaitAnswer(adminPort, "/");

        registerApplication(answering("admin-only"), "/admin-only", "admin");
        registerApplication(answering("listed"), "/listed", new String[] {"default", "admin"});
        registerApplication(answering("everywhere"), "/everywhere", null);

        try (ClientConnection onDefault = ClientConnection.open(defaultPort);
                ClientConnection onAdmin = ClientConnection.open(adminPort)) {
            assertText("listed server=default", onDefault.get("/listed/x"));
            assertText("listed server=admin", onAdmin.get("/listed/x"));
            assertText("everywhere server=default", onDefault.get("/everywhere/x"));
            assertText("everywhere server=admin", onAdmin.get("/everywhere/x"));
            assertText("admin-only server=admin", onAdmin.get("/admin-only"));
            assertStatus("admin-only is not on the default server", 404, onDefault.get("/admin-only"));
        }

        // a server configured later: the application without usher.server is mounted there too
        configureNamedServer("late", "listen", "127.0.0.1:" + latePort);
        assertText("everywhere server=late", awaitAnswer(latePort, "/everywhere"));
        assertStatus("listed names default and admin only", 404, ClientConnection.get(latePort, "/listed"));
        assertStatus("admin-only", 404, ClientConnection.get(latePort, "/admin-only"));
    }

    private static void assertStatus(String why, int status, Response response) {
        assertEquals(why + ": " + response, status, response.status());
    }

    private static void assertText(String text, Response response) {
        assertEquals("status of " + response, 200, response.status());
        assertEquals(text, response.text());
    }
}
