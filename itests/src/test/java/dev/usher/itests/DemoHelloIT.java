package dev.usher.itests;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

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
 * {@code /blocking} on an application thread, and they answer the same bytes; and its long poll
 * ({@code /poll}) and server-sent events ({@code /events}), which wait without a thread.
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

    @Test
    public void thePollHandsAPostedMessageToEveryClientWaitingAndAnswers204WhenTheWaitRunsOut() throws Exception {
        int port = freePort();
        configureDefaultServer("listen", "127.0.0.1:" + port, "threads", "1");
        assertHello(awaitAnswer(port, "/"));
        try (ClientConnection one = ClientConnection.open(port); ClientConnection two = ClientConnection.open(port);
                ClientConnection three = ClientConnection.open(port); ClientConnection poster = ClientConnection.open(port)) {
            // threads=1 and three clients waiting: none of them holds the thread
            for (ClientConnection waiter : List.of(one, two, three)) {
                waiter.send("GET", "/poll?wait=60", Map.of(), new byte[0]);
            }
            int delivered = 0;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (delivered < 3 && System.nanoTime() < deadline) {
                // a POST before every GET was read reaches fewer: the rest get the next one
                Response post = poster.request("POST", "/poll", Map.of(), "hi".getBytes(StandardCharsets.UTF_8));
                assertEquals(200, post.status());
                String text = new String(post.body(), StandardCharsets.UTF_8);
                assertTrue(text, text.matches("delivered to \\d\n"));
                delivered += Integer.parseInt(text.substring("delivered to ".length()).trim());
            }
            assertEquals(3, delivered);
            for (ClientConnection waiter : List.of(one, two, three)) {
                Response message = waiter.readResponse();
                assertEquals(200, message.status());
                assertEquals("hi", new String(message.body(), StandardCharsets.UTF_8));
            }
            assertEquals(204, one.get("/poll?wait=0").status());
            assertEquals(400, one.get("/poll?wait=soon").status());
        }
    }

    @Test
    public void eventsStreamOneEventASecond() throws Exception {
        int port = freePort();
        configureDefaultServer("listen", "127.0.0.1:" + port);
        assertHello(awaitAnswer(port, "/"));
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write("GET /events HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            StringBuilder read = new StringBuilder();
            var in = socket.getInputStream();
            while (!read.toString().contains("id: 2\n")) {
                int c = in.read();
                assertTrue("the stream goes on: " + read, c >= 0);
                read.append((char) c);
            }
            assertTrue(read.toString(), read.toString().startsWith("HTTP/1.1 200 "));
            assertTrue(read.toString(), read.toString().contains("Content-Type: text/event-stream"));
            assertTrue(read.toString(), read.toString().contains("id: 1\ndata: "));
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
