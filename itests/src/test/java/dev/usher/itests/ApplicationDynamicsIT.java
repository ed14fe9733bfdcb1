package dev.usher.itests;

import static org.junit.Assert.assertEquals;

import java.util.Hashtable;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.log.LogLevel;

import dev.usher.api.HttpApplication;
import dev.usher.itests.ClientConnection.Response;

/**
 * The whiteboard while the server runs (issue 5): an application registered or unregistered is
 * seen by the very next request, on a keep-alive connection that stays open across the
 * changes; equal prefixes go to the highest {@code service.ranking}, then the lowest
 * {@code service.id}; invalid mounts are logged as errors and not mounted; {@code url_prefix}
 * applies first; a request in flight survives its application's unregistration. Without the
 * demo: nothing is mounted that the test did not mount.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class ApplicationDynamicsIT extends UsherTestSupport {

    @Configuration
    public Option[] configuration() {
        return UsherOptions.withoutDemo();
    }

    @Test
    public void nextRequestSeesEveryRegistrationAndUnregistration() throws Exception {
        int port = freePort();
        configureDefaultServer("listen", "127.0.0.1:" + port);
        assertStatus(404, awaitAnswer(port, "/dyn/x"));

        try (ClientConnection idle = ClientConnection.open(port)) {
            assertStatus(404, idle.get("/dyn/x"));

            // no polling: the request right after registerService returns is served by it
            ServiceRegistration<HttpApplication> outer = registerApplication(answering("outer"), "/dyn", null);
            assertText("outer server=default", idle.get("/dyn/x"));
            assertText("outer server=default", ClientConnection.get(port, "/dyn"));

            ServiceRegistration<HttpApplication> inner =
                    registerApplication(answering("inner"), "/dyn/deeper", null);
            assertText("inner server=default", idle.get("/dyn/deeper/y"));
            assertText("outer server=default", idle.get("/dyn/deeperx"));
            assertText("outer server=default", idle.get("/dyn/x"));

            inner.unregister();
            assertText("outer server=default", idle.get("/dyn/deeper/y"));

            outer.unregister();
            assertStatus(404, idle.get("/dyn/x"));
            assertStatus(404, ClientConnection.get(port, "/dyn"));

            ServiceRegistration<HttpApplication> again = registerApplication(answering("again"), "/dyn", null);
            assertText("again server=default", idle.get("/dyn/x"));
            again.unregister();
            assertStatus(404, idle.get("/dyn/x"));
        }
    }

    @Test
    public void equalPrefixesGoToTheHighestRankingThenTheLowestServiceId() throws Exception {
        int port = freePort();
        configureDefaultServer("listen", "127.0.0.1:" + port);
        awaitAnswer(port, "/rank");

        try (ClientConnection connection = ClientConnection.open(port)) {
            ServiceRegistration<HttpApplication> a = register("a", null);
            ServiceRegistration<HttpApplication> b = register("b", 0);
            assertText("equal ranking (0): the lowest service.id", "a server=default", connection.get("/rank/x"));
            ServiceRegistration<HttpApplication> c = register("c", 5);
            assertText("the highest ranking", "c server=default", connection.get("/rank/x"));
            ServiceRegistration<HttpApplication> d = register("d", 5);
            assertText("equal ranking (5): the lowest service.id", "c server=default", connection.get("/rank/x"));
            ServiceRegistration<HttpApplication> e = register("e", -1);
            assertText("a lower ranking changes nothing", "c server=default", connection.get("/rank/x"));

            a.setProperties(rankedProperties(10));
            assertText("a's ranking raised to 10", "a server=default", connection.get("/rank/x"));
            d.setProperties(rankedProperties(10));
            assertText("a and d at 10: a has the lower service.id", "a server=default", connection.get("/rank/x"));

            a.unregister();
            assertText("d (10) is left on top", "d server=default", connection.get("/rank/x"));
            d.unregister();
            assertText("c (5)", "c server=default", connection.get("/rank/x"));
            c.unregister();
            assertText("b (0) before e (-1)", "b server=default", connection.get("/rank/x"));
            b.unregister();
            assertText("e is the last one", "e server=default", connection.get("/rank/x"));
            e.unregister();
            assertStatus(404, connection.get("/rank/x"));
        }
    }

    @Test
    public void invalidMountsAreLoggedAsErrorsAndNotMounted() throws Exception {
        int port = freePort();
        configureDefaultServer("listen", "127.0.0.1:" + port);
        awaitAnswer(port, "/");

        int mark = log.mark();
        registerApplication(answering("relative"), "api", null);
        LogCapture.Entry relative = log.awaitSince(mark, LogLevel.ERROR, seconds(5), "not mounted", "api");
        System.out.println("logged: " + relative);

        mark = log.mark();
        registerApplication(answering("dotdot"), "/a/../b", null);
        LogCapture.Entry dotDot = log.awaitSince(mark, LogLevel.ERROR, seconds(5), "not mounted", "/a/../b");
        System.out.println("logged: " + dotDot);

        for (String target : new String[] {"/api", "/api/x", "/b", "/a/b", "/a", "/"}) {
            Response response = ClientConnection.get(port, target);
            assertEquals("nothing mounted at " + target + ": " + response, 404, response.status());
        }
        // a valid registration afterwards is mounted as usual: the whiteboard is not stuck
        registerApplication(answering("valid"), "/api", null);
        assertText("valid server=default", ClientConnection.get(port, "/api/x"));
    }

    @Test
    public void pathOutsideUrlPrefixIsNotFound() throws Exception {
        int port = freePort();
        configureDefaultServer("listen", "127.0.0.1:" + port, "url_prefix", "/site");
        awaitAnswer(port, "/");
        registerApplication(UsherTestSupport::describeRequest, "/app", null);
        registerApplication(answering("catch-all"), "/", null);

        try (ClientConnection connection = ClientConnection.open(port)) {
            assertText("itest script_name=/site/app path_info=/x", connection.get("/site/app/x"));
            assertText("catch-all server=default", connection.get("/site/other"));
            assertText("catch-all server=default", connection.get("/site"));
            for (String target : new String[] {"/app/x", "/other", "/", "/sitex", "/sitex/app/x"}) {
                Response response = connection.get(target);
                assertEquals("outside url_prefix /site, even with a catch-all mounted: " + target + " -> "
                        + response, 404, response.status());
            }
        }
    }

    @Test
    public void requestInFlightSurvivesItsApplicationsUnregistration() throws Exception {
        int port = freePort();
        configureDefaultServer("listen", "127.0.0.1:" + port);
        awaitAnswer(port, "/");
        SlowApplication slow = new SlowApplication("/held");
        ServiceRegistration<HttpApplication> registration = register(slow, null);
        assertText("probe", ClientConnection.get(port, "/held/probe"));

        try (ClientConnection inFlight = ClientConnection.open(port)) {
            slow.begin(inFlight, "request");
            registration.unregister();
            assertStatus(404, ClientConnection.get(port, "/held/probe"));

            slow.release();
            slow.assertFinished(inFlight, "request");
            // and the connection is still usable
            assertStatus(404, inFlight.get("/held/probe"));
        }
    }

    private ServiceRegistration<HttpApplication> register(String name, Integer ranking) {
        Hashtable<String, Object> properties = rankedProperties(ranking);
        return registerApplication(answering(name), properties);
    }

    private static Hashtable<String, Object> rankedProperties(Integer ranking) {
        Hashtable<String, Object> properties = new Hashtable<>();
        properties.put("usher.mount", "/rank");
        if (ranking != null) {
            properties.put(Constants.SERVICE_RANKING, ranking);
        }
        return properties;
    }

    private static void assertStatus(int status, Response response) {
        assertEquals("status of " + response, status, response.status());
    }

    private static void assertText(String text, Response response) {
        assertText("", text, response);
    }

    private static void assertText(String why, String text, Response response) {
        assertEquals(why + ": status of " + response, 200, response.status());
        assertEquals(why, text, response.text());
    }
}
