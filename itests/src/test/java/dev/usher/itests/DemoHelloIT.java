package dev.usher.itests;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;

import java.util.HashMap;
import java.util.Map;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.ServiceReference;

import dev.usher.api.HttpApplication;
import dev.usher.api.Mount;
import dev.usher.api.Nonblocking;
import dev.usher.itests.ClientConnection.Response;

/**
 * The demo's two hellos, which the benchmarks compare: {@code /} runs on the I/O loop,
 * {@code /blocking} on an application thread, and they answer the same bytes.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class DemoHelloIT extends UsherTestSupport {

    @Configuration
    public Option[] configuration() {
        return UsherOptions.withDemo();
    }

    @Test
    public void theBlockingHelloAnswersTheSameBytesFromAnApplicationThread() throws Exception {
        assertEquals(Boolean.TRUE, flag(application("/")));
        assertNull("no " + Nonblocking.PROPERTY + " on the blocking hello", flag(application("/blocking")));

        int port = freePort();
        configureDefaultServer("listen", "127.0.0.1:" + port);
        assertHello(awaitAnswer(port, "/"));
        try (ClientConnection connection = ClientConnection.open(port)) {
            Response inline = connection.get("/");
            Response blocking = connection.get("/blocking");
            assertEquals(inline.status(), blocking.status());
            assertArrayEquals(inline.body(), blocking.body());
            assertEquals(withoutDate(inline.headers()), withoutDate(blocking.headers()));
        }
    }

    private ServiceReference<HttpApplication> application(String mount) throws Exception {
        var references = context.getServiceReferences(HttpApplication.class, "(" + Mount.PROPERTY + "=" + mount + ")");
        assertEquals("applications mounted at " + mount, 1, references.size());
        return references.iterator().next();
    }

    private static Object flag(ServiceReference<?> reference) {
        Object value = reference.getProperty(Nonblocking.PROPERTY);
        return value instanceof String text ? Boolean.valueOf(text) : value;
    }

    private static Map<String, String> withoutDate(Map<String, String> headers) {
        Map<String, String> copy = new HashMap<>(headers);
        copy.keySet().removeIf(name -> name.equalsIgnoreCase("date"));
        return copy;
    }
}
