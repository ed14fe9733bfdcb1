package dev.usher.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;

import javax.inject.Inject;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.ManagedService;
import org.osgi.service.cm.ManagedServiceFactory;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;

import dev.usher.api.HttpApplication;
import dev.usher.itests.ClientConnection.Response;

/**
 * The Usher bundles, the demo included, in a real Felix with SCR, Config Admin and Felix Log:
 * they start, a configuration brings a server up, and the demo applications answer over a real
 * socket.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class UsherBundlesIT extends UsherTestSupport {

    @Inject
    private ServiceComponentRuntime scr;

    @Configuration
    public Option[] configuration() {
        return UsherOptions.withDemo();
    }

    @Test
    public void everyUsherBundleIsActive() {
        for (Bundle bundle : context.getBundles()) {
            System.out.printf("bundle %3d %-40s %-30s state %d%n", bundle.getBundleId(), bundle.getSymbolicName(),
                    bundle.getVersion(), bundle.getState());
        }
        List<String> expected = new ArrayList<>(UsherOptions.CORE_BUNDLES);
        expected.add(UsherOptions.DEMO_BUNDLE);
        for (String symbolicName : expected) {
            Bundle bundle = bundle(symbolicName);
            assertNotNull(symbolicName + " is installed", bundle);
            assertEquals(symbolicName + " state", Bundle.ACTIVE, bundle.getState());
        }
    }

    @Test
    public void everyUsherComponentIsActive() {
        List<String> components = new ArrayList<>();
        for (String symbolicName : List.of("dev.usher.config", "dev.usher.dispatcher", UsherOptions.DEMO_BUNDLE)) {
            Collection<ComponentDescriptionDTO> descriptions = scr.getComponentDescriptionDTOs(bundle(symbolicName));
            assertTrue(symbolicName + " has components", !descriptions.isEmpty());
            for (ComponentDescriptionDTO description : descriptions) {
                assertTrue(description.name + " is enabled", scr.isComponentEnabled(description));
                Collection<ComponentConfigurationDTO> configurations = scr.getComponentConfigurationDTOs(description);
                assertEquals(description.name + " configurations", 1, configurations.size());
                ComponentConfigurationDTO configuration = configurations.iterator().next();
                assertEquals(description.name + " state (failure: " + configuration.failure + ")",
                        ComponentConfigurationDTO.ACTIVE, configuration.state);
                components.add(description.name);
            }
        }
        assertTrue("components " + components, components.containsAll(List.of(
                "dev.usher.config.internal.ServerConfigurations", "dev.usher.dispatcher.Servers",
                "dev.usher.demo.Hello", "dev.usher.demo.Echo")));
    }

    @Test
    public void noServerRunsWithoutConfiguration() throws Exception {
        // usher.server.default=false: the config bundle listens for PID dev.usher.server but
        // publishes no settings, so no server binds 0.0.0.0:8080.
        String filter = "(service.pid=" + SERVER_PID + ")";
        assertNotNull("ManagedService " + SERVER_PID,
                context.getServiceReferences(ManagedService.class, filter).stream().findFirst().orElse(null));
        assertNotNull("ManagedServiceFactory " + SERVER_PID,
                context.getServiceReferences(ManagedServiceFactory.class, filter).stream().findFirst().orElse(null));
        assertEquals("ServerSettings services", 0, serverSettings().length);
    }

    @Test
    public void configurationBringsServerUpAndDeletionTakesItDown() throws Exception {
        int port = freePort();
        assertTrue("nothing listens on " + port + " yet", ClientConnection.refuses(port));

        org.osgi.service.cm.Configuration configuration = configureDefaultServer("listen", "127.0.0.1:" + port);
        log.await("Serving on http://127.0.0.1:" + port, seconds(15));
        Response response = awaitAnswer(port, "/");
        assertHello(response);
        assertEquals("text/plain", response.header("Content-Type"));
        assertEquals("13", response.header("Content-Length"));
        assertEquals("usher", response.header("Server"));
        assertNotNull("Date header", response.header("Date"));
        assertEquals("one ServerSettings service", 1, serverSettings().length);
        assertEquals("default", serverSettings()[0].getProperty("usher.server.name"));

        configuration.delete();
        awaitRefused(port);
    }

    @Test
    public void helloAndEchoAnswer() throws Exception {
        int port = freePort();
        configureDefaultServer("listen", "127.0.0.1:" + port);
        assertHello(awaitAnswer(port, "/"));

        try (ClientConnection connection = ClientConnection.open(port)) {
            Response hello = connection.get("/any/path/at/all?x=y");
            assertHello(hello);
            assertEquals("text/plain", hello.header("Content-Type"));

            Response echo = connection.request("GET", "/echo/a%20b/c?x=1&y=2", Map.of("X-Itest", "yes"), new byte[0]);
            assertEquals("status of " + echo, 200, echo.status());
            assertEquals("application/json", echo.header("Content-Type"));
            String json = echo.text();
            assertContains(json, "\"method\":\"GET\"");
            assertContains(json, "\"script_name\":\"/echo\"");
            assertContains(json, "\"path\":\"/a b/c\"");
            assertContains(json, "\"query\":\"x=1&y=2\"");
            assertContains(json, "\"x-itest\":\"yes\"");
            assertContains(json, "\"body_length\":0");
            assertContains(json, "\"body_sha256\":\"" + sha256(new byte[0]) + "\"");

            byte[] body = "posted by the itest".getBytes(StandardCharsets.UTF_8);
            Response posted = connection.request("POST", "/echo", Map.of("Content-Type", "text/plain"), body);
            assertEquals("status of " + posted, 200, posted.status());
            assertContains(posted.text(), "\"method\":\"POST\"");
            assertContains(posted.text(), "\"script_name\":\"/echo\"");
            assertContains(posted.text(), "\"path\":\"\"");
            assertContains(posted.text(), "\"body_length\":" + body.length);
            assertContains(posted.text(), "\"body_sha256\":\"" + sha256(body) + "\"");

            // The query knobs are exercised with a body: a body-less echo request is broken once
            // any earlier one closed its body (see EchoIT), and this test is about the knobs.
            byte[] one = {'x'};
            Response teapot = connection.request("POST", "/echo?status=418", Map.of(), one);
            assertEquals("status of " + teapot, 418, teapot.status());
            assertContains(teapot.text(), "\"body_length\":1");

            Response streamed = connection.request("POST", "/echo/streamed?stream=3", Map.of(), one);
            assertEquals("status of " + streamed, 200, streamed.status());
            assertEquals("chunked", streamed.header("Transfer-Encoding"));
            assertContains(streamed.text(), "\"path\":\"/streamed\"");
            assertTrue("complete JSON: " + streamed.text(), streamed.text().endsWith("}"));

            Response failed = connection.request("POST", "/echo?raise=1", Map.of(), one);
            assertEquals("status of " + failed, 500, failed.status());
            if (!"close".equalsIgnoreCase(failed.header("Connection"))) {
                assertHello(connection.get("/"));
            }
        }
    }

    @Test
    public void registeredApplicationTakesItsMountFromHelloUntilUnregistered() throws Exception {
        int port = freePort();
        configureDefaultServer("listen", "127.0.0.1:" + port);
        assertHello(awaitAnswer(port, "/itest/x"));

        Hashtable<String, Object> properties = new Hashtable<>();
        properties.put("usher.mount", "/itest");
        ServiceRegistration<HttpApplication> registration =
                context.registerService(HttpApplication.class, UsherTestSupport::describeRequest, properties);
        try {
            Response mounted = Await.until("the test application at /itest", () -> {
                Response r = ClientConnection.get(port, "/itest/x");
                return r.text().startsWith("itest ") ? r : null;
            });
            assertEquals(200, mounted.status());
            assertEquals("itest script_name=/itest path_info=/x", mounted.text());
            assertHello(ClientConnection.get(port, "/itestx"));
        } finally {
            registration.unregister();
        }
        // hello, mounted at /, catches the path again
        Response fallback = Await.until("hello to answer /itest/x again", () -> {
            Response r = ClientConnection.get(port, "/itest/x");
            return r.text().startsWith("itest ") ? null : r;
        });
        assertHello(fallback);
    }

    private Bundle bundle(String symbolicName) {
        for (Bundle bundle : context.getBundles()) {
            if (symbolicName.equals(bundle.getSymbolicName())) {
                return bundle;
            }
        }
        return null;
    }
}
