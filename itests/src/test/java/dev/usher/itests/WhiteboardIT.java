package dev.usher.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;

import java.util.Hashtable;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.ServiceRegistration;

import dev.usher.api.HttpApplication;
import dev.usher.itests.ClientConnection.Response;

/**
 * The whiteboard without the demo bundle, so nothing is mounted at {@code /}: an application
 * the test registers is served over a real socket, and once it is unregistered its path is a
 * {@code 404}.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class WhiteboardIT extends UsherTestSupport {

    @Configuration
    public Option[] configuration() {
        return UsherOptions.withoutDemo();
    }

    @Test
    public void registeredApplicationIsServedAndGoneAfterUnregistering() throws Exception {
        for (Bundle bundle : context.getBundles()) {
            assertFalse("no demo bundle in this container", UsherOptions.DEMO_BUNDLE.equals(bundle.getSymbolicName()));
        }
        int port = freePort();
        configureDefaultServer("listen", "127.0.0.1:" + port);
        Response before = awaitAnswer(port, "/itest/x");
        assertEquals("nothing mounted yet: " + before, 404, before.status());

        Hashtable<String, Object> properties = new Hashtable<>();
        properties.put("usher.mount", new String[] {"/itest", "/other/mount"});
        ServiceRegistration<HttpApplication> registration =
                context.registerService(HttpApplication.class, UsherTestSupport::describeRequest, properties);
        try {
            Response served = Await.until("the test application at /itest", () -> {
                Response r = ClientConnection.get(port, "/itest/x");
                return r.status() == 404 ? null : r;
            });
            assertEquals("status of " + served, 200, served.status());
            assertEquals("text/plain", served.header("Content-Type"));
            assertEquals("itest script_name=/itest path_info=/x", served.text());

            assertEquals("itest script_name=/itest path_info=", ClientConnection.get(port, "/itest").text());
            assertEquals("itest script_name=/other/mount path_info=/deeper/still",
                    ClientConnection.get(port, "/other/mount/deeper/still").text());
            Response prefixOnly = ClientConnection.get(port, "/itestx");
            assertEquals("a mount matches on segment boundaries: " + prefixOnly, 404, prefixOnly.status());
            Response elsewhere = ClientConnection.get(port, "/");
            assertEquals("nothing at /: " + elsewhere, 404, elsewhere.status());
        } finally {
            registration.unregister();
        }

        Response after = Await.until("/itest/x to be unmounted", () -> {
            Response r = ClientConnection.get(port, "/itest/x");
            return r.status() == 200 ? null : r;
        });
        assertEquals("after unregistering: " + after, 404, after.status());
        assertEquals(404, ClientConnection.get(port, "/other/mount/deeper/still").status());
    }
}
