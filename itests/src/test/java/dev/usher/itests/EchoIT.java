package dev.usher.itests;

import static org.junit.Assert.assertEquals;

import java.util.Map;
import java.util.Random;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

import dev.usher.itests.ClientConnection.Response;

/**
 * Request bodies as an application reads them, checked through the demo's echo (which reads the
 * body, closes it, and reports its length and SHA-256): none, and one spilled to a temp file
 * past {@code inbuf_overflow}.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class EchoIT extends UsherTestSupport {

    private static final String EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    @Configuration
    public Option[] configuration() {
        return UsherOptions.withDemo();
    }

    /**
     * An application may close the body it was given (echo does, with try-with-resources); that
     * must not affect any other request. Found failing on 2026-11-23: the second body-less request
     * got a 500 because the dispatcher hands every body-less request one shared
     * {@code InputStream.nullInputStream()}, which the first echo closed ("Stream closed").
     */
    @Test
    public void everyBodylessRequestGetsAReadableEmptyBody() throws Exception {
        int port = freePort();
        configureDefaultServer("listen", "127.0.0.1:" + port);
        assertHello(awaitAnswer(port, "/"));
        try (ClientConnection connection = ClientConnection.open(port)) {
            for (int i = 1; i <= 3; i++) {
                Response echo = connection.get("/echo?n=" + i);
                assertEquals("bodyless GET /echo number " + i + ": " + echo, 200, echo.status());
                assertContains(echo.text(), "\"body_length\":0");
                assertContains(echo.text(), "\"body_sha256\":\"" + EMPTY_SHA256 + "\"");
            }
        }
        Response fresh = ClientConnection.get(port, "/echo?n=fresh-connection");
        assertEquals("bodyless GET /echo on a new connection: " + fresh, 200, fresh.status());
    }

    @Test
    public void bodyPastInbufOverflowArrivesIntact() throws Exception {
        int port = freePort();
        configureDefaultServer("listen", "127.0.0.1:" + port, "inbuf_overflow", "4096");
        assertHello(awaitAnswer(port, "/"));
        byte[] body = new byte[300_000];
        new Random(42).nextBytes(body);
        try (ClientConnection connection = ClientConnection.open(port)) {
            Response echo = connection.request("POST", "/echo/upload", Map.of("Content-Type",
                    "application/octet-stream"), body);
            assertEquals("status of " + echo, 200, echo.status());
            assertContains(echo.text(), "\"path\":\"/upload\"");
            assertContains(echo.text(), "\"body_length\":" + body.length);
            assertContains(echo.text(), "\"body_sha256\":\"" + sha256(body) + "\"");
        }
    }
}
