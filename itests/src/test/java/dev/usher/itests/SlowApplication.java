package dev.usher.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import dev.usher.api.HttpApplication;
import dev.usher.api.HttpRequest;
import dev.usher.api.HttpResponse;
import dev.usher.itests.ClientConnection.Response;

/**
 * A test application that holds every request (but {@code <mount>/probe}) on an application
 * thread until the test {@link #release() releases} its gate: a request in flight across a
 * configuration change. It counts the requests that entered, so a test can wait for a request
 * to be in flight, or check that none got a thread.
 */
final class SlowApplication implements HttpApplication {

    /** How long a request waits for the gate at most, so a failing test cannot hang a thread. */
    static final Duration LONGEST_HOLD = Duration.ofSeconds(30);
    /** How long a request sent with {@link #begin} may take to reach the application. */
    static final Duration ENTRY_TIMEOUT = Duration.ofSeconds(10);

    private final String mount;
    private final CountDownLatch gate = new CountDownLatch(1);
    private final Semaphore entered = new Semaphore(0);

    SlowApplication(String mount) {
        this.mount = mount;
    }

    String mount() {
        return mount;
    }

    @Override
    public void handle(HttpRequest request, HttpResponse response) throws Exception {
        try (InputStream body = request.body()) {
            body.transferTo(OutputStream.nullOutputStream());
        }
        if (request.pathInfo().equals("/probe")) {
            answer(response, 200, "probe");
            return;
        }
        entered.release();
        if (gate.await(LONGEST_HOLD.toMillis(), TimeUnit.MILLISECONDS)) {
            answer(response, 200, "slow " + request.pathInfo());
        } else {
            answer(response, 503, "the test never opened the gate of " + mount);
        }
    }

    private static void answer(HttpResponse response, int status, String text) throws IOException {
        byte[] body = text.getBytes(StandardCharsets.UTF_8);
        response.status(status);
        response.setHeader("Content-Type", "text/plain");
        response.contentLength(body.length);
        response.body().write(body);
    }

    /** Opens the gate: every held request, and every later one, is answered. */
    void release() {
        gate.countDown();
    }

    /** Waits until {@code count} more requests have entered the application (are being held). */
    void awaitEntered(int count, Duration timeout) throws InterruptedException {
        assertTrue(count + " request(s) should have reached " + mount + " within " + timeout.toMillis() + " ms",
                entered.tryAcquire(count, timeout.toMillis(), TimeUnit.MILLISECONDS));
    }

    /** Asserts that no further request enters the application within {@code wait} (a bounded wait). */
    void assertNoneEnters(Duration wait, String why) throws InterruptedException {
        assertFalse("no request should reach " + mount + " yet: " + why,
                entered.tryAcquire(1, wait.toMillis(), TimeUnit.MILLISECONDS));
    }

    /**
     * Sends {@code GET <mount>/<name>} on {@code connection} and waits until the application
     * holds it: the request is then in flight until {@link #release()}.
     */
    ClientConnection begin(ClientConnection connection, String name) throws Exception {
        send(connection, name);
        awaitEntered(1, ENTRY_TIMEOUT);
        return connection;
    }

    /** Sends {@code GET <mount>/<name>} on {@code connection}, without waiting for anything. */
    void send(ClientConnection connection, String name) throws IOException {
        connection.send("GET", mount + "/" + name, Map.of(), new byte[0]);
    }

    /** Reads the response to {@code GET <mount>/<name>} and asserts it is the 200 it should be. */
    Response assertFinished(ClientConnection connection, String name) throws IOException {
        Response response = connection.readResponse();
        assertEquals("status of the request in flight " + mount + "/" + name + ": " + response, 200,
                response.status());
        assertEquals("slow /" + name, response.text());
        return response;
    }
}
